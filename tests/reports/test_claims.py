"""The claim check: planted false sentences are caught (recall), true ones are left alone
(precision) — and the reference report, typed by hand, raises nothing against the demo's records."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports.claims import check_document, check_paragraph, empty_sections
from reports.compile import ItemDraft, ReportHeader, compile_document, fill_text, fill_values
from reports.document import Run
from reports.profile import report_facts
from tests.factories import ActivityFactory
from tests.memory import Piece, facts_of, record

D = datetime.date
H1, YEAR = Period.parse("2022H1"), Period.parse("2022")


def pilot_records() -> tuple[list, list[Piece]]:
    """Three study sessions, two 支委会, one 主题党日, five pieces of news, two managers through
    probation — and no party groups, no 党课, no 谈心谈话, no discipline work."""
    records = [record("study", D(2022, month, 10)) for month in (1, 2, 3)]
    records += [record("committee_meeting", D(2022, month, 3)) for month in (2, 5)]
    records.append(record("themed_day", D(2022, 4, 20)))
    records.append(record("probation_completed", D(2022, 3, 31), headcount=2))
    return records, [Piece("省交通厅网站", D(2022, 4, 1), count=5)]


@pytest.fixture(scope="module")
def branch() -> dict[Period, object]:
    """The pilot branch's facts of the half-year and of the year, in memory (``tests/memory.py``:
    ``test_memory_facts.py`` holds them against the same records saved)."""
    records, pieces = pilot_records()
    return {period: facts_of(records, period=period, pieces=pieces) for period in (H1, YEAR)}


def flags(branch, text, section=1, period=H1):
    facts = branch[period]
    return check_paragraph(fill_text(text, fill_values(facts)) or (), section=section, facts=facts)


# (section, sentence, rule it must raise)
PLANTED = [
    (1, "支部书记为全体党员讲党课。", "no_record"),
    (4, "通过谈心谈话等形式加强引导。", "no_record"),
    (2, "召开组织生活会，开展民主评议党员。", "no_record"),
    (3, "4月份开展了纪检监察信访举报宣传活动。", "no_record"),
    (3, "在春节前进行集体廉政谈话。", "no_record"),
    (3, "常抓廉政警示教育。", "no_record"),
    (3, "6月底召开纪检工作会议。", "no_record"),
    (2, "积极开展“党员先锋示范岗”创建活动。", "no_record"),
    (3, "领导班子深入一线开展监督检查。", "no_record"),
    (2, "召开支部党员大会研究发展党员工作。", "no_record"),
    (4, "召开意识形态工作专题会议。", "no_record"),
    (1, "按月召开党小组会议。", "party_groups"),
    (2, "发挥党小组的基石作用。", "party_groups"),
    (5, "在特色党小组建设方面，各党小组工作措施不多。", "party_groups"),
    (1, "共召开理论学习会6次。", "count"),
    (1, "召开支委会12次。", "count"),
    (1, "开展3次主题党日活动。", "count"),
    (2, "各大媒体网站共发布新闻宣传稿件82篇。", "count"),
    (2, "各大媒体网站共发布新闻宣传稿件9余篇。", "count"),  # more than 9: not the 5 registered
    (3, "今年结束站股级管理人员试用期3人。", "count"),
    (1, "召开理论学习会十二次。", "count"),
    (1, "截至12月31日，共召开理论学习会3次。", "date"),
    (1, "7月1日召开支委会，研究下半年工作。", "date"),
    (1, "2023年3月5日，开展学雷锋活动。", "date"),
    (4, "2021年上半年，支部认真贯彻落实意识形态工作责任制。", "period"),
    (4, "2023年以来，支部认真贯彻落实意识形态工作责任制。", "period"),
    (1, "支部在XX的正确领导下开展工作。", "residue"),
    (1, "组织党员赴×××参观学习。", "residue"),
    (1, "由某某同志主讲。", "residue"),
    (1, "此处填写本支部的特色工作。", "residue"),
]


@pytest.mark.parametrize(("section", "sentence", "rule"), PLANTED, ids=[p[1][:12] for p in PLANTED])
def test_a_planted_false_sentence_is_flagged(branch, section, sentence, rule):
    assert rule in {flag.rule for flag in flags(branch, sentence, section)}


def test_recall_on_the_planted_set_is_complete(branch):
    caught = sum(1 for section, sentence, rule in PLANTED if rule in {f.rule for f in flags(branch, sentence, section)})
    assert caught == len(PLANTED)


TRUE = [
    (1, "截至6月30日，共召开理论学习会3次、支委会2次、主题党日活动1次。"),
    (1, "本期未开展党课，下半年将补上。"),
    (6, "下一步将组织讲党课，开展谈心谈话。"),
    (5, "党建与业务工作融合方面，工作措施和力度不够。"),
    (2, "各大媒体网站共发布新闻宣传稿件5篇。"),
    (3, "今年以来，站股级管理人员试用期满2人。"),
    (3, "安排部署下半年工作任务。"),
    (1, "共召开〔会议次数〕。"),  # a figure is the records' own word
    (1, "1921年7月1日，中国共产党成立。"),  # history, not a leftover
    (1, "召开第2次支委会，研究发展党员工作。"),  # an ordinal is no count
    (2, "各大媒体网站共发布新闻宣传稿件3余篇。"),  # 「3余篇」: more than 3, and 5 were registered
]


@pytest.mark.parametrize(("section", "sentence"), TRUE, ids=[t[1][:12] for t in TRUE])
def test_a_true_sentence_is_left_alone(branch, section, sentence):
    assert flags(branch, sentence, section) == []


def test_a_typed_upper_half_in_a_year_report_is_a_leftover(branch):
    assert {f.rule for f in flags(branch, "上半年共召开支委会2次。", 1, period=YEAR)} == {"period"}
    assert flags(branch, "较上半年有所增加。", 1, period=YEAR) == []


def test_a_flag_names_the_kind_for_links_and_quotes_the_sentence(branch):
    [flag] = flags(branch, "共召开理论学习会3次。支部书记讲党课。", 1)
    assert (flag.kind, flag.excerpt, flag.message) == ("party_lecture", "支部书记讲党课。", "本期没有党课记录")


def test_an_empty_section_is_named(branch):
    header = ReportHeader(title="标题", addressee="上级", opening="开头。", signature="支部", signed_on=D(2022, 7, 1))
    document = compile_document(header=header, items=[ItemDraft(1, "学习。")], facts=branch[H1])
    assert empty_sections(document) == [2, 3, 4, 5, 6]
    assert check_paragraph((Run("〔本部分尚未撰写〕"),), section=2, facts=branch[H1])[0].rule == "empty"


def test_the_reference_report_typed_by_hand_raises_nothing_against_the_demo(db):
    """Precision on the demo: the real summary, every sentence as its secretary wrote it, checked
    against kl's records of 2022H1."""
    from branchwork.models import Organisation
    from demo.organisations import seed_organisations
    from demo.profiles import seed_profiles
    from demo.records import seed_activities

    seed_organisations()
    seed_profiles()
    seed_activities(today=D(2026, 11, 25))
    kl = Organisation.objects.get(code="kl")
    reference = Path(__file__).resolve().parent / "data" / "reference-2022H1.txt"  # the shared reference, vendored
    items, section = [], 0
    for line in reference.read_text(encoding="utf-8").splitlines()[2:]:
        heading = re.match(r"^([一二三四五六])、", line)
        if heading:
            section = "一二三四五六".index(heading.group(1)) + 1
        elif section and line.strip():
            items.append(ItemDraft(section, line.strip(), numbered=False))
    header = ReportHeader(title="标题", addressee="处党总支", opening="开头。", signature="kl所党支部", signed_on=D(2022, 7, 1))
    facts = report_facts(branch=kl, period=H1)

    assert check_document(compile_document(header=header, items=items, facts=facts), facts) == []


