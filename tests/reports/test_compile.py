"""The compile step on hand-made records: figures, lists, units, clause dropping, ordinals, and
the secretary's text left as typed. The compile step is pure: most tests hand it records in memory
(``tests/memory.py``); those of saved reports and of the tree's names save rows."""

import datetime
import re

import pytest

from branchwork.models import Member
from branchwork.periods import Period
from reports.compile import (
    PLACEHOLDERS,
    ItemDraft,
    ReportHeader,
    compile_defaults,
    compile_document,
    compile_report,
    default_header,
    default_items,
    fill_values,
    unknown_placeholders,
)
from reports.document import Document
from reports.models import SECTION_HEADINGS, Report, ReportItem
from tests.factories import ActivityFactory, BranchFactory, CommitteeFactory, GeneralBranchFactory
from tests.memory import Piece, group, member, period_facts_of, record

D = datetime.date
H1 = Period.parse("2022H1")


@pytest.fixture
def branch(db):
    committee = CommitteeFactory(name="省高速公路服务中心党委", code="center")
    general = GeneralBranchFactory(name="**省高速公路处党总支", code="hw", parent=committee)
    return BranchFactory(name="kl所党支部", code="kl", parent=general)


HEADER = ReportHeader(title="标题", addressee="**省高速公路处党总支：", opening="开头。", signature="kl所党支部", signed_on=D(2022, 7, 1))


def facts(records=(), period=H1, **readings):
    return period_facts_of(list(records), period=period, today=D(2026, 1, 1), **readings)


def compile_items(records, *items, period=H1, **readings):
    """The items compiled against ``records`` (and publicity ``pieces``, party ``groups``, roster
    ``members``) in memory."""
    return compile_document(header=HEADER, items=items, facts=facts(records, period, **readings))


def body(document: Document, section: int = 1) -> list[str]:
    return [p.text for p in document.sections[section - 1].paragraphs]


def figure_runs(document: Document, name: str):
    return [run for s in document.sections for p in s.paragraphs for run in p.runs if run.figure == name]


# --- counts ------------------------------------------------------------------------------------


def test_meetings_are_listed_by_kind_with_kinds_without_records_left_out():
    records = [record("study", D(2022, month, 10)) for month in range(1, 7)]
    records += [record("committee_meeting", D(2022, month, 5)) for month in range(1, 7)]
    records.append(record("themed_day", D(2022, 2, 23), also=("branch_assembly",)))

    document = compile_items(records, ItemDraft(1, "截至〔截至日期〕，共召开〔会议次数〕。"))

    assert body(document) == ["截至6月30日，共召开理论学习会6次、主题党日活动1次、支部党员大会1次、支委会6次。"]
    assert "0次" not in document.plain_text()
    assert "组织生活会" not in document.plain_text()


def test_a_figure_carries_its_name_and_the_records_it_counts():
    studies = [record("study", D(2022, m, 10)) for m in (1, 2)]

    document = compile_items(studies, ItemDraft(1, "共召开理论学习会〔理论学习会次数〕。"))

    [run] = figure_runs(document, "理论学习会次数")
    assert run.text == "2次"
    assert set(run.activity_ids) == {a.pk for a in studies}


def test_every_party_group_meeting_every_month_reads_monthly():
    groups = [group("一组"), group("二组")]
    meetings = [record("group_meeting", D(2022, month, 9), party_group=g) for g in groups for month in range(1, 7)]

    document = compile_items(meetings, ItemDraft(1, "全年〔党小组会议〕。"), groups=groups)

    assert body(document) == ["全年按月召开党小组会议。"]
    assert len(figure_runs(document, "党小组会议")[0].activity_ids) == 12


def test_a_group_missing_a_month_gets_the_count_instead():
    one = group("一组")
    meetings = [record("group_meeting", D(2022, month, 9), party_group=one) for month in (1, 2, 3, 5, 6)]

    document = compile_items(meetings, ItemDraft(1, "〔党小组会议〕。"), groups=[one])

    assert body(document) == ["召开党小组会议5次。"]


