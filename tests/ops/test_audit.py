"""The audit log: creating, changing and deleting records and reports through the pages logs who
did what; the 操作日志 pages and Django admin show it in Chinese, scoped like every other page."""

import datetime
import re

import pytest
from auditlog.context import set_actor
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attachment, Attendance, Outlet, PublicityEntry
from branchwork.audit.display import EMPTY, value_display, when_display
from branchwork.audit.models import AuditEntry
from branchwork.models import Member, Organisation
from reports.models import Report, ReportItem, ReportVersion
from tests.branchwork.test_roster_import import xlsx
from tests.factories import ActivityFactory, BranchFactory, MemberFactory, OutletFactory
from tests.reports.editor import editor_data

# Every test here reads the log its actions write.
pytestmark = pytest.mark.audited

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clean_log(world):
    """The log as it starts for a test: without the entries of building the test's world."""
    AuditEntry.objects.all().delete()


def entries_for(model, action=None):
    entries = AuditEntry.objects.filter(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name
    )
    return entries.filter(action=action) if action is not None else entries


def create_study(client, title="学习党的二十大精神"):
    return client.post(
        reverse("activities:activity_create", args=["kl", "study"]),
        {"date": "2022-03-15", "title": title, "place": "三楼会议室", "study_form": "集体学习"},
    )


# --- records: who created, changed, deleted ------------------------------------------------------


def test_creating_a_record_logs_the_secretary_and_the_branch(world, as_user):
    assert create_study(as_user(world.secretary)).status_code == 302
    activity = Activity.objects.get()
    entry = entries_for(Activity, AuditEntry.Action.CREATE).get()
    assert entry.actor == world.secretary
    assert entry.organisation == world.branch
    assert entry.object_id == activity.pk
    assert entry.changes["title"] == ["None", "学习党的二十大精神"]
    assert entry.changes["branch"] == ["None", "kl所党支部"]  # foreign keys by name, not id
    assert not {"created_at", "updated_at", "created_by", "updated_by", "counted_kinds"} & set(entry.changes)


def test_editing_a_record_logs_the_editor_and_only_the_fields_that_changed(world, as_user):
    activity = ActivityFactory(
        branch=world.branch, kind="study", title="旧主题", date=datetime.date(2022, 3, 1)
    )
    response = as_user(world.member).post(
        reverse("activities:activity_update", args=["kl", activity.pk]),
        {"date": "2022-03-01", "title": "新主题"},
    )
    assert response.status_code == 302
    entry = entries_for(Activity, AuditEntry.Action.UPDATE).get()
    assert entry.actor == world.member
    assert entry.changes == {"title": ["旧主题", "新主题"]}


def test_deleting_a_record_logs_it_with_its_attendance(world, as_user):
    activity = ActivityFactory(branch=world.branch, kind="study", title="要删除的会")
    Attendance.objects.create(
        activity=activity, member=MemberFactory(branch=world.branch, name="甲"), present=True
    )
    response = as_user(world.secretary).post(reverse("activities:activity_delete", args=["kl", activity.pk]))
    assert response.status_code == 302
    deleted = entries_for(Activity, AuditEntry.Action.DELETE).get()
    assert deleted.actor == world.secretary and deleted.object_repr.endswith("要删除的会")
    attendance = entries_for(Attendance, AuditEntry.Action.DELETE).get()
    assert attendance.actor == world.secretary and attendance.organisation == world.branch


def test_attendance_logs_each_members_change_not_the_whole_list_again(world, as_user):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 15))
    a, b, c = (MemberFactory(branch=world.branch, name=name) for name in ("甲", "乙", "丙"))
    url = reverse("activities:activity_attendance", args=["kl", meeting.pk])

    def post(statuses):
        data = {}
        for member, status in zip((a, b, c), statuses, strict=True):
            data[f"m{member.pk}-status"], _, data[f"m{member.pk}-reason"] = status.partition(":")
        assert as_user(world.secretary).post(url, data).status_code == 302

    post(["present", "present", "present"])
    assert entries_for(Attendance, AuditEntry.Action.CREATE).count() == 3
    first_ids = set(Attendance.objects.values_list("pk", flat=True))

    post(["present", "absent:出差", "none"])
    update = entries_for(Attendance, AuditEntry.Action.UPDATE).get()
    assert update.changes == {"present": ["True", "False"], "absence_reason": ["", "出差"]}
    assert update.actor == world.secretary
    removed = entries_for(Attendance, AuditEntry.Action.DELETE).get()
    assert removed.changes["member"][0] == "丙"
    assert entries_for(Attendance, AuditEntry.Action.CREATE).count() == 3  # nobody re-created
    assert set(Attendance.objects.values_list("pk", flat=True)) < first_ids  # rows kept, not replaced