# --- where the flags show ------------------------------------------------------------------------


def test_editor_preview_and_review_show_the_flags(world, as_user):
    from reports import services

    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 3, 10), materials="党章")
    # 二 has an item of its own records (the 管党治党责任 item needs the profile's word).
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 4, 12), title="专题组织生活会")
    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)
    item = report.items.first()
    item.text = "支部书记为全体党员讲党课。" + item.text
    item.save()

    editor = as_user(world.secretary).get(reverse("reports:report_edit", args=["kl", "2022H1"])).content.decode()
    assert "核对：本期没有党课记录" in editor
    assert reverse("activities:activity_create", args=["kl", "party_lecture"]) in editor

    preview = as_user(world.secretary).get(reverse("reports:report_preview", args=["kl", "2022H1"])).content.decode()
    assert "内容核对" in preview and "本期没有党课记录" in preview

    services.report_submit(report=report, by=world.secretary)
    review = as_user(world.reviewer).get(reverse("reports:report_review", args=["kl", "2022H1"])).content.decode()
    assert "本期没有党课记录" in review and "供审阅参考" in review


def test_submitting_a_report_with_an_empty_section_is_refused_with_its_name(world, as_user):
    from reports import services
    from reports.models import Report

    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)  # no records at all

    response = as_user(world.secretary).post(reverse("reports:report_submit", args=["kl", "2022H1"]), follow=True)

    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    assert "“一、加强思想建设，提高党员理论水平和政治素养”" in response.content.decode()
    draft = as_user(world.secretary).get(reverse("reports:report_download", args=["kl", "2022H1", "docx"]))
    assert draft.status_code == 200


def test_a_frozen_version_is_checked_against_the_day_it_counted_to(world):
    """A version submitted on 20 June says 「截至6月20日」; once the half-year is over that is still
    right for that version, not a leftover."""
    from reports import services
    from reports.selectors import document_claims
    from tests.factories import report_written

    report = report_written(world.branch, H1, world.secretary)
    version = services.report_submit(report=report, by=world.secretary)
    document = version.document
    document["meta"]["as_of"] = "2022-06-20"
    paragraph = {"runs": [{"text": "截至6月20日，各项工作有序推进。"}], "ordinal": ""}
    document["sections"][0]["paragraphs"] = [*document["sections"][0]["paragraphs"], paragraph]
    version.document = document
    version.save(update_fields=["document"])

    flags = document_claims(report, today=D(2026, 1, 1), version=version)

    assert [flag.rule for located in flags for flag in located.flags] == []