def test_a_record_on_1_july_counts_in_2022_and_2022h2_but_not_2022h1():
    july = record("committee_meeting", D(2022, 7, 1))
    records = [record("committee_meeting", D(2022, 6, 30)), july]
    item = ItemDraft(1, "共召开〔会议次数〕。")

    texts = {code: body(compile_items(records, item, period=Period.parse(code)))[0] for code in ("2022H1", "2022H2", "2022")}

    assert texts == {"2022H1": "共召开支委会1次。", "2022H2": "共召开支委会1次。", "2022": "共召开支委会2次。"}
    h1_ids = figure_runs(compile_items(records, item, period=H1), "会议次数")[0].activity_ids
    assert july.pk not in h1_ids


# --- lists and units ---------------------------------------------------------------------------


def test_materials_forms_and_lectures_read_as_lists():
    secretary = member("王书记", post=Member.Post.SECRETARY)
    records = [
        record("study", D(2022, 1, 5), materials="党史\n新中国史", study_form="集体学习"),
        record("study", D(2022, 2, 5), materials="改革开放史", study_form="专题研讨"),
        record("themed_day", D(2022, 3, 5), activity_forms="春耕\n路域环境整治"),
        record("party_lecture", D(2022, 3, 30), title="习近平总书记关于作风建设重要论述", speaker=secretary),
    ]

    document = compile_items(
        records,
        ItemDraft(1, "采取〔学习形式〕等方式，深入学习〔学习材料〕等学习材料。"),
        ItemDraft(1, "通过组织〔主题党日形式〕等活动。"),
        ItemDraft(1, "支部共开展〔党课次数〕讲党课活动，其中〔党课情况〕。"),
        members=[secretary],
    )

    assert body(document) == [
        "一是采取集体学习、专题研讨等方式，深入学习党史、新中国史以及改革开放史等学习材料。",
        "二是通过组织春耕、路域环境整治等活动。",
        "三是支部共开展1次讲党课活动，其中支部书记围绕习近平总书记关于作风建设重要论述讲授专题党课。",
    ]


def test_publicity_counts_each_outlet_in_its_own_unit():
    outlets = [  # in the registry's order
        ("省交通厅网站和微信公众号", "行业", "篇", 14),
        ("省服务中心网站", "行业", "篇", 16),
        ("新**", "中央", "次", 5),
        ("新华网客户端", "中央", "次", 2),
        ("中国**网", "中央", "次", 1),
        ("澎湃新闻", "中央", "次", 1),
        ("民族日报等地方媒体", "地方", "篇", 39),
    ]
    pieces = [Piece(name, D(2022, 3, 1), count, level, unit) for name, level, unit, count in outlets]

    document = compile_items([], ItemDraft(2, "共发布新闻宣传稿件〔宣传稿件总数〕（其中：〔宣传稿件分项〕）。"), pieces=pieces)

    assert body(document, 2) == [
        "共发布新闻宣传稿件78篇（其中：省交通厅网站和微信公众号发布14篇、省服务中心网站16篇；"
        "新**报道5次、新华网客户端报道2次；中国**网、澎湃新闻各报道1次；民族日报等地方媒体发布39篇）。"
    ]
    assert len(figure_runs(document, "宣传稿件总数")[0].publicity_ids) == 7


def test_discipline_figures_read_as_times_and_occasions():
    records = [
        record("integrity_talk", D(2022, 1, 27), occasion="春节前"),
        record("integrity_talk", D(2022, 5, 31), occasion="端午节前"),
        record("petition_publicity", D(2022, 4, 20)),
        record("discipline_meeting", D(2022, 6, 29)),
        record("rules_study", D(2022, 3, 8), materials="《党章》\n《准则》"),
        record("probation_completed", D(2022, 3, 31), headcount=2),
        record("probation_completed", D(2022, 6, 30), headcount=1),
    ]

    document = compile_items(
        records,
        ItemDraft(3, "在〔廉政谈话时机〕，进行集体廉政谈话。"),
        ItemDraft(3, "〔信访举报宣传时间〕开展信访举报宣传；〔纪检工作会议时间〕，召开纪检工作会议。"),
        ItemDraft(3, "学习〔党规党纪学习材料〕等党规党纪。今年结束管理人员试用期〔试用期满人数〕。"),
    )

    assert body(document, 3) == [
        "一是在春节、端午节前，进行集体廉政谈话。",
        "二是4月份开展信访举报宣传；6月底，召开纪检工作会议。",
        "三是学习《党章》《准则》等党规党纪。今年结束管理人员试用期3人。",
    ]