def test_uploading_an_attachment_is_logged(world, as_user):
    meeting = ActivityFactory(branch=world.branch, kind="study")
    response = as_user(world.member).post(
        reverse("activities:attachment_upload", args=["kl", meeting.pk]),
        {"category": "minutes", "file": SimpleUploadedFile("会议记录.pdf", PDF)},
    )
    assert response.status_code == 302
    entry = entries_for(Attachment, AuditEntry.Action.CREATE).get()
    assert entry.actor == world.member and entry.organisation == world.branch
    assert entry.changes["original_name"] == ["None", "会议记录.pdf"]


def test_publicity_entries_and_outlets_are_logged_to_their_organisations(world, as_user):
    outlet = OutletFactory(organisation=world.general, name="交通报")
    response = as_user(world.secretary).post(
        reverse("activities:publicity_create", args=["kl"]),
        {"outlet": outlet.pk, "date": "2022-04-01", "count": "2", "title": "保通保畅", "link": ""},
    )
    assert response.status_code == 302
    entry = entries_for(PublicityEntry, AuditEntry.Action.CREATE).get()
    assert entry.actor == world.secretary and entry.organisation == world.branch
    assert entries_for(Outlet).get().organisation == world.general


def test_member_form_and_roster_import_are_both_logged(world, as_user):
    client = as_user(world.secretary)
    response = client.post(
        reverse("roster:member_create", args=["kl"]),
        {
            "name": "新党员",
            "gender": "女",
            "status": "正式党员",
            "joined_on": "2020-07-01",
            "post": "",
            "party_group": "",
        },
    )
    assert response.status_code == 302
    assert entries_for(Member, AuditEntry.Action.CREATE).get().actor == world.secretary

    existing = MemberFactory(branch=world.branch, name="李红梅", gender="女", status="预备党员")
    rows = [
        ("王建国", "男", "正式党员", "2003-07-01", "无", "", "在册", None, None),
        ("李红梅", "女", "正式党员", "2006-06-18", "无", "", "在册", None, None),
    ]
    response = client.post(reverse("roster:import", args=["kl"]), {"file": xlsx(rows)})
    assert response.status_code == 302, response.content.decode()
    imported = entries_for(Member, AuditEntry.Action.CREATE).filter(object_repr="王建国").get()
    assert imported.actor == world.secretary and imported.organisation == world.branch
    changed = entries_for(Member, AuditEntry.Action.UPDATE).get(object_id=existing.pk)
    assert changed.changes["status"] == ["预备党员", "正式党员"]
    assert changed.actor == world.secretary


# --- reports -------------------------------------------------------------------------------------


@pytest.fixture
def started(world, as_user):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 10))
    client = as_user(world.secretary)
    assert client.post(reverse("reports:report_start", args=["kl"]), {"period": "2022H1"}).status_code == 302
    return Report.objects.get()


def editor_post(client, report, **overrides):
    return client.post(reverse("reports:report_edit", args=["kl", "2022H1"]), editor_data(report, **overrides))


def test_starting_a_report_logs_the_report_and_each_item(world, started):
    assert entries_for(Report, AuditEntry.Action.CREATE).get().actor == world.secretary
    items = entries_for(ReportItem, AuditEntry.Action.CREATE)
    assert items.count() == started.items.count() > 0
    assert set(items.values_list("actor", flat=True)) == {world.secretary.pk}
    assert set(items.values_list("organisation", flat=True)) == {world.branch.pk}


def test_editing_report_text_logs_old_and_new_words_and_who(world, as_user, started):
    item = started.items.first()
    client = as_user(world.member)
    response = editor_post(
        client, started, title="改过的标题", **{f"item-{item.pk}-text": "支委改写的一段话。"}
    )
    assert response.status_code == 302
    header = entries_for(Report, AuditEntry.Action.UPDATE).get()
    assert header.actor == world.member
    assert header.changes == {"title": [started.title, "改过的标题"]}  # no revision or updated_at noise
    text = entries_for(ReportItem, AuditEntry.Action.UPDATE).get()
    assert text.object_id == item.pk and text.actor == world.member
    assert text.changes == {"text": [item.text, "支委改写的一段话。"]}


