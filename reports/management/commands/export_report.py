"""Export a branch's report, or its meeting records, from the command line.

    export_report --branch kl --period 2022H1 --format text [-o PATH]       # the report
    export_report --branch kl --record 123 --format pdf -o 会议记录.pdf       # one meeting record
    export_report --branch kl --period 2022H1 --minutes --format pdf -o 会议记录.pdf
                                                   # the period's meeting records: pdf (cover,
                                                   # contents) or zip (a DOCX of each record)
    export_report --branch kl --period 2022H1 --ledger --format pdf -o 台账.pdf  # 三会一课 台账

The report comes in any format of ``reports.renderers.RENDERERS``: a submitted or approved report
is exported exactly as it was frozen; a draft or returned one is compiled from today's records; a
period nobody has started a report for gets the default report the compile step proposes.
Meeting records come in the formats of ``reports.minutes_renderers`` (docx and pdf; pdf and zip for
``--minutes``).
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from branchwork.models import Organisation
from branchwork.periods import Period, PeriodError
from reports.compile import compile_defaults
from reports.document import Document
from reports.minutes import (
    TooManyRecords,
    meeting_ledger_render,
    minutes_book_render,
    minutes_queryset,
    minutes_render,
)
from reports.minutes_renderers import BOOK_RENDERERS, LEDGER_RENDERERS, MINUTES_RENDERERS
from reports.models import Report
from reports.renderers import RENDERERS
from reports.selectors import report_document


def export_document(*, branch: Organisation, period: Period, today: datetime.date | None = None) -> Document:
    """The report as the preview and the print view show it (``report_document``: the frozen
    latest version once submitted or approved, else the draft compiled from today's records), or
    the default report for a period nobody has started one for."""
    report = Report.objects.in_period(period).filter(branch=branch).first()
    if report is None:
        return compile_defaults(branch=branch, period=period)
    document, _version = report_document(report=report, today=today or timezone.localdate())
    return document


class Command(BaseCommand):
    help = "导出党支部某一期间的工作总结（期间如 2022H1、2022H2、2022），或其会议记录、三会一课台账"

    def add_arguments(self, parser):
        parser.add_argument("--branch", required=True, help="党支部代码，如 kl")
        parser.add_argument("--period", help="期间：2022H1（上半年）、2022H2（下半年）或 2022（全年）")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--record", type=int, help="导出这条工作记录（会议）的会议记录，值为记录编号")
        what.add_argument("--minutes", action="store_true", help="导出该期间的全部会议记录（pdf：含封面、目录；zip）")
        what.add_argument("--ledger", action="store_true", help="导出该期间“三会一课”台账的打印版（pdf）")
        parser.add_argument("--format", default="", help="导出格式：工作总结 text、docx、pdf；会议记录 docx、pdf；全部会议记录 pdf、zip")
        parser.add_argument("-o", "--output", help="写入的文件路径；纯文本可省略，直接输出到屏幕")

    def handle(self, *args, branch: str, period: str | None, format: str, output: str | None, **options):
        organisation = Organisation.objects.branches().filter(code=branch).first()
        if organisation is None:
            raise CommandError(f"找不到代码为“{branch}”的党支部")
        if options["record"] is not None:
            rendered = self._record(organisation, options["record"], format or "pdf")
        else:
            if not period:
                raise CommandError("请用 --period 指定期间，如 --period 2022H1")
            try:
                parsed = Period.parse(period)
            except PeriodError as error:
                raise CommandError(str(error)) from None
            if options["minutes"] or options["ledger"]:
                rendered = self._period_records(organisation, parsed, format or "pdf", minutes=options["minutes"])
            else:
                rendered = self._report(organisation, parsed, format or "text")
        content, content_type, extension = rendered
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"已导出：{output}")
        elif content_type.startswith("text/"):
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            raise CommandError(f"该格式需要用 -o 指定输出文件，如 -o 导出.{extension}")

    def _report(self, organisation: Organisation, period: Period, format: str):
        renderer = RENDERERS.get(format)
        if renderer is None:
            raise CommandError(f"不支持的导出格式“{format}”，可选：{'、'.join(RENDERERS)}")
        content = renderer.render(export_document(branch=organisation, period=period))
        return content, renderer.content_type, renderer.extension

    def _record(self, organisation: Organisation, pk: int, format: str):
        activity = minutes_queryset(organisation).filter(pk=pk).first()
        if activity is None:
            raise CommandError(f"{organisation.name}没有编号为 {pk} 的会议记录（只有会议类的工作记录才有会议记录）")
        if format not in MINUTES_RENDERERS:
            raise CommandError(f"不支持的导出格式“{format}”，可选：{'、'.join(MINUTES_RENDERERS)}")
        rendered = minutes_render(activity=activity, fmt=format)
        return rendered.file.read(), rendered.content_type, MINUTES_RENDERERS[format].extension

    def _period_records(self, organisation: Organisation, period: Period, format: str, *, minutes: bool):
        renderers = BOOK_RENDERERS if minutes else LEDGER_RENDERERS
        if format not in renderers:
            raise CommandError(f"不支持的导出格式“{format}”，可选：{'、'.join(renderers)}")
        try:
            if minutes:
                rendered = minutes_book_render(branch=organisation, period=period, fmt=format)
            else:
                rendered = meeting_ledger_render(branch=organisation, period=period)
        except TooManyRecords as error:
            raise CommandError(str(error)) from None
        return rendered.file.read(), rendered.content_type, renderers[format].extension
