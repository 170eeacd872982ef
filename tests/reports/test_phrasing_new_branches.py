"""Phrasing bugs QA found in the drafts of two branches of kinds the repo had not seen (a university
graduate-student branch, a factory workshop branch): each sentence read as a Chinese official would
write it, and nothing in it that the branch's records do not say."""

import datetime
from decimal import Decimal

from activities.kinds import KINDS
from activities.models import Outlet
from activities.outlets import INTERNAL_OR_OTHER
from activities.selectors import Detail
from branchwork.periods import Period
from reports.compile import default_items
from reports.placeholders import PLACEHOLDERS, phrase_one
from reports.profile import ProfileFacts
from tests.memory import Piece, facts_of, period_facts_of, record

D = datetime.date
H1 = Period.parse("2026H1")


def _fill(name: str, facts) -> str | None:
    value = PLACEHOLDERS[name].fill(facts)
    return value.text if value else None


def _detail(kind: str, title: str, **fields) -> Detail:
    return Detail(id=1, kind=kind, date=D(2026, 3, 6), title=title, **fields)


# --- a title that says its own study verb -----------------------------------------------------------


def test_a_study_title_with_its_own_study_verb_gets_no_second_one():
    study = KINDS["study"]
    assert phrase_one(study, _detail("study", "集中学习党的二十届四中全会精神", place="材料学院楼B201")) == (
        "3月6日，在材料学院楼B201召开理论学习会，集中学习党的二十届四中全会精神"
    )
    assert phrase_one(study, _detail("study", "专题研讨习近平总书记关于教育、科技、人才的重要论述")) == (
        "3月6日，召开理论学习会，专题研讨习近平总书记关于教育、科技、人才的重要论述"
    )
    assert phrase_one(study, _detail("study", "传达学习全国两会精神")).endswith("召开理论学习会，传达学习全国两会精神")
    assert phrase_one(study, _detail("study", "学习《中国共产党章程》")).endswith("召开理论学习会，学习《中国共产党章程》")
    # A title without a verb of its own still gets the phrasing's.
    assert phrase_one(study, _detail("study", "党的二十届四中全会精神")).endswith("召开理论学习会，学习党的二十届四中全会精神")


# --- a noun that starts like a verb -----------------------------------------------------------------


def test_a_title_starting_with_a_noun_like_研究生_keeps_the_phrasings_verb():
    volunteer = KINDS["volunteer"]
    detail = _detail(
        "volunteer", "研究生招生复试志愿服务", place="材料学院", participants="复试考生", party_participants=3, headcount=3
    )
    assert phrase_one(volunteer, detail) == "3月6日，组织3名党员在材料学院为复试考生开展研究生招生复试志愿服务"
    assert phrase_one(KINDS["petition_publicity"], _detail("petition_publicity", "研究生信访举报宣传进宿舍")) == (
        "3月6日，开展研究生信访举报宣传进宿舍"
    )
    # A title that does start with a verb still replaces the phrasing's.
    assert phrase_one(volunteer, _detail("volunteer", "走访社区孤寡老人", party_participants=3, headcount=3)) == (
        "3月6日，组织3名党员走访社区孤寡老人"
    )


# --- publicity: an outlet the menu names by its label -----------------------------------------------


def test_pieces_counted_under_the_menus_other_outlet_are_not_named_by_its_label():
    facts = period_facts_of(
        period=H1,
        pieces=[
            Piece("集团公司微信公众号", D(2026, 3, 1), count=2),
            Piece(INTERNAL_OR_OTHER, D(2026, 4, 1), count=2, level=Outlet.Level.OTHER),
        ],
    )
    assert _fill("宣传稿件分项", facts) == "集团公司微信公众号发布2篇；内部刊物等其他媒体发布2篇"


# --- 党费: the series names the payments the records hold --------------------------------------------


def _dues(day, payment_type, **fields):
    fields.setdefault("title", f"{day.month}月{payment_type}")
    return record("dues", day, payment_type=payment_type, **fields)