def test_adding_and_deleting_report_items_is_logged(world, as_user, started):
    client = as_user(world.secretary)
    editor_post(client, started, **{"new-6-text": "加强理论学习。"})
    added = entries_for(ReportItem, AuditEntry.Action.CREATE).filter(object_repr="加强理论学习。").get()
    assert added.actor == world.secretary
    started.refresh_from_db()
    last = started.items.get(text="加强理论学习。")
    editor_post(client, started, action=f"delete:{last.pk}")
    assert entries_for(ReportItem, AuditEntry.Action.DELETE).get().object_id == last.pk


def test_submitting_logs_the_status_change_and_the_version(world, as_user, started, monkeypatch):
    from reports import services

    monkeypatch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
    assert (
        as_user(world.secretary).post(reverse("reports:report_submit", args=["kl", "2022H1"])).status_code
        == 302
    )
    status = entries_for(Report, AuditEntry.Action.UPDATE).get()
    assert status.changes["status"] == ["draft", "submitted"] and status.actor == world.secretary
    version = entries_for(ReportVersion, AuditEntry.Action.CREATE).get()
    assert "document" not in version.changes and version.changes["number"] == ["None", "1"]


def test_an_organisation_deleted_is_logged_to_the_level_above(world):
    empty = BranchFactory(name="撤销的支部", code="gone", parent=world.general)
    with set_actor(world.admin):
        empty.delete()
    entry = entries_for(Organisation, AuditEntry.Action.DELETE).get()
    assert entry.organisation == world.general and entry.actor == world.admin
    assert not Organisation.objects.filter(code="gone").exists()


# --- the 操作日志 pages ----------------------------------------------------------------------------


def branch_log(code="kl"):
    return reverse("audit:branch_log", args=[code])


def org_log(code="hw"):
    return reverse("audit:organisation_log", args=[code])


@pytest.fixture
def logged(world, clean_log):
    """A record changed in kl, one in xy, one in the other general branch's lz1."""
    for branch, who in (
        (world.branch, world.secretary),
        (world.sibling, world.sibling_secretary),
        (world.far, world.far_secretary),
    ):
        with set_actor(who):
            activity = ActivityFactory(
                branch=branch, kind="study", title=f"{branch.code}的学习会", date=datetime.date(2022, 3, 1)
            )
            activity.title = f"{branch.code}改过的学习会"
            activity.save()
    return AuditEntry.objects.all()


def test_branch_log_shows_who_when_what_and_old_to_new_in_chinese(world, as_user, logged):
    response = as_user(world.secretary).get(branch_log())
    assert response.status_code == 200
    html = response.content.decode()
    update = logged.filter(organisation=world.branch, action=AuditEntry.Action.UPDATE).get()
    local = timezone.localtime(update.timestamp, timezone=datetime.timezone(datetime.timedelta(hours=8)))
    assert when_display(update.timestamp) == f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert when_display(update.timestamp) in html
    assert "修改" in html and "新建" in html and "工作记录" in html
    assert re.search(r"主题</span>：<del>kl的学习会</del> → <ins>kl改过的学习会</ins>", html)
    assert "secretary" in html  # who
    assert "xy" not in re.sub(r"<[^>]+>", "", html).replace("xy所", "")  # nothing of the sibling's


def test_committee_member_reviewer_and_admin_read_the_branch_log(world, as_user, logged):
    for user in (world.member, world.reviewer, world.admin):
        assert as_user(user).get(branch_log()).status_code == 200


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
def test_outsiders_get_404_for_a_branch_log(world, as_user, logged, user):
    assert as_user(getattr(world, user)).get(branch_log()).status_code == 404


def test_reviewer_sees_every_branch_below_and_nothing_of_another_general_branch(world, as_user, logged):
    response = as_user(world.reviewer).get(org_log())
    assert response.status_code == 200
    shown = {row.entry.pk for row in response.context["rows"]}
    assert shown == set(
        logged.filter(organisation__in=[world.branch, world.sibling]).values_list("pk", flat=True)
    )
    assert len(shown) == 4
    html = response.content.decode()
    assert "kl改过的学习会" in html and "xy改过的学习会" in html and "lz1" not in html


