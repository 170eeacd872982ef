"""Checks of uploaded Excel files, shared by the roster and ledger imports.

An .xlsx is a zip archive: a few kilobytes can inflate to gigabytes (a "zip bomb"), and openpyxl
would parse all of it, holding the request (and its memory) for minutes. The archive's directory
states every member's size, so the expansion is known before anything is inflated.
"""

import zipfile

from django import forms

IMPORT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
IMPORT_MAX_RATIO = 100
# Below this a file cannot hurt whatever its ratio (a real sheet of repeated rows reaches 50×).
RATIO_APPLIES_ABOVE = 10 * 1024 * 1024


def refuse_zip_bomb(upload) -> None:
    """ValidationError if the archive would inflate beyond the limits; a file that is not a zip at
    all is left to the importer, which reports it in its own words."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return
    finally:
        upload.seek(0)
    ratio = total / max(upload.size or 0, 1)
    if total > IMPORT_MAX_UNCOMPRESSED or (total > RATIO_APPLIES_ABOVE and ratio > IMPORT_MAX_RATIO):
        raise forms.ValidationError(
            "文件解压后体积异常（超过 100 MB，或压缩比超过 100 倍），疑似恶意文件，已拒绝。"
            "如确是台账文件，请用 Excel 或 WPS 打开后另存为新的 .xlsx 再导入。"
        )


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(size, 1) / 1024:.1f}".rstrip("0").rstrip(".") + " KB"


def clean_xlsx_upload(upload, *, limit: int):
    """The upload if it is an .xlsx small enough to import; else a ValidationError in Chinese."""
    if not upload.name.lower().endswith(".xlsx"):
        raise forms.ValidationError(
            "只能导入 .xlsx 格式的 Excel 文件。若是 .xls 或 .csv，请先用 Excel 或 WPS 另存为 .xlsx。"
        )
    if upload.size > limit:
        raise forms.ValidationError(
            f"文件过大（{_size_text(upload.size)}），不能超过 {_size_text(limit)}，请拆分后分批导入。"
        )
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise forms.ValidationError("该文件不是有效的 .xlsx 文件，请用 Excel 或 WPS 重新保存后再导入。")
    refuse_zip_bomb(upload)
    return upload
