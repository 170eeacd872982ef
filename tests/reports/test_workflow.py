"""The report workflow in services: who may do what, and which transitions are possible."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branchwork.periods import Period
from reports import services
from reports.document import Document
from reports.models import Report, ReportEvent, ReviewComment
from tests.factories import ActivityFactory

H1 = Period(2022, "H1")


@pytest.fixture
def records(world):
    for month in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, month, 10), materials="党章")
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 2, 1))
    return world


@pytest.fixture
def report(records):
    return services.report_create(branch=records.branch, period=H1, by=records.secretary)


def _save(report, by, **changes):
    items = [
        services.ItemInput(section=item.section, text=item.text, numbered=item.numbered, pk=item.pk)
        for item in report.items.all()
    ]
    arguments = {
        "report": report,
        "expected_revision": report.revision,
        "title": report.title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": report.signed_on,
        "items": items,
        "by": by,
    }
    arguments.update(changes)
    return services.report_save(**arguments)


def _submitted(report, world):
    services.report_submit(report=report, by=world.secretary)
    return report


# --- creating --------------------------------------------------------------------------------


def test_create_fills_header_and_default_items_from_the_records(report, records):
    assert report.status == Report.Status.DRAFT
    assert report.title == "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报"
    assert report.addressee == "**省高速公路处党总支"
    assert report.signed_on == datetime.date(2022, 7, 1)
    origins = set(report.items.values_list("origin", flat=True))
    assert "s1.organisational_life" in origins
    assert "s1.party_lectures" not in origins  # no 党课 recorded: no item about it
    assert report.events.get().action == ReportEvent.Action.CREATE


def test_a_reviewer_cannot_start_a_report(records):
    with pytest.raises(PermissionDenied):
        services.report_create(branch=records.branch, period=H1, by=records.reviewer)


def test_a_committee_member_can_start_a_report(records):
    report = services.report_create(branch=records.branch, period=H1, by=records.member)
    assert report.created_by == records.member


def test_a_second_report_for_the_same_period_is_refused(report, records):
    with pytest.raises(services.WorkflowError, match="已经开始撰写"):
        services.report_create(branch=records.branch, period=H1, by=records.member)


# --- saving ----------------------------------------------------------------------------------


def test_save_writes_items_in_order_and_bumps_the_revision(report, records):
    items = list(report.items.filter(section=1))
    new_order = [
        services.ItemInput(section=1, text="第一条", pk=items[-1].pk),
        services.ItemInput(section=1, text="新加的一条", numbered=False),
    ]
    others = [
        services.ItemInput(section=i.section, text=i.text, numbered=i.numbered, pk=i.pk)
        for i in report.items.exclude(section=1)
    ]
    _save(report, records.secretary, items=new_order + others, title="新标题")
    report.refresh_from_db()
    assert report.revision == 2
    assert report.title == "新标题"
    assert report.updated_by == records.secretary
    assert list(report.items.filter(section=1).values_list("text", "numbered", "position")) == [
        ("第一条", True, 1),
        ("新加的一条", False, 2),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "不能为空"), ("共召开〔不存在的数据〕次", "未知的占位符：〔不存在的数据〕")],
)
def test_save_refuses_bad_text_and_writes_nothing(report, records, text, message):
    before = list(report.items.values_list("text", flat=True))
    with pytest.raises(ValidationError, match=message):
        _save(report, records.secretary, items=[services.ItemInput(section=1, text=text)])
    report.refresh_from_db()
    assert report.revision == 1
    assert list(report.items.values_list("text", flat=True)) == before


@pytest.mark.audited
def test_save_writes_and_audits_only_the_items_that_changed(report, records):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branchwork.audit.models import AuditEntry
    from reports.models import ReportItem

    items = list(report.items.all())
    assert len(items) >= 3
    first, second, *rest = items
    inputs = [
        services.ItemInput(section=first.section, text=first.text + "又改了一句。", numbered=first.numbered, pk=first.pk),
        *[services.ItemInput(section=i.section, text=i.text, numbered=i.numbered, pk=i.pk) for i in rest],
        services.ItemInput(section=second.section, text=second.text, numbered=second.numbered, pk=second.pk),
    ]
    item_type = ContentType.objects.get_for_model(ReportItem)
    before = set(AuditEntry.objects.filter(content_type=item_type).values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        _save(report, records.secretary, items=inputs)

    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "reports_reportitem"')]
    saved = {item.pk: item for item in report.items.all()}
    assert saved[first.pk].text == first.text + "又改了一句。"
    expected = [i.pk for i in inputs]
    assert [item.pk for item in report.items.order_by("section", "position")] == sorted(
        expected, key=lambda pk: (saved[pk].section, expected.index(pk))
    )
    changed = {
        int(entry.object_pk): set(entry.changes)
        for entry in AuditEntry.objects.filter(content_type=item_type).exclude(pk__in=before)
    }
    moved = {item.pk for item in items if saved[item.pk].position != item.position}
    assert set(changed) == {first.pk} | moved  # nothing audited for an item left as it was
    assert changed[first.pk] == {"text"}
    written = {item.pk for item in items if f'"id" = {item.pk})' in update}
    assert written == {first.pk} | moved  # nor written


def test_a_reviewer_cannot_save(report, records):
    with pytest.raises(PermissionDenied):
        _save(report, records.reviewer)


def test_editing_a_submitted_report_is_refused(report, records):
    _submitted(report, records)
    with pytest.raises(services.WorkflowError, match="已报送"):
        _save(report, records.secretary, title="改动")
    assert Report.objects.get(pk=report.pk).title != "改动"


# --- recompiling and carrying over -------------------------------------------------------------


def test_recompile_keeps_written_text_and_adds_new_defaults_once(report, records):
    item = report.items.get(origin="s1.organisational_life")
    rewritten = "我们自己写的文字，共召开〔会议次数〕。"
    _save(
        report,
        records.secretary,
        items=[
            services.ItemInput(section=i.section, text=rewritten if i.pk == item.pk else i.text, pk=i.pk)
            for i in report.items.all()
        ],
    )
    ActivityFactory(branch=records.branch, kind="party_lecture", date=datetime.date(2022, 5, 1), speaker_name="王书记")

    added = services.report_recompile(report=report, by=records.secretary)

    # The lecture backs its own item, and 「讲党课」 among the ways members are guided.
    assert [a.origin for a in added] == ["s1.party_lectures", "s4.guidance"]
    assert report.items.get(pk=item.pk).text == rewritten
    assert services.report_recompile(report=report, by=records.secretary) == []
    assert report.items.filter(origin="s1.party_lectures").count() == 1


def test_recompile_does_not_bring_back_a_deleted_default(report, records):
    keep = report.items.exclude(origin="s1.organisational_life")
    _save(
        report,
        records.secretary,
        items=[services.ItemInput(section=i.section, text=i.text, numbered=i.numbered, pk=i.pk) for i in keep],
    )
    assert services.report_recompile(report=report, by=records.secretary) == []
    assert not report.items.filter(origin="s1.organisational_life").exists()


def test_figures_follow_new_records_without_touching_text(report, records):
    from reports.compile import compile_report

    before = compile_report(report).plain_text()
    ActivityFactory(branch=records.branch, kind="study", date=datetime.date(2022, 6, 1))
    after = compile_report(report).plain_text()
    assert "理论学习会3次" in before
    assert "理论学习会4次" in after


def test_carry_over_offers_last_periods_problems_and_plans(records):
    last = services.report_create(branch=records.branch, period=Period(2021, "H2"), by=records.secretary)
    _save(
        last,
        records.secretary,
        items=[
            services.ItemInput(section=5, text="党建与业务融合不够。"),
            services.ItemInput(section=6, text="深入学习党代会精神。"),
            services.ItemInput(section=1, text="思想建设的内容。"),
        ],
    )
    ActivityFactory(branch=records.branch, kind="rectification", title="台账不规范", date=datetime.date(2022, 1, 5))
    ActivityFactory(
        branch=records.branch, kind="rectification", title="已整改的问题", is_resolved=True, date=datetime.date(2022, 1, 5)
    )
    report = services.report_create(branch=records.branch, period=H1, by=records.secretary)

    options = services.report_carry_over_options(report=report)

    texts = {(option.section, option.text) for option in options}
    assert (5, "党建与业务融合不够。") in texts
    assert (6, "深入学习党代会精神。") in texts
    assert all(option.section in (5, 6) for option in options)
    assert not any("已整改的问题" in option.text for option in options)


def test_carrying_over_appends_the_chosen_items_and_offers_them_no_more(records):
    last = services.report_create(branch=records.branch, period=Period(2021, "H2"), by=records.secretary)
    _save(last, records.secretary, items=[services.ItemInput(section=6, text="深入学习党代会精神。")])
    report = services.report_create(branch=records.branch, period=H1, by=records.secretary)
    option = next(o for o in services.report_carry_over_options(report=report) if o.section == 6)
    revision = report.revision

    added = services.report_carry_over(report=report, keys=[option.key, "item:999999"], by=records.secretary)

    assert [(a.section, a.text) for a in added] == [(6, "深入学习党代会精神。")]
    assert report.items.filter(section=6).last().text == "深入学习党代会精神。"
    assert report.revision == revision + 1
    assert option.key not in {o.key for o in services.report_carry_over_options(report=report)}


# --- submitting ----------------------------------------------------------------------------------


@pytest.mark.renders
def test_submit_freezes_version_one(report, records):
    version = services.report_submit(report=report, by=records.secretary)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert version.number == 1
    assert Document.from_json(version.document).title == report.title
    assert version.docx_file and version.pdf_file
    assert report.events.last().action == ReportEvent.Action.SUBMIT


def test_without_the_renders_marker_a_submission_stores_no_files(report, records):
    """tests/conftest.py turns rendering at submission off for every test not marked ``renders``."""
    version = services.report_submit(report=report, by=records.secretary)
    assert not version.docx_file and not version.pdf_file


def test_a_reviewer_cannot_submit(report, records):
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=records.reviewer)


def test_submitting_twice_is_refused(report, records):
    _submitted(report, records)
    with pytest.raises(services.WorkflowError, match="等待审阅"):
        services.report_submit(report=report, by=records.secretary)


@pytest.mark.renders
def test_a_failing_renderer_does_not_undo_the_submission(report, records, monkeypatch):
    from reports.renderers import RENDERERS

    def broken(document):
        raise RuntimeError("font missing")

    monkeypatch.setattr(RENDERERS["pdf"], "render", broken)
    version = services.report_submit(report=report, by=records.secretary)
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
    assert version.docx_file and not version.pdf_file
    monkeypatch.undo()
    services.version_files_ensure(version=version)
    version.refresh_from_db()
    assert version.pdf_file.read(5) == b"%PDF-"


# --- reviewing -----------------------------------------------------------------------------------


def test_return_stores_overall_and_section_comments(report, records):
    _submitted(report, records)
    event = services.report_return(
        report=report, by=records.reviewer, comment="请补充数据", section_comments={2: "补充宣传情况", 3: "  "}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert event.action == ReportEvent.Action.RETURN and event.by == records.reviewer
    comments = list(ReviewComment.objects.filter(event=event).values_list("section", "text"))
    assert comments == [(None, "请补充数据"), (2, "补充宣传情况")]


def test_return_needs_a_comment(report, records):
    _submitted(report, records)
    with pytest.raises(ValidationError, match="至少填写一条意见"):
        services.report_return(report=report, by=records.reviewer, comment=" ", section_comments={1: ""})
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_resubmission_after_return_creates_version_two(report, records):
    _submitted(report, records)
    services.report_return(report=report, by=records.reviewer, comment="请修改")
    _save(report, records.secretary, title="修改后的标题")
    version = services.report_submit(report=report, by=records.secretary)
    assert version.number == 2
    assert version.document["title"] == "修改后的标题"
    assert report.versions.get(number=1).document["title"] != "修改后的标题"


def test_approve_a_submitted_report(report, records):
    _submitted(report, records)
    services.report_approve(report=report, by=records.reviewer, comment="同意")
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert report.events.last().by == records.reviewer
    assert report.versions.get().comments.get().text == "同意"


def test_approving_a_draft_is_refused(report, records):
    with pytest.raises(services.WorkflowError, match="尚未报送"):
        services.report_approve(report=report, by=records.reviewer)


def test_a_secretary_cannot_approve_or_return(report, records):
    _submitted(report, records)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=records.secretary)
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, by=records.secretary, comment="x")
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_a_reviewer_of_another_general_branch_cannot_approve(report, records):
    _submitted(report, records)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=records.outsider_reviewer)


def test_returning_an_approved_report_is_refused(report, records):
    _submitted(report, records)
    services.report_approve(report=report, by=records.reviewer)
    with pytest.raises(services.WorkflowError, match="已审核通过，不能再退回"):
        services.report_return(report=report, by=records.reviewer, comment="再改改")


def test_an_approved_report_cannot_be_edited_or_resubmitted(report, records):
    _submitted(report, records)
    services.report_approve(report=report, by=records.reviewer)
    with pytest.raises(services.WorkflowError, match="已审核通过"):
        _save(report, records.secretary, title="x")
    with pytest.raises(services.WorkflowError, match="已审核通过"):
        services.report_submit(report=report, by=records.secretary)


def test_reviewing_a_version_that_was_replaced_is_refused(report, records):
    _submitted(report, records)
    services.report_return(report=report, by=records.reviewer, comment="请修改")
    services.report_submit(report=report, by=records.secretary)
    with pytest.raises(services.WorkflowError, match="第2版"):
        services.report_approve(report=report, by=records.reviewer, version_number=1)
