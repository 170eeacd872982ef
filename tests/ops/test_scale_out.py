"""Several app servers behind one load balancer: cache and sessions in Redis when REDIS_URL is set,
files in an S3-compatible bucket when S3_BUCKET is set, and no app code writing to local disk
outside Django's storage API."""

import contextlib
import http.cookiejar
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Attachment
from branchwork.periods import Period
from reports import services as report_services
from tests import migrated
from tests.factories import ActivityFactory

from .envs import BASE_DIR, load_settings

REDIS_URL = "redis://127.0.0.1:6379/0"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what the environment switches ----------------------------------------------------------------


def test_without_redis_the_cache_is_per_process_and_sessions_are_in_the_database():
    loaded = load_settings()
    assert loaded["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert loaded["MESSAGE_STORAGE"] == "django.contrib.messages.storage.session.SessionStorage"


def test_redis_url_moves_the_cache_and_sessions_to_redis():
    loaded = load_settings(REDIS_URL="redis://10.0.0.5:6379/2", CACHE_KEY_PREFIX="bw-prod")
    cache = loaded["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://10.0.0.5:6379/2" and cache["KEY_PREFIX"] == "bw-prod"
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_a_mistyped_redis_url_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        load_settings(REDIS_URL="127.0.0.1:6379")


def test_without_a_bucket_files_stay_on_local_disk():
    assert load_settings()["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_variables_configure_a_private_non_overwriting_bucket():
    storage = load_settings(
        S3_BUCKET="branchwork",
        S3_ENDPOINT_URL="https://minio.example.org",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_REGION="cn-north-1",
        S3_PREFIX="/prod/",
    )["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "branchwork" and options["endpoint_url"] == "https://minio.example.org"
    assert options["access_key"] == "key" and options["secret_key"] == "secret"
    assert options["region_name"] == "cn-north-1" and options["location"] == "prod"
    assert options["addressing_style"] == "path"  # self-hosted endpoints: bucket names are not DNS names
    assert options["file_overwrite"] is False and options["default_acl"] is None


def test_a_bad_addressing_style_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="S3_ADDRESSING_STYLE"):
        load_settings(S3_BUCKET="b", S3_ADDRESSING_STYLE="dns")


# --- two app servers, one database, one Redis ---------------------------------------------------------


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at 127.0.0.1:6379 is unreachable ({error}); start it to test REDIS_URL")
    return client


class Browser:
    """A cookie-keeping HTTP client that talks to any of the app servers, as a load balancer would
    send one person's requests to whichever server is free."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, url: str) -> tuple[int, str, dict]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict) -> tuple[int, str, dict]:
        data = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": url}))

    def _open(self, request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


SETUP = """
from django.contrib.auth import get_user_model
from branchwork.models import Organisation, Role
top = Organisation.objects.create(name="省中心党委", code="center", level="committee")
general = Organisation.objects.create(name="处党总支", code="hw", level="general", parent=top)
branch = Organisation.objects.create(name="运维党支部", code="ops", level="branch", parent=general)
user = get_user_model().objects.create_user("ops_shuji", password="Hongqi-ops-2026")
Role.objects.create(user=user, organisation=branch, kind="secretary")
"""


@pytest.fixture
def two_servers(tmp_path, redis_client):
    """Two gunicorn processes of branchwork on one database and one Redis (a fresh key prefix)."""
    prefix = f"bwtest-{uuid.uuid4().hex[:12]}"
    database = tmp_path / "shared.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, "manage.py"]
    migrated.copy_to(database)  # migrating from scratch costs each run seconds (tests/migrated.py)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=180)
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True, timeout=60)
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "branchwork.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, server in zip(urls, servers, strict=True):
            _wait_until_up(url, server)
        yield urls, database, prefix
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
            if server.poll() is None:
                server.kill()
            server.stderr.close()
        keys = list(redis_client.scan_iter(f"{prefix}:*"))
        if keys:
            redis_client.delete(*keys)


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the app server stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 30 s")


def _csrf_form(browser: Browser, url: str) -> None:
    status, _body, _headers = browser.get(url)
    assert status == 200 and browser.cookie("csrftoken"), url


@pytest.mark.slow  # two gunicorn processes on a freshly migrated database
def test_a_login_on_one_server_is_a_session_in_redis_that_the_other_server_serves(two_servers, redis_client):
    (a, b), database, prefix = two_servers
    browser = Browser()

    _csrf_form(browser, f"{a}/accounts/login/")
    status, _body, headers = browser.post(
        f"{a}/accounts/login/", {"username": "ops_shuji", "password": "Hongqi-ops-2026"}
    )
    assert status == 302, "login on server A"
    session_key = browser.cookie("sessionid")
    assert session_key
    redis_key = f"{prefix}:1:django.contrib.sessions.cached_db{session_key}"
    assert redis_client.exists(redis_key), "the session is cached in Redis"

    # A flash message written on A is shown by B: messages live in the session, not in a process.
    _csrf_form(browser, f"{a}/b/ops/members/add/")
    status, _body, headers = browser.post(
        f"{a}/b/ops/members/add/",
        {
            "name": "张三",
            "gender": "男",
            "status": "正式党员",
            "joined_on": "2020-07-01",
            "post": "",
            "party_group": "",
        },
    )
    assert status == 302 and headers["Location"].endswith("/b/ops/members/")
    status, body, _headers = browser.get(f"{b}/b/ops/members/")
    assert status == 200 and "已将“张三”添加到花名册。" in body

    # B reads the session from Redis: with its database row gone, the person is still logged in.
    with sqlite3.connect(database) as db:
        assert db.execute("DELETE FROM django_session WHERE session_key = ?", (session_key,)).rowcount == 1
        actor = db.execute(
            "SELECT u.username FROM audit_auditentry e JOIN auth_user u ON u.id = e.actor_id WHERE e.object_repr = '张三'"
        ).fetchone()
    assert actor == ("ops_shuji",), "the audit log names who added the member on server A"
    status, body, _headers = browser.get(f"{b}/b/ops/members/")
    assert status == 200 and "张三" in body

    # Logging out on B ends the session everywhere.
    status, _body, _headers = browser.post(f"{b}/accounts/logout/", {})
    assert status == 302
    assert not redis_client.exists(redis_key)
    status, _body, headers = browser.get(f"{a}/b/ops/members/")
    assert status == 302 and "/accounts/login/" in headers["Location"]


# --- files in an S3-compatible bucket (moto's server on this machine) ------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket, and the app's storage pointed at it exactly as the S3_* variables would."""
    import boto3

    name = f"branchwork-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    loaded = load_settings(
        S3_BUCKET=name,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_ACCESS_KEY_ID="test-key",
        S3_SECRET_ACCESS_KEY="test-secret",
        S3_REGION="us-east-1",
        S3_PREFIX="media",
    )
    settings.STORAGES = {**settings.STORAGES, "default": loaded["STORAGES"]["default"]}
    settings.MEDIA_ROOT = tmp_path / "local-media"
    yield client, name
    assert not settings.MEDIA_ROOT.exists(), "nothing may be written to local disk when files go to S3"


def _object(client, bucket_name: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket_name, Key=key)["Body"].read()


def test_an_attachment_uploads_to_the_bucket_and_downloads_back(world, as_user, bucket):
    client, name = bucket
    meeting = ActivityFactory(branch=world.branch, kind="study")
    browser = as_user(world.secretary)
    response = browser.post(
        reverse("activities:attachment_upload", args=["kl", meeting.pk]),
        {"category": "minutes", "file": SimpleUploadedFile("会议记录.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert re.fullmatch(rf"attachments/{world.branch.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert _object(client, name, f"media/{attachment.file.name}") == PDF

    download = browser.get(reverse("activities:attachment_download", args=["kl", meeting.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E8%AE%B0%E5%BD%95.pdf" in download["Content-Disposition"]


def test_deleting_an_attachment_deletes_its_object(
    world, as_user, bucket, django_capture_on_commit_callbacks
):
    client, name = bucket
    meeting = ActivityFactory(branch=world.branch, kind="study")
    browser = as_user(world.secretary)
    browser.post(
        reverse("activities:attachment_upload", args=["kl", meeting.pk]),
        {"category": "minutes", "file": SimpleUploadedFile("纪要.pdf", PDF)},
    )
    attachment = Attachment.objects.get()
    key = f"media/{attachment.file.name}"
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("activities:attachment_delete", args=["kl", meeting.pk, attachment.pk]))
    assert client.list_objects_v2(Bucket=name, Prefix=key)["KeyCount"] == 0


@pytest.mark.slow
@pytest.mark.renders
def test_a_submitted_versions_pdf_is_stored_in_the_bucket_and_served_from_it(world, as_user, bucket):
    client, name = bucket
    ActivityFactory(branch=world.branch, kind="study")
    report = report_services.report_create(branch=world.branch, period=Period(2022, "H1"), by=world.secretary)
    version = report_services.report_submit(report=report, by=world.secretary)
    version.refresh_from_db()
    assert version.pdf_file.name.startswith("reports/") and version.pdf_file.name.endswith(".pdf")
    stored = _object(client, name, f"media/{version.pdf_file.name}")
    assert stored.startswith(b"%PDF")
    assert _object(client, name, f"media/{version.docx_file.name}").startswith(b"PK")

    response = as_user(world.reviewer).get(
        reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored


# --- nothing written to local disk outside the storage API --------------------------------------------

APP_PACKAGES = ("branchwork", "activities", "reports")

# Ways Python code writes files, makes folders or keeps state across requests in a process.
DISK_WRITES = {
    "open()": re.compile(r"(?<![\w.])open\("),
    "Path.write_*()": re.compile(r"\.write_(?:bytes|text)\("),
    "temporary file": re.compile(
        r"\b(?:tempfile\.\w+|NamedTemporaryFile|SpooledTemporaryFile|TemporaryFile|TemporaryDirectory|mkstemp|mkdtemp)\b"
    ),
    "shutil file op": re.compile(r"\bshutil\.(?:copy|copy2|copyfile|copytree|move|rmtree)\("),
    "os file op": re.compile(r"\bos\.(?:makedirs|mkdir|remove|unlink|rename|replace|rmdir)\("),
    "FileSystemStorage()": re.compile(r"\bFileSystemStorage\("),
    "ZipFile()": re.compile(r"\bZipFile\("),
    "MEDIA_ROOT": re.compile(r"\bMEDIA_ROOT\b"),
    "global": re.compile(r"^\s*global\s"),
}

# Every use found, with why it is not a request writing to the server's disk. A new use fails the
# test: write through ``default_storage`` / a FileField instead, or add it here with its reason.
ALLOWED = {
    ("reports/fonts.py", "open()"): "reads a font file to embed it in the PDF",
    (
        "reports/management/commands/export_report.py",
        "Path.write_*()",
    ): "the command-line export writes the file the operator names with -o",
    (
        "reports/files.py",
        "temporary file",
    ): "the approved-reports ZIP is built in a SpooledTemporaryFile: memory up to 32 MB, then a temporary file removed when the download ends",
    ("reports/files.py", "ZipFile()"): "writes into that spooled temporary file",
    ("activities/attachments.py", "ZipFile()"): "reads an uploaded Office file to check what is inside",
    (
        "branchwork/spreadsheets.py",
        "ZipFile()",
    ): "reads an uploaded .xlsx's directory to refuse zip bombs before importing",
    (
        "branchwork/backup.py",
        "ZipFile()",
    ): "backup_data/restore_data (command line) write and read the archive the operator names",
    (
        "branchwork/backup.py",
        "os file op",
    ): "backup_data renames its finished archive into place (command line)",
    ("branchwork/settings.py", "MEDIA_ROOT"): "the setting itself",
    (
        "branchwork/cleanup.py",
        "temporary file",
    ): "manage.py cleanup looks in the folder Django spools uploads to, for the files killed workers left",
    ("branchwork/cleanup.py", "os file op"): "manage.py cleanup removes those stale upload temporary files",
    ("reports/minutes_renderers/pdf.py", "ZipFile()"): "the meeting records' ZIP is built in memory (io.BytesIO)",
    (
        "reports/renderers/cjk_justify.py",
        "global",
    ): "whether WeasyPrint was taught Chinese justification: set once per process, the same in every process",
    (
        "reports/renderers/weasyprint_speed.py",
        "global",
    ): "whether WeasyPrint's per-PDF costs were patched away: set once per process, the same in every process",
}


def _app_sources() -> list[Path]:
    files = []
    for package in APP_PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def _uses(path: Path) -> list[tuple[str, int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        for kind, pattern in DISK_WRITES.items():
            if pattern.search(code):
                found.append((kind, number, line.strip()))
    return found


def test_app_code_writes_files_only_through_the_storage_api():
    sources = _app_sources()
    assert len(sources) > 30
    seen, problems = set(), []
    for path in sources:
        relative = path.relative_to(BASE_DIR).as_posix()
        for kind, number, line in _uses(path):
            seen.add((relative, kind))
            if (relative, kind) not in ALLOWED:
                problems.append(f"{relative}:{number}: {kind}: {line}")
    assert not problems, (
        "write through Django's storage API, or list the use in ALLOWED with why:\n" + "\n".join(problems)
    )
    assert ("reports/fonts.py", "open()") in seen  # the scan reads the real sources


def test_the_disk_scan_catches_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "with open(path, 'wb') as f:\n"
        "    pass\n"
        "Path(x).write_bytes(data)\n"
        "tempfile.NamedTemporaryFile()\n"
        "os.makedirs(folder)\n"
        "FileSystemStorage(location='/srv')\n"
        "global CACHE\n"
        "attachment.file.open('rb')  # the storage API: fine\n"
        "# open( in a comment is fine\n",
        encoding="utf-8",
    )
    kinds = [kind for kind, _number, _line in _uses(sample)]
    assert kinds == [
        "open()",
        "Path.write_*()",
        "temporary file",
        "os file op",
        "FileSystemStorage()",
        "global",
    ]
