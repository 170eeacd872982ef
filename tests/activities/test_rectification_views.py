"""The rectification ledger's pages: the ledger with its filters and export, an entry's page with
resolve and re-check, 「列入整改台账」 from a record, overdue lines on the calendar page, access."""

import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities import rectifications as ledger
from activities.models import Activity
from tests.factories import ActivityFactory, MemberFactory

D = datetime.date


@pytest.fixture
def today(monkeypatch):
    """The ledger's status is computed on ``timezone.localdate()``: pin it to 2022-07-01."""
    day = D(2022, 7, 1)
    monkeypatch.setattr("activities.rectification_views.timezone.localdate", lambda: day)
    monkeypatch.setattr("activities.compliance_views.timezone.localdate", lambda: day)
    return day


@pytest.fixture
def entries(world):
    owner = MemberFactory(branch=world.branch, name="张组织")
    return {
        "overdue": ActivityFactory(
            branch=world.branch, kind="rectification", date=D(2022, 2, 25), title="台账记录不规范",
            deadline=D(2022, 5, 31), responsible_member=owner,
        ),
        "open": ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 3, 1), title="党员教育形式单一", deadline=D(2022, 9, 30)),
        "awaiting": ActivityFactory(
            branch=world.branch, kind="rectification", date=D(2022, 3, 1), title="宣传报道偏少", is_resolved=True, resolved_on=D(2022, 6, 1)
        ),
    }


def ledger_url(code="kl", **query):
    url = reverse("activities:rectification_ledger", args=[code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_ledger_lists_entries_with_overdue_highlighted(world, as_user, entries, today):
    html = as_user(world.reviewer).get(ledger_url()).content.decode()
    for title in ("台账记录不规范", "党员教育形式单一", "宣传报道偏少"):
        assert title in html
    row = html[html.index('<tr class="table-danger">') :]
    assert row.index("台账记录不规范") < row.index("</tr>")  # the overdue row is the highlighted one
    assert "2022年5月31日" in row and "已逾期" in row
    assert "张组织" in html
    assert "登记整改事项" not in html  # the reviewer reads only


def test_ledger_filters_by_status_and_period(world, as_user, entries, today):
    ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 8, 1), title="下半年查摆的问题")
    client = as_user(world.secretary)
    html = client.get(ledger_url(status="overdue")).content.decode()
    assert "台账记录不规范" in html and "党员教育形式单一" not in html
    html = client.get(ledger_url(period="2022H1")).content.decode()
    assert "党员教育形式单一" in html and "下半年查摆的问题" not in html


def test_export_has_typed_cells_and_no_formulas(world, as_user, entries, today):
    entries["open"].title = "=HYPERLINK(\"http://x\")"
    entries["open"].save()
    response = as_user(world.reviewer).get(reverse("activities:rectification_export", args=["kl"]))
    assert response.status_code == 200
    ws = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    header = [cell.value for cell in ws[2]]
    assert header[:4] == ["序号", "发现日期", "问题来源", "存在的问题"]
    rows = {row[3].value: row for row in ws.iter_rows(min_row=3)}
    overdue = rows["台账记录不规范"]
    assert overdue[0].value == 1
    assert overdue[1].value.date() == D(2022, 2, 25) and overdue[1].is_date
    assert overdue[6].value.date() == D(2022, 5, 31)
    assert overdue[7].value == "已逾期"
    assert overdue[5].value == "张组织"
    formula = next(row for title, row in rows.items() if "HYPERLINK" in title)
    assert formula[3].data_type == "s" and formula[3].value.startswith("'=")