# --- clause dropping ---------------------------------------------------------------------------


def test_an_empty_placeholder_drops_its_clause_not_the_sentence():
    document = compile_items([record("study", D(2022, 1, 5), materials="党史")], ItemDraft(1, "始终把政治建设摆在首位，采取〔学习形式〕等方式，深入学习〔学习材料〕，引导党员。"))

    assert body(document) == ["始终把政治建设摆在首位，深入学习党史，引导党员。"]


def test_a_sentence_whose_last_clause_goes_keeps_its_full_stop():
    document = compile_items([record("committee_meeting", D(2022, 1, 5))], ItemDraft(1, "截至〔截至日期〕，共召开〔会议次数〕，〔党小组会议〕。其他工作照常。"))

    assert body(document) == ["截至6月30日，共召开支委会1次。其他工作照常。"]


def test_a_sentence_whose_figures_are_all_empty_goes_whole():
    document = compile_items([], ItemDraft(1, "创新党课形式。截至〔截至日期〕，支部共开展〔党课次数〕讲党课活动，其中〔党课情况〕。"))

    assert body(document) == ["创新党课形式。"]


def test_an_item_left_empty_is_dropped_and_does_not_take_an_ordinal():
    document = compile_items(
        [record("heart_talk", D(2022, 2, 10))],
        ItemDraft(1, "〔党课情况〕。"),
        ItemDraft(1, "开展谈心谈话〔谈心谈话次数〕。"),
    )

    assert body(document) == ["开展谈心谈话1次。"]


def test_delimiters_inside_quotation_marks_do_not_split_clauses():
    document = compile_items([record("study", D(2022, 1, 5), materials="党史")], ItemDraft(1, "谨记“一面旗帜，一份责任〔党课次数〕”，深入学习〔学习材料〕。"))

    assert body(document) == ["深入学习党史。"]


# --- ordinals and sections ---------------------------------------------------------------------


def test_numbered_items_are_ordinals_by_position_and_reordering_renumbers():
    a, b = ItemDraft(2, "甲项工作。"), ItemDraft(2, "乙项工作。")
    lead = ItemDraft(2, "总体情况如下：", numbered=False)

    assert body(compile_items([], lead, a, b), 2) == ["总体情况如下：", "一是甲项工作。", "二是乙项工作。"]
    assert body(compile_items([], lead, b, a), 2) == ["总体情况如下：", "一是乙项工作。", "二是甲项工作。"]


def test_ordinals_go_past_ten():
    items = [ItemDraft(6, f"第{n}项。") for n in range(1, 13)]

    assert [p.ordinal for p in compile_items([], *items).sections[5].paragraphs][9:] == ["十是", "十一是", "十二是"]


def test_all_six_sections_are_numbered_with_their_headings():
    document = compile_items([], ItemDraft(4, "一项。"))

    assert [s.heading_text for s in document.sections] == [
        f"{number}、{SECTION_HEADINGS[index]}" for index, number in enumerate("一二三四五六", start=1)
    ]
    assert document.addressee == "**省高速公路处党总支"
    assert document.date_text == "2022年7月1日"


# --- the secretary's text ----------------------------------------------------------------------


def test_unknown_placeholders_stay_literal_and_are_reported():
    text = "按〔上级要求〕开展工作，〔 〕保留。"

    assert body(compile_items([], ItemDraft(1, text))) == [text]
    assert unknown_placeholders(text + "〔会议次数〕〔上级要求〕") == ["上级要求", " "]


def test_hostile_text_passes_through_untouched():
    studies = [record("study", D(2022, 1, 5))]
    text = "<script>alert('x')</script>🎉𠮷\x0b\u200b&amp;，理论学习会〔理论学习会次数〕。"

    paragraph = compile_items(studies, ItemDraft(1, text)).sections[0].paragraphs[0]

    assert paragraph.text == text.replace("〔理论学习会次数〕", "1次")
    assert Document.from_json(compile_items(studies, ItemDraft(1, text)).to_json()).sections[0].paragraphs[0] == paragraph


