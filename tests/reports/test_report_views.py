"""The report pages: starting, writing (nothing typed is lost), preview, submission, versions,
comparison, review (the scoping matrix over every URL: test_report_scoping.py)."""

import datetime
import re

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports import services
from reports.models import Report, ReportItem
from tests.factories import ActivityFactory
from tests.reports.editor import editor_data

H1 = Period(2022, "H1")
EDIT = reverse("reports:report_edit", args=["kl", "2022H1"])


@pytest.fixture
def report(world):
    for month in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, month, 10))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


def submit_unrendered(report, by, monkeypatch):
    """Submit without rendering the files at once (they render on first download): most tests
    here are about pages, and rendering a PDF costs half a second."""
    with monkeypatch.context() as patch:
        patch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
        return services.report_submit(report=report, by=by)


def section_texts(report, section):
    return list(ReportItem.objects.filter(report=report, section=section).values_list("text", flat=True))


# --- list and start ------------------------------------------------------------------------------


def test_list_offers_writers_to_start_a_period(world, as_user):
    response = as_user(world.secretary).get(reverse("reports:report_list", args=["kl"]))
    assert response.status_code == 200
    assert "开始撰写" in response.content.decode()
    assert response.context["startable"]


def test_a_branch_without_records_of_last_year_is_not_offered_last_year(world, as_user, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: datetime.date(2026, 12, 6))
    response = as_user(world.secretary).get(reverse("reports:report_list", args=["kl"]))

    assert [period.code for period in response.context["startable"]] == ["2026H2", "2026H1", "2026"]
    assert "2025年全年" not in response.content.decode()

    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2025, 11, 3))
    response = as_user(world.secretary).get(reverse("reports:report_list", args=["kl"]))
    assert "2025" in [period.code for period in response.context["startable"]]