def test_reviewer_filters_by_branch_and_type_and_a_foreign_branch_code_shows_nothing_foreign(
    world, as_user, logged
):
    client = as_user(world.reviewer)
    rows = client.get(org_log(), {"branch": "xy"}).context["rows"]
    assert rows and {row.entry.organisation_id for row in rows} == {world.sibling.pk}
    rows = client.get(org_log(), {"branch": "lz1"}).context["rows"]
    assert {row.entry.organisation_id for row in rows} == {world.branch.pk, world.sibling.pk}
    rows = client.get(org_log(), {"type": "reports.report"}).context["rows"]
    assert rows == []
    assert "没有符合条件的操作记录" in client.get(org_log(), {"type": "reports.report"}).content.decode()


@pytest.mark.parametrize(
    "user", ["secretary", "member", "sibling_secretary", "outsider_reviewer", "far_secretary"]
)
def test_organisation_log_is_404_for_anyone_not_reviewing_it(world, as_user, logged, user):
    assert as_user(getattr(world, user)).get(org_log()).status_code == 404


def test_audit_pages_need_a_login(client, world):
    for url in (branch_log(), org_log()):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_audit_pages_refuse_writes(world, as_user):
    assert as_user(world.secretary).post(branch_log()).status_code == 405


def test_empty_log_says_what_will_appear(world, as_user, clean_log):
    html = as_user(world.secretary).get(branch_log()).content.decode()
    assert "暂无操作记录" in html


def test_log_is_paginated_thirty_a_page_with_a_fixed_number_of_queries(
    world, as_user, clean_log, django_assert_max_num_queries
):
    with set_actor(world.secretary):
        for n in range(31):
            ActivityFactory(branch=world.branch, kind="study", title=f"第{n}次")
    client = as_user(world.secretary)
    with django_assert_max_num_queries(8):
        first = client.get(branch_log())
    assert len(first.context["rows"]) == 30
    assert first.context["page"].paginator.num_pages == 2
    assert "第 1/2 页" in first.content.decode()
    assert len(client.get(branch_log(), {"page": 2}).context["rows"]) == 1


def test_reviewers_organisation_tabs_link_to_the_log(world, as_user):
    html = as_user(world.reviewer).get(reverse("activities:rule_list", args=["hw"])).content.decode()
    assert org_log() in html


# --- Django admin ----------------------------------------------------------------------------------


def test_admin_lists_entries_in_chinese_and_shows_the_changes(world, as_user, logged):
    client = as_user(world.admin)
    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "操作人" in html and "记录类型" in html and "kl改过的学习会" in html
    entry = logged.filter(organisation=world.branch, action=AuditEntry.Action.UPDATE).get()
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert "<td>主题</td><td>kl的学习会</td><td>kl改过的学习会</td>" in detail
    assert client.get(reverse("admin:audit_auditentry_changelist"), {"action": "2"}).status_code == 200


def test_admin_log_is_read_only(world, as_user, logged):
    client = as_user(world.admin)
    entry = logged.first()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_log_is_not_in_admin_for_reviewers(world, as_user):
    response = as_user(world.reviewer).get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 302  # to the admin login: not staff


# --- values as people read them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("is_resolved", "True", "是"),
        ("is_resolved", "False", "否"),
        ("study_form", "集体学习", "集体学习"),
        ("kind", "study", "理论学习会"),
        ("date", "2022-06-30", "2022年6月30日"),
        ("resolved_on", "None", EMPTY),
        ("place", "", EMPTY),
        ("start_time", "09:30:00", "09:30"),
    ],
)
def test_values_are_shown_in_chinese(field, value, shown):
    assert value_display(Activity._meta.get_field(field), value) == shown


def test_stored_utc_datetimes_are_shown_in_shanghai_time():
    field = Activity._meta.get_field("created_at")
    assert value_display(field, "2022-06-30 16:30:00") == "2022年7月1日 00:30"


def test_integer_choices_show_their_labels():
    assert value_display(ReportItem._meta.get_field("section"), "5") == "存在的问题"


def test_reviewer_sees_the_general_branchs_own_registry_and_the_tree_below_but_not_above(world, as_user):
    """Building the world logged roles and organisations: those of hw and below are the reviewer's;
    the committee's and the other general branch's are not."""
    rows = as_user(world.reviewer).get(org_log()).context["rows"]
    scopes = {row.entry.organisation_id for row in rows}
    assert scopes == {world.general.pk, world.branch.pk, world.sibling.pk}
    kinds = {(row.object_type, row.object_repr) for row in rows}
    assert ("党组织", "kl所党支部") in kinds  # its creation, logged to hw
    assert not any("路政" in repr_ for _, repr_ in kinds)
