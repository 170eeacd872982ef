"""A report's files: the draft rendered on demand, a version's stored DOCX/PDF, and a reviewer's
ZIP of every approved report below them. Views only serve what these return.

Each function returns a ``ReportFile`` — a name (not yet cleaned for a download header; the
serving helper does that), a content type and an open binary file — or ``None`` where there is
nothing to serve.
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from branchwork.downloads import clean_filename, unique_filename
from branchwork.figures import cached_figures
from branchwork.models import Organisation
from branchwork.periods import Period

from . import services
from .models import Report, ReportVersion
from .renderers import RENDERERS
from .selectors import report_document, report_state

DOWNLOAD_FORMATS = ("docx", "pdf")
# The ZIP is assembled in memory up to this size, on a temporary file beyond it.
ARCHIVE_IN_MEMORY_BYTES = 32 * 1024 * 1024


class UnknownFormat(LookupError):
    """Not a format a report downloads as."""


@dataclass
class ReportFile:
    filename: str
    content_type: str
    file: BinaryIO


def _renderer(fmt: str):
    if fmt not in DOWNLOAD_FORMATS or fmt not in RENDERERS:
        raise UnknownFormat(fmt)
    return RENDERERS[fmt]


def _stem(version: ReportVersion, report: Report) -> str:
    return version.document.get("file_stem") or report.title


def version_file(*, version: ReportVersion, fmt: str, numbered: bool = False) -> ReportFile:
    """A submitted version's stored file (rendered and stored first if it is missing)."""
    renderer = _renderer(fmt)
    services.version_files_ensure(version=version, formats=(fmt,))
    stored = version.docx_file if fmt == "docx" else version.pdf_file
    label = f"（第{version.number}版）" if numbered else ""
    filename = f"{_stem(version, version.report)}{label}.{renderer.extension}"
    return ReportFile(filename, renderer.content_type, stored.open("rb"))


def report_file(*, report: Report, fmt: str, today: datetime.date) -> ReportFile:
    """What the report reads as now, as a file: its latest version's stored file once submitted
    or approved; else the draft compiled from today's records, rendered once per revision of the
    report and of the branch's figures (then from the cache)."""
    renderer = _renderer(fmt)
    document, version = report_document(report=report, today=today)
    if version is not None:
        return version_file(version=version, fmt=fmt)
    content = cached_figures(
        "draft-file", report.branch, (fmt, *report_state(report), today.isoformat()), lambda: renderer.render(document)
    )
    filename = f"{document.file_stem or report.title}（草稿）.{renderer.extension}"
    return ReportFile(filename, renderer.content_type, io.BytesIO(content))


def approved_archive(*, organisation: Organisation, period: Period) -> ReportFile | None:
    """Every approved report of ``period`` below ``organisation``, as the stored PDF and DOCX of
    its latest version, in one ZIP; ``None`` when none is approved yet. Member names are cleaned
    like single downloads' and unique within the archive: a title cannot make a path."""
    reports = (
        Report.objects.below(organisation)
        .in_period(period)
        .filter(status=Report.Status.APPROVED)
        .select_related("branch")
        .order_by("branch__path")
    )
    latest: dict[int, ReportVersion] = {}
    for version in ReportVersion.objects.filter(report__in=reports).select_related("report__branch").order_by("report", "-number"):
        latest.setdefault(version.report_id, version)
    if not latest:
        return None

    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_IN_MEMORY_BYTES)
    used: set[str] = set()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for report in reports:
            version = latest.get(report.pk)
            if version is None:
                continue
            services.version_files_ensure(version=version)
            stem = clean_filename(_stem(version, report), fallback=clean_filename(report.branch.name))
            for fmt in DOWNLOAD_FORMATS:
                stored = version.docx_file if fmt == "docx" else version.pdf_file
                name = unique_filename(f"{stem}.{RENDERERS[fmt].extension}", used)
                with stored.open("rb") as source, bundle.open(name, "w") as target:
                    shutil.copyfileobj(source, target)
    archive.seek(0)
    return ReportFile(f"{organisation.name}{period.long_label}已审核工作总结.zip", "application/zip", archive)