def test_a_dues_series_names_only_the_payment_types_recorded():
    quarters = [
        _dues(D(2026, 1, 10), "党费", paid_count=12, member_total=12, amount=Decimal("156.60")),
        _dues(D(2026, 4, 10), "党费", paid_count=11, member_total=12, amount=Decimal("148.20")),
    ]
    assert _fill("党费与捐款详情", period_facts_of(quarters, period=H1)) == (
        "收缴党费2次，其中1月10日，12名党员（应缴12名）按期缴纳党费共156.60元；"
        "4月10日，11名党员（应缴12名）按期缴纳党费共148.20元"
    )
    relief = _dues(D(2026, 5, 20), "捐款", title="防汛救灾捐款", paid_count=10, amount=Decimal("2000"))
    text = _fill("党费与捐款详情", period_facts_of([*quarters, relief], period=H1))
    assert text.startswith("收缴党费2次、捐款1次，其中"), text


# --- the year's campaigns -----------------------------------------------------------------------------


def _campaigns(*names: str) -> str | None:
    return _fill("年度主题活动", facts_of(period=H1, profile=ProfileFacts(campaigns=names)))


def test_a_campaign_named_by_its_kind_gets_no_活动_after_it():
    assert _campaigns("“党建+科研”融合行动") == "“党建+科研”融合行动"
    assert _campaigns("安全生产百日攻坚", "质量提升工程") == "“安全生产百日攻坚”和“质量提升工程”"
    # A name that does not say its kind is a campaign (活动), as the reference writes it.
    assert _campaigns("行业管理提升年", "三比三促三提升") == "“行业管理提升年”和“三比三促三提升”活动"
    assert _campaigns("学雷锋活动") == "“学雷锋”活动"
    assert _campaigns("行业管理提升年", "“党建+科研”融合行动") == "“行业管理提升年”活动、“党建+科研”融合行动"


# --- the 志愿服务 item's lead -----------------------------------------------------------------------


def _volunteer_item(*records) -> str:
    drafts = default_items(facts=facts_of(list(records), period=H1))
    return next(d.text for d in drafts if d.origin == "kind.volunteer")


def test_the_volunteer_lead_says_我为群众办实事_only_where_a_record_names_it():
    tutoring = record("volunteer", D(2026, 3, 5), title="学雷锋·科普进社区支教", place="光华社区")
    assert _volunteer_item(tutoring) == "密切联系服务群众，开展志愿服务。〔志愿服务详情〕。"
    interview = record("volunteer", D(2026, 3, 28), title="研究生招生复试志愿服务", place="材料学院")
    assert _volunteer_item(tutoring, interview) == "密切联系服务群众。〔志愿服务详情〕。"
    campaign = record(
        "volunteer", D(2026, 4, 12), title="义务理发", content="按照“我为群众办实事”实践活动安排，为老年居民义务理发。"
    )
    assert _volunteer_item(tutoring, campaign) == "密切联系服务群众，践行“我为群众办实事”。〔志愿服务详情〕。"


# --- 先锋岗: a post is said by its field -------------------------------------------------------------


def _posts(*posts: tuple[str, str]) -> str | None:
    records = [
        record("pioneer_post", D(2026, 3, 10), title=title, activity_forms=tasks) for title, tasks in posts
    ]
    return _fill("先锋岗作用", period_facts_of(records, period=H1))


def test_a_pioneer_posts_name_is_reduced_to_its_field_among_the_tasks():
    assert _posts(("数控加工党员先锋岗", "关键零部件加工攻关")) == "在数控加工以及关键零部件加工攻关等急难险重任务中"
    assert _posts(("收费服务党员先锋示范岗", "疫情防控\n保通保畅"), ("ETC客服党员先锋示范岗", "疫情防控\n保通保畅")) == (
        "在收费服务、ETC客服以及疫情防控、保通保畅等急难险重任务中"
    )
    assert _posts(("党员先锋岗", "设备抢修")) == "在设备抢修等急难险重任务中"
    assert _posts(("焊接示范岗", "")) == "在焊接等岗位上"


