"""A standard (考核细则) and its items for the pack's tests, and attachments with real bytes."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.base import ContentFile

from activities.models import Attachment
from inspection.models import Standard, StandardItem


def standard_for(committee, year: int, items: list[dict], **fields) -> Standard:
    """A standard of ``committee`` for ``year`` with ``items`` (dicts of StandardItem fields; code,
    category, measure and params are enough)."""
    standard = Standard.objects.create(organisation=committee, year=year, title=fields.pop("title", f"{year}年党支部工作考核细则"), **fields)
    for position, item in enumerate(items, start=1):
        StandardItem.objects.create(
            standard=standard,
            position=position,
            requirement=item.pop("requirement", f"{item['category']}的要求"),
            points=item.pop("points", Decimal("5")),
            **item,
        )
    return standard


def jpeg_bytes(width: int = 800, height: int = 600, colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG")
    return out.getvalue()


def attach(activity, name: str, content: bytes, content_type: str, category: str = "photo") -> Attachment:
    attachment = Attachment(
        activity=activity, category=category, original_name=name, content_type=content_type, size=len(content)
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