def test_list_offers_reviewers_nothing_to_start(world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:report_list", args=["kl"]))
    assert response.status_code == 200
    assert response.context["startable"] == []
    assert "还没有开始撰写" in response.content.decode()


def test_start_creates_the_draft_and_opens_it(world, as_user, settings):
    today = datetime.date.today()
    period = Period.containing(today)
    response = as_user(world.secretary).post(reverse("reports:report_start", args=["kl"]), {"period": period.code})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_edit", args=["kl", period.code])
    assert Report.objects.get(branch=world.branch).period == period


@pytest.mark.parametrize(("code", "message"), [("2099H1", "尚未开始"), ("2022H3", "无法识别的期间")])
def test_start_refuses_a_future_or_malformed_period(world, as_user, code, message):
    response = as_user(world.secretary).post(reverse("reports:report_start", args=["kl"]), {"period": code}, follow=True)
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_start_a_past_period_for_the_records_of_that_time(world, as_user):
    ActivityFactory(branch=world.branch, date=datetime.date(2022, 3, 15))
    response = as_user(world.secretary).post(reverse("reports:report_start", args=["kl"]), {"period": "2022H1"})
    assert response["Location"] == EDIT
    assert Report.objects.get().period == H1


def test_branch_home_panel_offers_to_start_this_periods_summary(world, as_user):
    page = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert "开始撰写本期总结" in page
    page = as_user(world.reviewer).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert "开始撰写本期总结" not in page


def test_branch_home_panel_starts_the_period_the_home_page_shows(world, as_user):
    ActivityFactory(branch=world.branch, date=datetime.date(2022, 3, 15))
    response = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"]), {"period": "2022H1"})
    page = response.content.decode()
    assert 'name="period" value="2022H1"' in page
    assert "2022年上半年" in page


def test_branch_home_panel_links_to_the_reports(report, world, as_user):
    page = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"])).content.decode()
    assert EDIT in page
    assert "草稿" in page


# --- the editor ----------------------------------------------------------------------------------


def test_editor_shows_items_and_placeholders_with_current_values(report, world, as_user):
    response = as_user(world.secretary).get(EDIT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "〔会议次数〕" in page
    values = {p["name"]: p["value"] for p in response.context["placeholders"]}
    assert "理论学习会3次" in values["会议次数"]
    assert 'name="revision"' in page


def test_saving_writes_and_redirects(report, world, as_user):
    item = report.items.filter(section=1).first()
    data = editor_data(report, **{f"item-{item.pk}-text": "改写后的文字，共召开〔会议次数〕。", "title": "新的标题"})
    response = as_user(world.secretary).post(EDIT, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "新的标题"
    assert ReportItem.objects.get(pk=item.pk).text == "改写后的文字，共召开〔会议次数〕。"


def test_a_validation_error_keeps_everything_typed(report, world, as_user):
    first, second = report.items.all()[:2]
    data = editor_data(
        report,
        title="我改的标题",
        **{f"item-{first.pk}-text": "", f"item-{second.pk}-text": "我写的第二条〔没有这个数据〕", "new-6-text": "新计划"},
    )
    response = as_user(world.secretary).post(EDIT, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "我改的标题" in page
    assert "我写的第二条〔没有这个数据〕" in page
    assert "新计划" in page
    assert "条目内容不能为空" in page
    assert "未知的占位符：〔没有这个数据〕" in page
    report.refresh_from_db()
    assert report.revision == 1 and report.title != "我改的标题"


def test_adding_an_item_appends_it_to_its_section(report, world, as_user):
    data = editor_data(report, action="add:6", **{"new-6-text": "加强学习。"})
    response = as_user(world.secretary).post(EDIT, data)
    assert response.status_code == 302 and response["Location"].endswith("#section-6")
    assert section_texts(report, 6)[-1] == "加强学习。"


def test_adding_without_text_explains_what_to_do(report, world, as_user):
    response = as_user(world.secretary).post(EDIT, editor_data(report, action="add:6"))
    assert response.status_code == 400
    assert "请先在“新增条目”框中填写内容" in response.content.decode()


def test_typed_new_item_is_saved_whichever_button_is_clicked(report, world, as_user):
    as_user(world.secretary).post(EDIT, editor_data(report, **{"new-5-text": "新发现的问题。"}))
    assert section_texts(report, 5)[-1] == "新发现的问题。"


def test_moving_and_deleting_items(report, world, as_user):
    client = as_user(world.secretary)
    client.post(EDIT, editor_data(report, **{"new-6-text": "甲。"}))
    report.refresh_from_db()
    client.post(EDIT, editor_data(report, **{"new-6-text": "乙。"}))
    report.refresh_from_db()
    last = ReportItem.objects.filter(report=report, section=6).last()
    client.post(EDIT, editor_data(report, action=f"up:{last.pk}"))
    texts = section_texts(report, 6)
    assert texts.index("乙。") == texts.index("甲。") - 1
    report.refresh_from_db()
    client.post(EDIT, editor_data(report, action=f"delete:{last.pk}"))
    assert "乙。" not in section_texts(report, 6)


def test_recompile_button_adds_defaults_for_new_kinds_of_records(report, world, as_user):
    ActivityFactory(branch=world.branch, kind="party_lecture", date=datetime.date(2022, 4, 1), speaker_name="李书记")
    response = as_user(world.secretary).post(EDIT, editor_data(report, action="recompile", title="先保存的标题"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "先保存的标题"
    assert report.items.filter(origin="s1.party_lectures").exists()


def test_carry_over_panel_offers_and_carries_last_periods_plans(world, as_user, report):
    last = services.report_create(branch=world.branch, period=Period(2021, "H2"), by=world.secretary)
    ReportItem.objects.create(report=last, section=6, position=99, text="上期计划：深化学习。")
    page = as_user(world.secretary).get(EDIT).content.decode()
    assert "沿用上期内容" in page and "上期计划：深化学习。" in page
    option = next(o for o in services.report_carry_over_options(report=report) if o.text == "上期计划：深化学习。")
    as_user(world.secretary).post(EDIT, editor_data(report, action="carry", carry=[option.key]))
    assert section_texts(report, 6)[-1] == "上期计划：深化学习。"


def test_a_reviewer_cannot_post_to_the_editor(report, world, as_user):
    response = as_user(world.reviewer).post(EDIT, editor_data(report, title="审阅人改的"))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.title != "审阅人改的"


def test_a_reviewer_reads_the_report_page_without_the_editor(report, world, as_user):
    response = as_user(world.reviewer).get(EDIT)
    assert response.status_code == 200
    assert "report-editor" not in response.content.decode()


# --- preview, submit, frozen -------------------------------------------------------------------


def test_preview_shows_the_document_with_figure_links_and_missing_evidence(report, world, as_user):
    response = as_user(world.secretary).get(reverse("reports:report_preview", args=["kl", "2022H1"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert report.title in page
    assert "理论学习会" in page
    assert reverse("activities:activity_list", args=["kl"]) + "?ids=" in page
    assert "缺少佐证材料" in page  # the records have no minutes, photos or attendance
    # The secretary can submit the draft from here; the reviewer above reads it without the button.
    submit = f'<form method="post" action="{reverse("reports:report_submit", args=["kl", "2022H1"])}">'
    assert submit in page and '<button type="submit" class="btn btn-primary"' in page
    assert ">报送</button>" in page
    reviewer_page = as_user(world.reviewer).get(reverse("reports:report_preview", args=["kl", "2022H1"])).content.decode()
    assert report.title in reviewer_page and submit not in reviewer_page and ">报送</button>" not in reviewer_page


def test_print_view_renders_the_print_page(report, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:report_print", args=["kl", "2022H1"]))
    assert response.status_code == 200
    assert report.title in response.content.decode()


def test_submitting_from_the_page_freezes_it(report, world, as_user):
    client = as_user(world.secretary)
    response = client.post(reverse("reports:report_submit", args=["kl", "2022H1"]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    page = client.get(EDIT).content.decode()
    assert "report-editor" not in page
    assert "第1版" in page
    response = client.post(EDIT, editor_data(report, title="报送后改的"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title != "报送后改的"


def test_the_frozen_page_shows_the_submitted_text_not_todays_records(report, world, as_user):
    services.report_submit(report=report, by=world.secretary)
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 5, 1))
    page = as_user(world.secretary).get(EDIT).content.decode()
    assert "理论学习会3次" in page
    assert "理论学习会4次" not in page


# --- versions and compare ------------------------------------------------------------------------


@pytest.fixture
def two_versions(report, world, monkeypatch):
    submit_unrendered(report, world.secretary, monkeypatch)
    services.report_return(report=report, by=world.reviewer, comment="请修改", section_comments={6: "计划太笼统"})
    data = editor_data(report, **{"new-6-text": "新增<script>alert(1)</script>计划。"})
    data["title"] = report.title + "（修订）"
    from django.test import Client

    client = Client()
    client.force_login(world.secretary)
    assert client.post(EDIT, data).status_code == 302
    report.refresh_from_db()
    submit_unrendered(report, world.secretary, monkeypatch)
    return report


def test_returned_report_shows_comments_next_to_sections(report, world, as_user):
    services.report_submit(report=report, by=world.secretary)
    services.report_return(report=report, by=world.reviewer, comment="总体还需完善", section_comments={6: "计划太笼统"})
    response = as_user(world.secretary).get(EDIT)
    page = response.content.decode()
    assert "第1版已退回修改" in page and "总体还需完善" in page
    section_six = next(s for s in response.context["sections"] if s.number == 6)
    assert [c.text for c in section_six.comments] == ["计划太笼统"]


def test_versions_page_lists_each_submission(two_versions, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:report_versions", args=["kl", "2022H1"]))
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert "退回修改" in response.content.decode()


def test_version_detail_shows_its_comments(two_versions, world, as_user):
    response = as_user(world.secretary).get(reverse("reports:version_detail", args=["kl", "2022H1", 1]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "计划太笼统" in page


def test_compare_marks_insertions_and_escapes_text(two_versions, world, as_user):
    response = as_user(world.reviewer).get(
        reverse("reports:version_compare", args=["kl", "2022H1"]), {"a": 1, "b": 2}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<ins>（修订）</ins>" in page
    assert re.search(r"<ins>[一二三四五六七八九十]是新增&lt;script&gt;alert\(1\)&lt;/script&gt;计划。</ins>", page)
    assert "<script>alert(1)" not in page
    assert response.context["changes"] >= 2


def test_compare_with_one_version_says_there_is_nothing_to_compare(report, world, as_user):
    services.report_submit(report=report, by=world.secretary)
    response = as_user(world.secretary).get(reverse("reports:version_compare", args=["kl", "2022H1"]))
    assert response.status_code == 200
    assert "还没有可对比的修改" in response.content.decode()


def test_compare_of_a_missing_version_is_404(two_versions, world, as_user):
    response = as_user(world.secretary).get(reverse("reports:version_compare", args=["kl", "2022H1"]), {"a": 7})
    assert response.status_code == 404


# --- review --------------------------------------------------------------------------------------


@pytest.fixture
def submitted(report, world, monkeypatch):
    submit_unrendered(report, world.secretary, monkeypatch)
    return report


def test_reviewer_sees_the_review_form(submitted, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:report_review", args=["kl", "2022H1"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "退回修改" in page and "审核通过" in page
    assert submitted.title in page


def test_secretary_cannot_open_the_review_page(submitted, world, as_user):
    assert as_user(world.secretary).get(reverse("reports:report_review", args=["kl", "2022H1"])).status_code == 403


def test_returning_without_a_comment_keeps_the_form(submitted, world, as_user):
    response = as_user(world.reviewer).post(
        reverse("reports:report_return", args=["kl", "2022H1"]), {"version": "1", "comment": " ", "section_1": ""}
    )
    assert response.status_code == 400
    assert "至少填写一条意见" in response.content.decode()
    assert Report.objects.get(pk=submitted.pk).status == Report.Status.SUBMITTED


def test_returning_and_approving_through_the_pages(submitted, world, as_user):
    client = as_user(world.reviewer)
    response = client.post(
        reverse("reports:report_return", args=["kl", "2022H1"]), {"version": "1", "section_3": "作风建设要具体"}
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=submitted.pk).status == Report.Status.RETURNED

    secretary = as_user(world.secretary)
    assert "作风建设要具体" in secretary.get(EDIT).content.decode()
    secretary.post(reverse("reports:report_submit", args=["kl", "2022H1"]))

    client = as_user(world.reviewer)
    response = client.post(reverse("reports:report_approve", args=["kl", "2022H1"]), {"version": "2", "comment": ""})
    assert response.status_code == 302
    report = Report.objects.get(pk=submitted.pk)
    assert report.status == Report.Status.APPROVED
    assert [e.action for e in report.events.all()] == ["create", "submit", "return", "submit", "approve"]
    page = client.get(EDIT).content.decode()
    assert "流转记录" in page and "审核通过" in page


def test_approving_a_draft_through_the_page_is_refused(report, world, as_user):
    response = as_user(world.reviewer).post(reverse("reports:report_approve", args=["kl", "2022H1"]), {"version": "1"})
    assert response.status_code == 409
    assert "尚未报送" in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT


def test_dashboard_links_to_reviews(submitted, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:review_dashboard", args=["hw"]), {"period": "2022H1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("reports:report_review", args=["kl", "2022H1"]) in page
    assert "待审阅（1）" in page
    assert "合计（2个支部）" in page


def test_dashboard_explains_a_bad_period(world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:review_dashboard", args=["hw"]), {"period": "nonsense"})
    assert response.status_code == 200
    assert "无法识别的期间" in response.content.decode()


# --- scoping: the matrix over every URL is in test_report_scoping.py --------------------------------

REVIEW_URLS = [
    ("reports:report_return", ["kl", "2022H1"]),
    ("reports:report_approve", ["kl", "2022H1"]),
]


@pytest.mark.parametrize(("name", "args"), REVIEW_URLS)
@pytest.mark.parametrize("user", ["secretary", "member"])
def test_writers_cannot_review(submitted, world, as_user, name, args, user):
    response = as_user(getattr(world, user)).post(reverse(name, args=args), {"version": "1", "comment": "自己审"})
    assert response.status_code == 403
    assert Report.objects.get(pk=submitted.pk).status == Report.Status.SUBMITTED


def test_a_report_of_another_branch_is_404_even_by_period(world, as_user):
    services.report_create(branch=world.sibling, period=H1, by=world.sibling_secretary)
    assert as_user(world.secretary).get(reverse("reports:report_edit", args=["xy", "2022H1"])).status_code == 404


def test_a_period_without_a_report_is_404(world, as_user):
    assert as_user(world.secretary).get(reverse("reports:report_edit", args=["kl", "2021H2"])).status_code == 404


def test_a_malformed_period_is_404(world, as_user):
    assert as_user(world.secretary).get("/b/kl/reports/2022H3/").status_code == 404


def test_compare_can_show_only_the_changed_paragraphs(two_versions, world, as_user):
    response = as_user(world.secretary).get(
        reverse("reports:version_compare", args=["kl", "2022H1"]), {"a": 1, "b": 2, "only": "changes"}
    )
    rows = response.context["rows"]
    assert rows and all(row.is_change for row in rows)
    assert len(rows) == response.context["changes"]