def test_every_placeholder_has_a_label_and_help():
    assert {"会议次数", "学习材料", "主题党日形式", "党课情况", "宣传稿件总数", "宣传稿件分项", "试用期满人数"} <= set(PLACEHOLDERS)
    assert all(p.label and p.help for p in PLACEHOLDERS.values())


# --- defaults ----------------------------------------------------------------------------------


def test_default_header_reads_like_the_reference(branch):
    header = default_header(branch=branch, period=H1)

    assert header.title == "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报"
    assert header.addressee == "**省高速公路处党总支"
    assert header.signature == "kl所党支部"
    assert header.signed_on == D(2022, 7, 1)
    assert header.opening.startswith("2022年上半年kl所党支部在省高速公路服务中心党委和**省高速公路处党总支的正确领导下")
    assert header.opening.endswith("现将上半年全面从严治党暨党建工作情况汇报如下：")
    assert "〔" not in header.opening


def test_default_items_leave_out_items_without_records_but_keep_problems_and_plans():
    study = facts([record("study", D(2022, 1, 5), materials="党史")])

    drafts = default_items(facts=study)
    origins = [d.origin for d in drafts]

    assert "s1.organisational_life" in origins
    assert "s1.party_lectures" not in origins and "s2.publicity" not in origins
    # Nothing behind 支部建设 or 作风建设 in this period: nothing is proposed there.
    assert {d.section for d in drafts} == {1, 4, 5, 6}
    assert "s6.rectification" not in origins  # nothing open to rectify
    document = compile_document(header=HEADER, items=drafts, facts=study)
    assert not re.search(r"(?<!\d)0(次|篇|人)", document.plain_text())
    assert set(re.findall(r"〔[^〕]*〕", document.plain_text())) == {"〔本部分尚未撰写〕"}


def test_open_rectification_items_come_first_among_the_problems():
    item = record("rectification", D(2022, 2, 25), title="党建与业务工作融合方面，工作措施和力度不够")
    found = facts([item])

    problems = [d for d in default_items(facts=found) if d.section == 5]

    assert problems[0].numbered is False  # the lead sentence
    assert (problems[1].text, problems[1].origin) == ("党建与业务工作融合方面，工作措施和力度不够。", f"carry:rect:{item.pk}")
    assert [d.text for d in problems].count("党建与业务工作融合方面，工作措施和力度不够。") == 1
    assert "s6.rectification" in [d.origin for d in default_items(facts=found)]


def test_compile_report_uses_the_saved_items_in_their_order(branch):
    ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 1, 5))
    report = Report.objects.create(
        branch=branch, year=2022, half="H1", title="我的标题", addressee="处党总支", opening="第一段。\n第二段〔年度〕。",
        signature="kl所党支部", signed_on=D(2022, 7, 2),
    )
    ReportItem.objects.create(report=report, section=1, position=2, text="后写的。")
    ReportItem.objects.create(report=report, section=1, position=1, text="共召开〔会议次数〕。")

    document = compile_report(report)

    assert document.title == "我的标题" and document.file_stem == "我的标题"
    assert [p.text for p in document.opening] == ["第一段。", "第二段2022年。"]
    assert body(document) == ["一是共召开支委会1次。", "二是后写的。"]
    assert document.date_text == "2022年7月2日"


def test_compile_defaults_for_a_period_without_a_report(branch):
    ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 1, 5))

    document = compile_defaults(branch=branch, period=H1)

    assert document.title == "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报"
    assert "支委会1次" in document.plain_text()
    assert document.meta["period"] == "2022H1"


def test_delimiters_inside_unknown_placeholders_do_not_split_clauses():
    document = compile_items([record("study", D(2022, 1, 5), materials="党史")], ItemDraft(1, "按〔上级，要求〕开展〔党课次数〕，深入学习〔学习材料〕。"))

    assert body(document) == ["深入学习党史。"]