def test_secretary_resolves_with_evidence_and_rechecks(world, as_user, entries, today):
    client = as_user(world.secretary)
    entry, study = entries["overdue"], ActivityFactory(branch=world.branch, kind="study", date=D(2022, 4, 10), title="专题学习")
    url = reverse("activities:rectification_resolve", args=["kl", entry.pk])
    response = client.post(url, {"resolved_on": "2022-06-20", "records": [study.pk]})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_resolved and list(entry.evidence_records.all()) == [study]
    page = client.get(reverse("activities:rectification_detail", args=["kl", entry.pk])).content.decode()
    assert "已整改待复查" in page and "专题学习" in page and "复查销号" in page
    response = client.post(
        reverse("activities:rectification_recheck", args=["kl", entry.pk]), {"rechecked_on": "2022-06-30", "note": "已整改到位"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.rechecked_on, entry.rechecked_by) == (D(2022, 6, 30), world.secretary)


def test_bad_recheck_is_answered_in_chinese_and_keeps_the_note(world, as_user, entries, today):
    entry = entries["open"]
    response = as_user(world.secretary).post(
        reverse("activities:rectification_recheck", args=["kl", entry.pk]), {"rechecked_on": "2022-06-30", "note": "我写的复查意见"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "整改完成后才能复查销号" in html and "我写的复查意见" in html
    entry.refresh_from_db()
    assert entry.rechecked_on is None


def test_foreign_evidence_is_refused(world, as_user, entries, today):
    foreign = ActivityFactory(branch=world.sibling, kind="study", date=D(2022, 4, 1))
    entry = entries["awaiting"]
    response = as_user(world.secretary).post(
        reverse("activities:rectification_evidence", args=["kl", entry.pk]), {"records": [foreign.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "整改佐证只能选择本支部的其他工作记录" in html
    assert not entry.evidence_records.exists()


def test_open_from_an_org_life_record(world, as_user, today):
    meeting = ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 2, 25), title="2021年度组织生活会")
    client = as_user(world.secretary)
    detail = client.get(reverse("activities:activity_detail", args=["kl", meeting.pk])).content.decode()
    url = reverse("activities:activity_rectify", args=["kl", meeting.pk])
    assert url in detail and "列入整改台账" in detail
    response = client.post(url, {"title": "理论学习不够深入", "deadline": "2022-05-31", "responsible_text": "宣传委员"})
    assert response.status_code == 302
    entry = ledger.entries_of(world.branch).get()
    assert (entry.source_activity, entry.rectification_source, entry.date) == (meeting, "org_life", D(2022, 2, 25))
    assert response["Location"] == reverse("activities:rectification_detail", args=["kl", entry.pk])


def test_open_refuses_a_deadline_before_the_meeting_and_keeps_what_was_typed(world, as_user, today):
    meeting = ActivityFactory(branch=world.branch, kind="democratic_appraisal", date=D(2022, 2, 25))
    response = as_user(world.secretary).post(
        reverse("activities:activity_rectify", args=["kl", meeting.pk]), {"title": "批评与自我批评不够", "deadline": "2022-01-31"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "整改时限不能早于发现问题的日期" in html and "批评与自我批评不够" in html
    assert not Activity.objects.filter(kind="rectification").exists()


def test_calendar_page_lists_overdue_entries_linked_to_them(world, as_user, entries, today):
    html = as_user(world.secretary).get(reverse("activities:compliance", args=["kl"]) + "?period=2022H1").content.decode()
    section = html[html.index('id="overdue-rectifications"') :]
    assert "台账记录不规范" in section and "整改时限2022年5月31日" in section
    assert reverse("activities:rectification_detail", args=["kl", entries["overdue"].pk]) in section
    assert "党员教育形式单一" not in section  # not yet due


def test_branch_home_and_calendar_link_to_the_ledger(world, as_user, today):
    html = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert html.count(reverse("activities:rectification_ledger", args=["kl"])) >= 2


def test_reviewer_reads_but_may_not_write(world, as_user, entries, today):
    client = as_user(world.reviewer)
    entry = entries["awaiting"]
    assert client.get(reverse("activities:rectification_detail", args=["kl", entry.pk])).status_code == 200
    response = client.post(reverse("activities:rectification_recheck", args=["kl", entry.pk]), {"rechecked_on": "2022-06-30"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.rechecked_on is None


def test_outsider_gets_404(world, as_user, entries, today):
    client = as_user(world.sibling_secretary)
    assert client.get(ledger_url()).status_code == 404
    assert client.get(reverse("activities:rectification_detail", args=["kl", entries["open"].pk])).status_code == 404
    # and kl's entry under the sibling's own code
    assert client.get(reverse("activities:rectification_detail", args=["xy", entries["open"].pk])).status_code == 404


def test_a_record_of_another_kind_is_no_ledger_entry(world, as_user, today):
    study = ActivityFactory(branch=world.branch, kind="study", date=D(2022, 3, 1))
    assert as_user(world.secretary).get(reverse("activities:rectification_detail", args=["kl", study.pk])).status_code == 404


def test_the_ledger_page_reads_a_fixed_number_of_queries(world, as_user, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.reviewer)

    def queries() -> int:
        # A first request after records change refills what is cached per figures version (the
        # period menu's years); the second is what every later reader costs.
        client.get(ledger_url(period="2022H1"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ledger_url(period="2022H1")).status_code == 200
        return len(captured)

    def add(n):
        for day in range(1, n + 1):
            made = ActivityFactory(
                branch=world.branch, kind="rectification", date=D(2022, 3, day), deadline=D(2022, 5, day),
                responsible_member=MemberFactory(branch=world.branch),
                source_activity=ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 2, day)),
            )
            made.evidence_records.set([ActivityFactory(branch=world.branch, kind="study", date=D(2022, 4, day))])

    add(2)
    few = queries()
    add(8)
    assert queries() == few


def test_the_record_form_takes_the_ledger_fields_and_keeps_a_closed_entry_closed(world, as_user, today):
    client = as_user(world.secretary)
    owner = MemberFactory(branch=world.branch, name="李委员")
    response = client.post(
        reverse("activities:activity_create", args=["kl", "rectification"]),
        {
            "date": "2022-03-01", "title": "宣传报道偏少", "rectification_source": "inspection",
            "source_ref": "2022年度考核第9项", "responsible_member": owner.pk, "deadline": "2022-02-01",
        },
    )
    assert response.status_code == 200 and "整改时限不能早于发现问题的日期" in response.content.decode()
    response = client.post(
        reverse("activities:activity_create", args=["kl", "rectification"]),
        {
            "date": "2022-03-01", "title": "宣传报道偏少", "rectification_source": "inspection",
            "source_ref": "2022年度考核第9项", "responsible_member": owner.pk, "deadline": "2022-05-31",
            "is_resolved": "on", "resolved_on": "2022-05-20",
        },
    )
    assert response.status_code == 302
    entry = ledger.entries_of(world.branch).get()
    assert (entry.responsible_member, entry.deadline, entry.get_rectification_source_display()) == (owner, D(2022, 5, 31), "上级检查（考核）")
    ledger.rectification_recheck(entry=entry, rechecked_on=D(2022, 6, 1), note="", by=world.secretary)
    response = client.post(
        reverse("activities:activity_update", args=["kl", entry.pk]), {"date": "2022-03-01", "title": "宣传报道偏少"}
    )
    assert "该问题已复查销号，不能改为未整改" in response.content.decode()
    entry.refresh_from_db()
    assert entry.is_resolved
