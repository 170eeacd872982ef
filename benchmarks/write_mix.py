"""The load test's writes: what secretaries and reviewers do besides reading, as requests wrk can
send, each kind tried once through Django's test client first (a write that does not land would
measure nothing), and counted again in the database after the run (``landed``).

- a secretary saves a record they edited (a field changed on every save) and uploads a photo to it;
- a secretary saves their half-year report's sections, each time with the revision the editor page
  they last loaded showed (the editor refuses a stale one with 409): save → the editor page the
  save redirects to (its revision read from the answer) → the next save;
- now and then a secretary submits the report (its DOCX and PDF are rendered), the reviewer above
  opens it (reading the version number from the page) and returns it with a comment, and the
  secretary reopens the editor (reading the new revision) and goes on saving.

Every redirect a write answers is followed, as a browser does (the page that shows the result).
The Lua script (``lua_script``) keeps each report's state in the wrk thread that owns it, so one
request at a time is in flight per report, and tells each answer apart by what it names.

Each static request is (method, path, session cookie, body, content type, kind). The CSRF check is
passed as a browser passes it: a ``csrftoken`` cookie and the same secret in ``X-CSRFToken``.
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


REV, COUNT = "__REV__", "__N__"  # placeholders the Lua script fills in per request


def _fields(client, url: str) -> list[tuple[str, str]]:
    parser = _FormFields(url)
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"write mix: {url} answered {response.status_code}, not 200")
    parser.feed(response.content.decode())
    return parser.fields


def _check(response, what: str, expected: int = 302) -> None:
    if response.status_code != expected:
        raise SystemExit(f"write mix: {what} answered {response.status_code}, not {expected}")


def write_requests(user, branch, activity, cookie: str, *, upload: bool = True) -> list[tuple]:
    """A record save (one field changed each time: ``__N__`` is a counter) and, if ``upload``, a
    photo upload by ``user`` (a secretary of ``branch``) on ``activity``, each tried once through
    the test client (it must redirect: the write landed)."""
    from urllib.parse import urlencode

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    edit = reverse("activities:activity_update", args=[branch.code, activity.pk])
    fields = [(name, f"{value}（第{COUNT}次修改）" if name == "place" else value) for name, value in _fields(client, edit)]
    if "place" not in dict(fields):
        raise SystemExit(f"write mix: record {activity.pk}'s form has no place field")
    save_body = urlencode(fields).encode()
    response = client.post(edit, data=save_body.replace(COUNT.encode(), b"0"), content_type="application/x-www-form-urlencoded")
    _check(response, f"saving record {activity.pk}")
    requests = [("POST", edit, cookie, save_body, "application/x-www-form-urlencoded", "record_save")]
    if upload:
        path = reverse("activities:attachment_upload", args=[branch.code, activity.pk])
        body, content_type = _multipart({"category": "photo"}, "file", "现场照片.png", _photo(), "image/png")
        _check(client.post(path, data=body, content_type=content_type), f"uploading to record {activity.pk}")
        requests.append(("POST", path, cookie, body, content_type, "upload"))
    return requests


def report_chain(secretary, reviewer, branch, period, secretary_cookie: str, reviewer_cookie: str) -> dict:
    """What the Lua script needs to save, submit and have returned ``branch``'s report of
    ``period``: its URLs, both people's cookies and the editor's form as a browser sends it (an
    item's text changed each time; the revision ``__REV__``). One whole round is tried through the
    test client first — save, submit, the reviewer's return — which leaves the report a draft."""
    import re
    from urllib.parse import urlencode

    edit = reverse("reports:report_edit", args=[branch.code, period.code])
    review = reverse("reports:report_review", args=[branch.code, period.code])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(secretary)
    fields = _fields(client, edit)
    texts = [name for name, _ in fields if name.startswith("item-") and name.endswith("-text")]
    if not texts:
        raise SystemExit(f"write mix: the report of {branch.code} has no items to edit")
    fields = [
        (name, REV if name == "revision" else (f"{value}（第{COUNT}次修改）" if name == texts[0] else value))
        for name, value in fields
    ] + [("action", "save")]
    body = urlencode(fields).encode()
    revision = next(value for name, value in _fields(client, edit) if name == "revision")
    _check(
        client.post(edit, data=body.replace(REV.encode(), revision.encode()).replace(COUNT.encode(), b"0"),
                    content_type="application/x-www-form-urlencoded"),
        f"saving the report of {branch.code}",
    )
    submit = reverse("reports:report_submit", args=[branch.code, period.code])
    _check(client.post(submit), f"submitting the report of {branch.code}")
    boss = Client(HTTP_HOST="127.0.0.1")
    boss.force_login(reviewer)
    version = re.search(r'name="version" value="(\d+)"', boss.get(review).content.decode()).group(1)
    ret = reverse("reports:report_return", args=[branch.code, period.code])
    return_body = urlencode({"version": "__VER__", "comment": "请补充本期主题党日的具体做法。"}).encode()
    _check(
        boss.post(ret, data=return_body.replace(b"__VER__", version.encode()), content_type="application/x-www-form-urlencoded"),
        f"returning the report of {branch.code}",
    )
    return {
        "code": branch.code,
        "edit": edit,
        "submit": submit,
        "review": review,
        "return": ret,
        "secretary": secretary_cookie,
        "reviewer": reviewer_cookie,
        "body": body,
        "return_body": return_body,
    }


def csrf_cookie() -> str:
    return f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


def lua_bytes(data: bytes) -> str:
    """``data`` as a Lua string literal: every byte escaped, so any body survives the script."""
    return '"' + "".join(f"\\{byte}" for byte in data) + '"'


def _lua_string(text: str) -> str:
    return lua_bytes(text.encode())


def lua_script(
    requests: list[tuple], rotation: list, chains: list[dict], writer_cookies: dict[str, str], threads: int
) -> str:
    """The wrk script: ``requests`` (static, by index into it) in the order ``rotation`` gives —
    an int is a static request, "S" a report-section save, "U" a submission — each wrk thread
    starting at its own place; the report chains' steps and the redirects to follow first."""
    static = ",\n".join(
        "{" + ", ".join([_lua_string(m), _lua_string(p), _lua_string(c), lua_bytes(b) if b is not None else "nil",
                         _lua_string(t or ""), _lua_string(k)]) + "}"
        for m, p, c, b, t, k in requests
    )
    order = ", ".join(str(e + 1) if isinstance(e, int) else f'"{e}"' for e in rotation)
    chain_rows = ",\n".join(
        "{" + ", ".join(f"[{_lua_string(key)}] = {lua_bytes(value) if isinstance(value, bytes) else _lua_string(value)}"
                        for key, value in chain.items()) + "}"
        for chain in chains
    )
    writers = ",\n".join(f"[{_lua_string(code)}] = {_lua_string(cookie)}" for code, cookie in writer_cookies.items())
    return (
        "local reqs = {\n" + static + "\n}\n"
        "local rotation = {" + order + "}\n"
        "local all_chains = {\n" + chain_rows + "\n}\n"
        "local writer_cookie = {\n" + writers + "\n}\n"
        f"local csrf = {_lua_string(CSRF_SECRET)}\n"
        f"local nthreads = {threads}\n"
        + LUA_BODY
    )


# The part of the wrk script that does not depend on the data. One Lua state per wrk thread: each
# thread owns every nthreads-th report chain, and answers reach the thread that sent the request.
LUA_BODY = r"""
local threads = {}
setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local chains, by_code, queue, pos, n, turn, calls = {}, {}, {}, 0, 0, 0, 0
local stats = {}
local function count(name) stats[name] = (stats[name] or 0) + 1 end

local function fmt(method, path, cookie, body, ctype)
  local headers = {["Cookie"] = cookie, ["Host"] = "127.0.0.1"}
  if method == "POST" then
    headers["Content-Type"] = ctype
    headers["X-CSRFToken"] = csrf
  end
  return wrk.format(method, path, headers, body)
end

local function push(kind, method, path, cookie, body, ctype)
  table.insert(queue, {kind, fmt(method, path, cookie, body, ctype)})
end

init = function(args)
  for i, ch in ipairs(all_chains) do
    if (i - 1) % nthreads == tid then
      ch.state, ch.saves = "loading", 0
      table.insert(chains, ch)
      by_code[ch.code] = ch
      push("editor", "GET", ch.edit, ch.secretary)  -- the editor first: its revision
    end
  end
  pos = math.floor(#rotation * tid / math.max(nthreads, 1))
end

local function pick(want)
  for _ = 1, #chains do
    turn = turn % #chains + 1
    local ch = chains[turn]
    if ch.state == "ready" and (want ~= "submit" or ch.saves >= 2) then return ch end
  end
end

request = function()
  calls = calls + 1
  if calls == 1 then
    -- wrk asks thread 0 for one request before the run to check the script, and sends none:
    -- the first request of every thread is a plain read, so that no step of a chain is lost.
    return fmt(reqs[1][1], reqs[1][2], reqs[1][3], reqs[1][4], reqs[1][5])
  end
  if #queue > 0 then
    local item = table.remove(queue, 1)
    count("sent_" .. item[1])
    return item[2]
  end
  for _ = 1, #rotation do
    pos = pos % #rotation + 1
    local e = rotation[pos]
    if type(e) == "number" then
      local r = reqs[e]
      count("sent_" .. r[6])
      local body = r[4]
      if r[6] == "record_save" then n = n + 1; body = body:gsub("__N__", tostring(n)) end
      return fmt(r[1], r[2], r[3], body, r[5])
    end
    local ch = pick(e == "U" and "submit" or "save")
    if ch and e == "S" then
      n = n + 1
      ch.state, ch.saves = "saving", ch.saves + 1
      count("sent_section_save")
      local body = ch.body:gsub("__REV__", ch.revision):gsub("__N__", tostring(n))
      return fmt("POST", ch.edit, ch.secretary, body, "application/x-www-form-urlencoded")
    elseif ch then
      ch.state, ch.saves = "submitting", 0
      count("sent_submit")
      return fmt("POST", ch.submit, ch.secretary, "", "application/x-www-form-urlencoded")
    end
  end
end

response = function(status, headers, body)
  count("status_" .. tostring(status))
  local location = headers["Location"] or headers["location"]
  if status == 302 and location then
    location = location:gsub("#.*$", "")
    local code = location:match("/b/([%w%-]+)/reports/")
    local ch = code and by_code[code]
    if ch and ch.state == "saving" then
      count("ok_section_save")
      ch.state = "loading"
      push("editor", "GET", location, ch.secretary)
      return
    elseif ch and ch.state == "submitting" then
      count("ok_submit")
      ch.state = "reviewing"
      push("follow", "GET", location, ch.secretary)
      push("review", "GET", ch.review, ch.reviewer)
      return
    elseif ch and ch.state == "returning" then
      count("ok_return")
      ch.state = "loading"
      push("follow", "GET", location, ch.reviewer)
      push("editor", "GET", ch.edit, ch.secretary)
      return
    end
    code = location:match("/b/([%w%-]+)/records/")
    if code and writer_cookie[code] then
      count("ok_record_write")
      push("follow", "GET", location, writer_cookie[code])
      return
    end
    count("unexpected_redirect")
    return
  end
  if status ~= 200 then return end
  local revision = body:match('name="revision" value="(%d+)"')
  if revision then
    local ch = by_code[body:match("/b/(bench%-[%d%-]+)/reports/") or ""]
    if ch and ch.state == "loading" then ch.revision, ch.state = revision, "ready" end
    return
  end
  local version = body:match('name="version" value="(%d+)"')
  if version then
    local ch = by_code[body:match("/b/(bench%-[%d%-]+)/reports/") or ""]
    if ch and ch.state == "reviewing" then
      ch.state = "returning"
      table.insert(queue, 1, {"return", fmt("POST", ch["return"], ch.reviewer,
        ch.return_body:gsub("__VER__", version), "application/x-www-form-urlencoded")})
    end
  end
end

local function encode(t)
  local parts = {}
  for k, v in pairs(t) do table.insert(parts, string.format('"%s": %d', k, v)) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- wrk reads a thread's globals after the run: the counts as one JSON string.
local old_response = response
response = function(status, headers, body)
  old_response(status, headers, body)
  counts_json = encode(stats)
end

done = function(summary, latency, requests)
  io.write(string.format('JSON {"requests": %d, "non2xx": %d, "errors": %d, "duration_us": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\n', summary.requests, summary.status or 0,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  for i, t in ipairs(threads) do
    io.write("COUNTS " .. (t:get("counts_json") or "{}") .. "\n")
  end
end
"""