# --- 谈心谈话: one clause from the interviewee, the category or reason, and the title -----------------


def _talk(title="", reason="", interviewee="", host="", host_post="", **fields) -> str:
    detail = _detail(
        "heart_talk", title, talk_reason=reason, interviewee=interviewee, host=host, host_post=host_post, **fields
    )
    return phrase_one(KINDS["heart_talk"], detail)


def test_a_heart_talk_reads_as_one_clause_whatever_its_fields_hold():
    secretary = {"host": "王晓琳", "host_post": "支部书记"}
    # The category goes before the name; the title names the talk.
    assert _talk("预备期考察谈话", "预备党员考察", "马俊杰", **secretary) == (
        "3月6日，支部书记王晓琳同志与预备党员马俊杰同志开展预备期考察谈话"
    )
    assert _talk("入党前谈话", "发展对象入党前谈话", "赵一鸣", outcome="赵一鸣同志进一步端正了入党动机。", **secretary) == (
        "3月6日，支部书记王晓琳同志与发展对象赵一鸣同志开展入党前谈话，赵一鸣同志进一步端正了入党动机"
    )
    # A reason is said with 就, and what the title repeats of it is not said again.
    assert _talk("家庭变故关心谈话", "家庭变故", "高峰", host="李强", host_post="支部副书记") == (
        "3月6日，支部副书记李强同志就家庭变故与高峰同志开展关心谈话"
    )
    assert _talk("预备党员教育考察谈话", "入党培养", "韩雪", **secretary) == (
        "3月6日，支部书记王晓琳同志就入党培养与预备党员韩雪同志开展教育考察谈话"
    )
    # Blank fields leave their words out; a title that names no talk is its theme.
    assert _talk() == "3月6日，开展谈心谈话"
    assert _talk("谈心谈话", "", "马俊杰") == "3月6日，与马俊杰同志开展谈心谈话"
    assert _talk("", "预备党员") == "3月6日，与预备党员开展谈心谈话"
    assert _talk("", "新入职党员", **secretary) == "3月6日，支部书记王晓琳同志与新入职党员开展谈心谈话"
    assert _talk("2月份谈心谈话", **secretary) == "3月6日，支部书记王晓琳同志开展2月份谈心谈话"
    assert _talk("思想动态", "", "张三、李四") == "3月6日，与张三、李四同志围绕思想动态开展谈心谈话"
    assert _talk("", "", "全体支委", **secretary) == "3月6日，支部书记王晓琳同志与全体支委开展谈心谈话"
    for text in (_talk("入党前谈话", "发展对象入党前谈话", "赵一鸣"), _talk("家庭变故关心谈话", "家庭变故", "高峰")):
        assert "（" not in text and "，" not in text.split("，", 1)[1], text


# --- 主题党日: each day by what it was, the partner only on its own day --------------------------------


def _themed_days():
    return [
        record(
            "themed_day",
            D(2026, 4, 3),
            title="缅怀革命先烈 传承红色基因",
            place="雨花台烈士陵园",
            joint_with="化学学院研究生第二党支部",
            other_participants="化学学院研究生第二党支部党员12名",
            headcount=23,
            party_participant_count=11,
            activity_forms="参观烈士纪念馆\n敬献花篮",
            outcome="参加党员撰写心得体会11篇。",
        ),
        record(
            "themed_day",
            D(2026, 6, 26),
            title="6月主题党日：重温入党誓词",
            place="材料学院楼B201",
            party_participant_count=12,
            activity_forms="重温入党誓词",
        ),
    ]


def test_themed_days_held_jointly_only_sometimes_name_the_partner_on_that_day_alone():
    facts = period_facts_of(_themed_days(), period=H1)
    assert _fill("联合开展主题党日", facts) is None  # 「与……联合开展主题党日活动。其中……」 would make both joint
    assert _fill("主题党日参加与成效", facts) == (
        "4月3日，与化学学院研究生第二党支部联合赴雨花台烈士陵园开展“缅怀革命先烈 传承红色基因”主题党日活动，"
        "支部党员11名、化学学院研究生第二党支部党员12名参加，参加党员撰写心得体会11篇；"
        "6月26日，在材料学院楼B201开展重温入党誓词主题党日活动，12名党员参加"
    )


