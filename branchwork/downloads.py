"""Serving a branch's data as a file to download (DOCX, PDF, xlsx, ZIP).

Every such download is private: ``Cache-Control: private, no-store`` keeps shared caches and the
browser's disk cache from holding a copy after the user has left. Every file name is cleaned the
same way, whether it is sent as ``Content-Disposition`` or written into a ZIP: no folder
separators, no ``..``, no control characters — a report titled ``../../x`` downloads as ``x`` in
the user's download folder, never somewhere else.
"""

from __future__ import annotations

import re
import unicodedata

from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

MAX_FILENAME_CHARS = 150  # well inside every file system's 255 bytes, with room for "（第2版）"

# Folder separators (ASCII and the look-alikes Windows turns into them) and what Windows forbids.
_UNSAFE = re.compile(r'[\\/:*?"<>|\u2215\u2044\uff0f\uff3c]+')


def clean_filename(name: str, *, fallback: str = "下载文件") -> str:
    """``name`` as a safe single file name: separators and forbidden characters become ``_``,
    control and format characters go, runs of dots cannot climb out of a folder, and leading or
    trailing dots and spaces are dropped. Keeps the extension when shortening."""
    text = "".join(
        ch for ch in str(name or "") if unicodedata.category(ch)[0] != "C" or ch in "\t"
    ).replace("\t", " ")
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = " ".join(text.split()).strip(" ._")
    if not text:
        return fallback
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:MAX_FILENAME_CHARS].rstrip(" .")
    return text


def unique_filename(name: str, used: set[str]) -> str:
    """``name``, or ``name（2）.ext`` and so on if an earlier file of the same archive took it; the
    name returned is added to ``used``. Compared without case, as Windows and macOS do."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, counter = name, 2
    while candidate.casefold() in used:
        candidate = f"{stem}（{counter}）{dot}{extension}"
        counter += 1
    used.add(candidate.casefold())
    return candidate


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark a response holding branch data as not to be stored by any cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def file_download(content, *, filename: str, content_type: str) -> HttpResponse:
    """A private download of ``content`` (bytes or an open binary file) as ``filename``."""
    name = clean_filename(filename)
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(bytes(content), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
    else:
        response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)
