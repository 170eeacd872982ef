"""Upload validation for attachments: the type is decided by the bytes, not by the name.

Accepted: PDF, JPEG, PNG, GIF, WEBP, DOCX/XLSX/PPTX (checked as zip packages, with limits against
zip bombs), DOC/XLS (OLE compound files whose directory holds a Word or Excel stream) and plain
text in UTF-8. The extension must agree with
what the content is. Anything a browser could run (SVG, HTML) is refused whatever its name.
"""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# Limits for Office packages (zip archives): refuse what would expand beyond these when read.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 10_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEAD_BYTES = 8192

# Names that must never be stored, whatever their content: a browser may run them.
DANGEROUS_EXTENSIONS = {".svg", ".svgz", ".html", ".htm", ".xhtml", ".shtml", ".xml", ".js", ".mht", ".mhtml"}
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<head", b"<body", b"<script", b"<!--")


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF 文档", "application/pdf", (".pdf",))
JPEG = FileType("JPEG 图片", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("PNG 图片", "image/png", (".png",))
GIF = FileType("GIF 图片", "image/gif", (".gif",))
WEBP = FileType("WEBP 图片", "image/webp", (".webp",))
DOCX = FileType(
    "Word 文档（DOCX）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileType("Excel 表格（XLSX）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileType(
    "PowerPoint 演示文稿（PPTX）", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)
DOC = FileType("Word 97-2003 文档（DOC）", "application/msword", (".doc",))
XLS = FileType("Excel 97-2003 表格（XLS）", "application/vnd.ms-excel", (".xls",))
TXT = FileType("纯文本", "text/plain; charset=utf-8", (".txt",))

# filetype's MIME answers for the formats we accept from its matchers.
_BY_SNIFFED_MIME = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/apng": PNG,
    "image/gif": GIF,
    "image/webp": WEBP,
}

# Office packages: the folder a real package has, and the main part's content type it declares.
_OOXML = (
    (DOCX, "word/", "wordprocessingml.document.main+xml"),
    (XLSX, "xl/", "spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/", "presentationml.presentation.main+xml"),
)

ALLOWED_EXTENSIONS = sorted({ext for t in (PDF, JPEG, PNG, GIF, WEBP, DOCX, XLSX, PPTX, DOC, XLS, TXT) for ext in t.extensions})
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_EXTENSIONS)
ALLOWED_DESCRIPTION = "PDF、JPG、PNG、GIF、WEBP、DOCX、XLSX、PPTX、DOC、XLS、TXT"


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def validate_upload(upload: UploadedFile) -> FileType:
    """The file's type if it may be stored; else ValidationError with a message for the user."""
    name = upload.name or ""
    extension = extension_of(name)
    size = upload.size or 0
    if size == 0:
        raise ValidationError("文件“%(name)s”是空文件（0 字节），请重新选择。", params={"name": name}, code="empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            "文件“%(name)s”大小为 %(size)s，超过了 %(limit)s 的上限，请压缩或拆分后再上传。",
            params={"name": name, "size": human_size(size), "limit": human_size(limit)},
            code="too_large",
        )
    if extension in DANGEROUS_EXTENSIONS:
        raise ValidationError("出于安全考虑，不接受 SVG、HTML 等网页类文件，请转为 PDF 或图片后上传。", code="dangerous")
    if not extension:
        raise ValidationError(
            "文件名没有扩展名，无法确认类型。可以上传的类型：%(allowed)s。", params={"allowed": ALLOWED_DESCRIPTION}, code="no_ext"
        )

    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    detected = _detect(upload, head)
    if detected is None:
        if _looks_like_markup(head):
            raise ValidationError("出于安全考虑，不接受 SVG、HTML 等网页类文件，请转为 PDF 或图片后上传。", code="dangerous")
        if extension == ".txt":
            raise ValidationError(
                "文本文件“%(name)s”不是 UTF-8 编码的纯文本，请用记事本“另存为”UTF-8 编码后再上传。",
                params={"name": name},
                code="bad_text",
            )
        raise ValidationError(
            "无法识别文件“%(name)s”的内容，或该类型不允许上传。可以上传的类型：%(allowed)s。",
            params={"name": name, "allowed": ALLOWED_DESCRIPTION},
            code="unknown",
        )
    if extension not in detected.extensions:
        raise ValidationError(
            "文件“%(name)s”的内容是%(label)s，与扩展名“%(ext)s”不符，请确认文件后重新上传。",
            params={"name": name, "label": detected.label, "ext": extension},
            code="mismatch",
        )
    return detected


def _detect(upload: UploadedFile, head: bytes) -> FileType | None:
    if head.startswith(ZIP_MAGIC):
        return _office_package(upload)
    if head.startswith(OLE_MAGIC):
        return _ole_document(upload)
    kind = filetype.guess(head)
    if kind is not None:
        return _BY_SNIFFED_MIME.get(kind.mime)
    if _is_utf8_text(upload) and not _looks_like_markup(head):
        return TXT
    return None


def _office_package(upload: UploadedFile) -> FileType | None:
    """DOCX/XLSX/PPTX if the zip is a real Office package within the expansion limits."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise _zip_bomb()
            total = sum(info.file_size for info in members)
            if total > ZIP_MAX_UNCOMPRESSED or total > ZIP_MAX_RATIO * max(upload.size or 0, 1):
                raise _zip_bomb()
            names = {info.filename for info in members}
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    for file_type, folder, main_part in _OOXML:
        if any(name.startswith(folder) for name in names) and main_part.encode() in content_types:
            return file_type
    return None


# The stream that makes an OLE compound file a Word or an Excel 97-2003 file (Excel 5/95: "Book").
_OLE_STREAMS = ((DOC, ("WordDocument",)), (XLS, ("Workbook", "Book")))


def _ole_document(upload: UploadedFile) -> FileType | None:
    """DOC or XLS if the OLE container parses and its directory has that format's main stream;
    eight bytes of signature alone prove nothing."""
    upload.seek(0)
    try:
        with olefile.OleFileIO(upload) as ole:
            for file_type, streams in _OLE_STREAMS:
                if any(ole.exists(name) and ole.get_type(name) == olefile.STGTY_STREAM for name in streams):
                    return file_type
    except Exception:  # olefile raises OSError, ValueError, struct.error… on a damaged container
        return None
    finally:
        upload.seek(0)
    return None


def _zip_bomb() -> ValidationError:
    return ValidationError(
        "压缩包解压后体积异常（超过 200 MB 或压缩比超过 100 倍），疑似恶意文件，已拒绝。", code="zip_bomb"
    )


def _is_utf8_text(upload: UploadedFile) -> bool:
    upload.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            utf8.decode(chunk)
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith(MARKUP_STARTS)