def test_warning_education_is_kept_up_only_where_more_than_one_record_shows_it():
    from reports.defaults import _warning_education

    one = period_facts_of([record("warning_education", D(2022, 4, 8), title="观看警示教育片")], period=H1, today=D(2026, 1, 1))
    two = period_facts_of(
        [
            record("warning_education", D(2022, 4, 8), title="观看警示教育片"),
            record("warning_education", D(2022, 6, 8), title="学习典型案例通报"),
        ],
        period=H1,
        today=D(2026, 1, 1),
    )
    assert _warning_education(one).startswith("开展廉政警示教育。") and "常抓" not in _warning_education(one)
    assert "深入" not in _warning_education(one)
    assert _warning_education(two).startswith("常抓廉政警示教育。") and "深入开展作风建设警示教育" in _warning_education(two)


def _dues_item(*records) -> str:
    found = facts(records)
    drafts = [d for d in default_items(facts=found) if d.origin == "kind.dues"]
    return compile_document(header=HEADER, items=drafts, facts=found).plain_text()


@pytest.mark.parametrize(
    ("records", "said", "unsaid"),
    [
        # Every member paid on time, by the record's own count: the strict management it shows.
        (
            [dict(payment_type="党费", paid_count=12, member_total=12, amount=1260)],
            "严格党费收缴管理。6月20日，12名党员（应缴12名）按期缴纳党费共1260元",
            (),
        ),
        # Two of twelve late: the collection is told, not judged strict.
        (
            [dict(payment_type="党费", paid_count=10, member_total=12)],
            "开展党费收缴工作。6月20日，10名党员（应缴12名）按期缴纳党费",
            ("严格",),
        ),
        # No count of who paid on time: the collection alone, no 按期.
        ([dict(payment_type="党费", amount=1260)], "开展党费收缴工作。6月20日，收缴党费共1260元", ("严格", "按期")),
        # 捐款 alone: no 党费 were collected this period.
        (
            [dict(payment_type="捐款", paid_count=8, amount=800, participants="防汛救灾")],
            "组织党员捐款。6月20日，8名党员为防汛救灾捐款共800元",
            ("党费收缴", "严格"),
        ),
        ([dict(payment_type="特殊党费", paid_count=8, amount=800)], "组织党员缴纳特殊党费。", ("党费收缴", "严格")),
    ],
)
def test_the_dues_item_claims_what_its_records_show(records, said, unsaid):
    text = _dues_item(*(record("dues", D(2022, 6, 20), **fields) for fields in records))
    assert said in text
    for word in unsaid:
        assert word not in text, word


def test_a_pioneer_posts_name_loses_its_kind_not_the_members_it_names():
    """「养护作业党员示范岗」 is the post 养护作业: 「在养护作业以及…等急难险重任务中」, never
    「在养护作业党员以及…」."""
    post = record("pioneer_post", D(2022, 3, 1), title="养护作业党员示范岗", activity_forms="冬季除雪保畅")
    value = fill_values(facts([post]))["先锋岗作用"]
    assert value.text == "在养护作业以及冬季除雪保畅等急难险重任务中"


def test_lectures_are_told_as_given_and_called_innovative_only_in_forms_the_records_vary():
    one = record("party_lecture", D(2022, 3, 1), title="坚定历史自信，把握历史主动", speaker_name="周立平")
    another = record("party_lecture", D(2022, 5, 1), title="学习党章", speaker_name="王明")
    on_site = record("party_lecture", D(2022, 5, 1), title="学习党章", speaker_name="王明", activity_forms="现场教学")
    micro = record("party_lecture", D(2022, 6, 1), title="红船精神", speaker_name="李华", activity_forms="微党课")
    texts = {
        name: compile_document(
            header=HEADER,
            items=[d for d in default_items(facts=facts(records)) if d.origin == "s1.party_lectures"],
            facts=facts(records),
        ).plain_text()
        for name, records in (("one", [one]), ("two", [one, another]), ("two forms", [on_site, micro]))
    }
    assert "开展讲党课活动。" in texts["one"] and "认真" not in texts["one"]
    # Two lectures are two lectures: nothing says their form was new.
    assert "开展讲党课活动。" in texts["two"] and "创新" not in texts["two"]
    assert "创新党课形式。" in texts["two forms"]
