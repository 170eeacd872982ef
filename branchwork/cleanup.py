"""Files nothing refers to: what a killed worker or a full disk leaves behind.

A change that stores files writes them before its transaction commits and removes them if it rolls
back (``reports.services.report_submit``, attachment uploads). A process killed in between (the
gunicorn timeout, an out-of-memory kill) cannot remove them, and neither can Django remove the
temporary file an interrupted upload was spooled to. ``orphans()`` finds both; ``manage.py
cleanup`` lists and removes them.

Only files older than a grace period count: a file written a moment ago may belong to a
transaction that is about to commit.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

GRACE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Orphan:
    kind: str  # "storage" (a file in the media storage) or "upload" (an upload's temporary file)
    name: str
    size: int


def referenced_names() -> set[str]:
    """Every file name a row of any model refers to (attachments, versions' DOCX/PDF…)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._base_manager.exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                    .iterator(chunk_size=2000)
                )
    return names


def _storage_names(folder: str = "") -> Iterator[str]:
    directories, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _storage_names(f"{folder}/{directory}" if folder else directory)


def orphans(*, now: datetime.datetime | None = None, grace: datetime.timedelta = GRACE) -> list[Orphan]:
    now = now or timezone.now()
    found: list[Orphan] = []
    referenced = referenced_names()
    try:
        names = sorted(_storage_names())
    except FileNotFoundError:  # no file stored yet: the media folder does not exist
        names = []
    for name in names:
        if name in referenced or now - default_storage.get_modified_time(name) < grace:
            continue
        found.append(Orphan("storage", name, default_storage.size(name)))
    # Django spools uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to "tmpXXXX.upload.<ext>" files and
    # removes them when the request ends, unless the worker is killed first.
    upload_dir = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    cutoff = (now - grace).timestamp()
    for path in sorted(upload_dir.glob("tmp*.upload*")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if path.is_file() and stat.st_mtime < cutoff:
            found.append(Orphan("upload", str(path), stat.st_size))
    return found


def remove(orphan: Orphan) -> None:
    if orphan.kind == "storage":
        default_storage.delete(orphan.name)
    else:
        os.remove(orphan.name)
