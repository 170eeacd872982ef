"""The load test's writes: what secretaries do besides reading — saving a record they edited and
uploading a photo to it — as requests wrk can replay, each checked through Django's test client
first (a write that does not land would measure nothing).

Each request is (method, path, session cookie, body, content type). The CSRF check is passed as a
browser passes it: a ``csrftoken`` cookie and the same secret in ``X-CSRFToken``.

Not in the mix yet: saving a report's sections (the editor refuses a stale revision, so a replayed
body answers 409 after its first save) and submitting (once per report).
"""

from __future__ import annotations

import io
import secrets
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client
from django.urls import reverse

CSRF_SECRET = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret


class _FormFields(HTMLParser):
    """The fields a browser would send for the first form posting to ``action``."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and attrs.get("action", "") in ("", self.action):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def _photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes, content_type: str):
    boundary = "----branchworkbench" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def write_requests(user, branch, activity, cookie: str) -> list[tuple[str, str, str, bytes, str]]:
    """A record save and a photo upload by ``user`` (a secretary of ``branch``) on ``activity``,
    each tried once through the test client (it must redirect: the write landed)."""
    from urllib.parse import urlencode

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    edit = reverse("activities:activity_update", args=[branch.code, activity.pk])
    parser = _FormFields(edit)
    parser.feed(client.get(edit).content.decode())
    save_body = urlencode(parser.fields).encode()
    response = client.post(edit, data=save_body, content_type="application/x-www-form-urlencoded")
    if response.status_code != 302:
        raise SystemExit(f"write mix: saving record {activity.pk} answered {response.status_code}, not a redirect")
    upload = reverse("activities:attachment_upload", args=[branch.code, activity.pk])
    upload_body, upload_type = _multipart({"category": "photo"}, "file", "现场照片.png", _photo(), "image/png")
    response = client.post(upload, data=upload_body, content_type=upload_type)
    if response.status_code != 302:
        raise SystemExit(f"write mix: uploading to record {activity.pk} answered {response.status_code}, not a redirect")
    return [
        ("POST", edit, cookie, save_body, "application/x-www-form-urlencoded"),
        ("POST", upload, cookie, upload_body, upload_type),
    ]


def csrf_cookie() -> str:
    return f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


def lua_bytes(data: bytes) -> str:
    """``data`` as a Lua string literal: every byte escaped, so any body survives the script."""
    return '"' + "".join(f"\\{byte}" for byte in data) + '"'