def test_a_day_with_nothing_but_its_place_is_still_told_by_what_it_was():
    day = record("themed_day", D(2026, 1, 23), title="学习贯彻二十届四中全会精神主题党日", place="车间会议室")
    text = _fill("主题党日参加与成效", period_facts_of([day], period=H1))
    assert text == "1月23日，在车间会议室开展学习贯彻二十届四中全会精神主题党日活动"


def test_when_every_day_was_joint_the_partner_is_said_once():
    day = _themed_days()[0]
    facts = period_facts_of([day], period=H1)
    assert _fill("联合开展主题党日", facts) == "与化学学院研究生第二党支部联合开展主题党日活动"
    assert _fill("主题党日参加与成效", facts).startswith("4月3日，赴雨花台烈士陵园开展“缅怀革命先烈 传承红色基因”主题党日活动")


def test_special_work_is_named_as_the_work_it_is():
    def said(title):
        return phrase_one(KINDS["special_work"], _detail("special_work", title, date_to=datetime.date(2026, 6, 30)))

    assert "支部投入设备年度大修攻坚工作" in said("设备年度大修攻坚")
    assert "支部投入“安全生产月”活动" in said("安全生产月")
    assert "支部投入防汛抗旱行动" in said("防汛抗旱行动")
    assert "工作工作" not in said("疫情防控工作")


def test_a_title_naming_a_study_is_held_not_studied():
    said = phrase_one(KINDS["study"], _detail("study", "党纪学习教育集中学习"))

    assert "召开理论学习会，开展党纪学习教育集中学习" in said and "学习党纪学习教育" not in said


def test_two_years_meetings_in_one_period_are_named_once():
    meetings = [
        record("org_life", D(2025, 1, 16), title="2024年度组织生活会", year_of=2024),
        record("democratic_appraisal", D(2025, 1, 17), title="2024年度民主评议党员", year_of=2024),
        record("org_life", D(2025, 12, 26), title="2025年度组织生活会", year_of=2025, also=("democratic_appraisal",)),
    ]

    said = _fill("组织生活会与民主评议", period_facts_of(meetings, period=Period.parse("2025"), today=D(2026, 1, 5)))

    assert said == "2024、2025年度组织生活会与民主评议党员"


def test_themed_days_all_attended_alike_say_so_once():
    days = [
        record("themed_day", D(2025, month, 25), title=f"第{month}次", place="局机关", participants="全体党员")
        for month in (1, 2, 3)
    ]

    said = _fill("主题党日参加与成效", period_facts_of(days, period=Period.parse("2025H1"), today=D(2026, 1, 5)))

    assert said.count("全体党员") == 1 and said.endswith("；每次活动全体党员均参加")


def test_a_quotation_inside_a_quoted_title_takes_single_marks():
    from reports.placeholders import quoted

    assert quoted("弘扬教育家精神，争做新时代“大先生”") == "“弘扬教育家精神，争做新时代‘大先生’”"
    assert quoted("“七一”慰问") == "“七一”慰问"


def test_a_themed_day_names_its_place_and_its_partner_once():
    visit = record("themed_day", D(2026, 9, 20), title="参观市革命纪念馆", place="市革命纪念馆")
    joint = record("themed_day", D(2026, 7, 15), title="“暑期护苗”联合主题党日", place="阳光社区", joint_with="阳光社区党支部")
    alone = record("themed_day", D(2026, 8, 15), title="重温入党誓词", place="学校会议室")

    said = _fill("主题党日参加与成效", period_facts_of([joint, alone, visit], period=Period.parse("2026H2"), today=D(2026, 12, 6)))

    assert "9月20日，开展参观市革命纪念馆主题党日活动" in said and "赴市革命纪念馆开展参观" not in said
    assert "与阳光社区党支部联合" in said and said.count("联合") == 1
