"""Demo records: kl所党支部's first half of 2022, reproducing every figure of the reference report
(``shared/reference/seed-figures.json``) and, from the records' own content, its specific items;
one record just after it (2022-07-01); 历史研究所党支部's few records of 2022 (no party groups, no
publicity, its only 党课 on 7月1日); and ordinary records for the current year in every demo
branch, so that calendars and dashboards are alive.

The records are tables (one per kind of record the reference mentions), turned into specs by
short functions. Builds on ``demo.organisations``: organisations are looked up by code (general
branch "hw", branches "kl", "xy", "jg", "lsy"), the secretary by post, party groups and the roster
by branch. Idempotent and deterministic: records are found by (branch, kind, date, title), outlets by
(organisation, name), publicity entries by (branch, outlet, date, title), attendance by (record,
member); each is written only when it differs, so a second run leaves the same data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from activities.kinds import KINDS
from activities.models import Activity, ActivityKind, Attendance, Outlet, PublicityEntry
from activities.services import activity_set_kinds
from branchwork.figures import figures_changed
from branchwork.models import Member, Organisation, PartyGroup

D = datetime.date
T = datetime.time

# The outlet registry of the general branch, in the order the reference lists them.
OUTLETS = [
    # name, level, unit
    ("省交通厅网站和微信公众号", Outlet.Level.INDUSTRY, Outlet.Unit.PIECE),
    ("省服务中心网站", Outlet.Level.INDUSTRY, Outlet.Unit.PIECE),
    ("新**", Outlet.Level.CENTRAL, Outlet.Unit.TIMES),
    ("新华网客户端", Outlet.Level.CENTRAL, Outlet.Unit.TIMES),
    ("中国**网", Outlet.Level.CENTRAL, Outlet.Unit.TIMES),
    ("澎湃新闻", Outlet.Level.CENTRAL, Outlet.Unit.TIMES),
    ("腾讯新闻", Outlet.Level.CENTRAL, Outlet.Unit.TIMES),
    ("**法制报", Outlet.Level.PROVINCIAL, Outlet.Unit.PIECE),
    ("民族日报等地方媒体", Outlet.Level.LOCAL, Outlet.Unit.PIECE),
]
# Pieces kl published in each outlet in 2022H1: 82 in all.
KL_2022H1_PUBLICITY = [14, 16, 5, 2, 1, 1, 1, 3, 39]

# kl所's news of 2022H1; each outlet picked some of them up.
KL_2022H1_STORIES = [
    (D(2022, 1, 10), "kl所党支部扎实开展春运保通保畅工作"),
    (D(2022, 1, 19), "kl所召开2022年党建工作部署会"),
    (D(2022, 1, 28), "kl所开展春节前集体廉政谈话"),
    (D(2022, 2, 8), "春节假期kl所车流平稳有序"),
    (D(2022, 2, 17), "kl所党员先锋示范岗在收费一线亮身份、作表率"),
    (D(2022, 2, 26), "kl所党支部召开2021年度组织生活会"),
    (D(2022, 3, 9), "kl所开展“学雷锋”志愿服务活动"),
    (D(2022, 3, 18), "kl所开展“社会主义核心价值观主题实践教育月”活动"),
    (D(2022, 3, 24), "kl所党员志愿者助力春耕生产"),
    (D(2022, 3, 30), "kl所ETC客服暖心服务获司乘点赞"),
    (D(2022, 4, 5), "清明假期kl所全力保障道路安全畅通"),
    (D(2022, 4, 15), "kl所开展全民国家安全教育日普法宣传"),
    (D(2022, 4, 21), "kl所开展纪检监察信访举报宣传活动"),
    (D(2022, 4, 28), "kl所扎实做好疫情防控和保通保畅工作"),
    (D(2022, 5, 5), "“五一”假期kl所收费站平稳有序"),
    (D(2022, 5, 16), "kl所掀起学习宣传省第十四次党代会精神热潮"),
    (D(2022, 5, 27), "kl所党支部开展“六一”贫困小学捐资助学活动"),
    (D(2022, 5, 30), "kl所开展路域环境集中整治"),
    (D(2022, 6, 4), "端午假期kl所保通保畅工作有序开展"),
    (D(2022, 6, 10), "kl所开展隧道安全管理应急演练"),
    (D(2022, 6, 18), "kl所党支部赴党史教育基地开展主题党日活动"),
    (D(2022, 6, 24), "kl所开展“健康人生、绿色无毒”主题禁毒宣传"),
    (D(2022, 6, 28), "kl所党支部赴*村开展庆祝建党101周年主题党日活动"),
    (D(2022, 6, 29), "kl所召开纪检工作会议"),
]

KL_COMMITTEE_TOPICS = [
    ["研究部署2022年党建工作要点", "研究春运保通保畅工作安排", "研究春节前集体廉政谈话安排", "研究2021年度组织生活会准备工作"],
    ["研究组织生活会会前征求意见情况", "研究主题党日暨支部党员大会议程", "研究疫情防控和收费保畅工作", "研究党员先锋示范岗创建方案"],
    ["研究年度理论学习计划", "研究春耕志愿服务活动方案", "研究“社会主义核心价值观主题实践教育月”活动", "研究站股级管理人员试用期满考核"],
    ["研究清明节假日保通保畅工作", "研究信访举报宣传活动方案", "研究全民国家安全教育日普法宣传", "研究意识形态工作责任制落实"],
    ["研究“五一”假期保通保畅工作", "研究学习宣传省第十四次党代会精神", "研究端午节前集体廉政谈话安排", "研究捐资助学主题党日方案"],
    ["研究庆祝建党101周年活动方案", "研究禁毒宣传活动安排", "研究发展党员工作", "研究上半年党建工作总结"],
]

ABSENCE_REASONS = ["值班", "轮休", "外出学习", "病假"]
FOREIGN_KEYS = {"party_group", "speaker"}


@dataclass
class Spec:
    """One record to have: found by (branch, kind, date, title), with these field values."""

    branch: Organisation
    kind: str
    date: datetime.date
    title: str
    values: dict = field(default_factory=dict)
    also: tuple[str, ...] = ()

    @property
    def key(self) -> tuple:
        return (self.branch.pk, self.kind, self.date, self.title)

    @property
    def fields(self) -> dict:
        """The values by column: related members and groups by id, so comparing loads nothing."""
        return {
            (f"{name}_id" if name in FOREIGN_KEYS else name): (value.pk if name in FOREIGN_KEYS and value else value)
            for name, value in self.values.items()
        }


@dataclass
class PieceSpec:
    branch: Organisation
    outlet: Outlet
    date: datetime.date
    title: str
    count: int = 1

    @property
    def key(self) -> tuple:
        return (self.branch.pk, self.outlet.pk, self.date, self.title)


class Roster:
    """The demo branches' members and party groups, fetched once."""

    def __init__(self, branches: list[Organisation]):
        self.members: dict[int, list[Member]] = defaultdict(list)
        for member in Member.objects.filter(branch__in=branches).order_by("pk"):
            self.members[member.branch_id].append(member)
        self.groups: dict[int, list[PartyGroup]] = defaultdict(list)
        for group in PartyGroup.objects.filter(branch__in=branches).order_by("name", "pk"):
            self.groups[group.branch_id].append(group)

    def with_post(self, branch: Organisation, post: str) -> Member | None:
        return next((m for m in self.members[branch.pk] if m.post == post and m.transferred_out_on is None), None)

    def secretary(self, branch: Organisation) -> Member | None:
        return self.with_post(branch, Member.Post.SECRETARY)

    def group_host(self, group: PartyGroup, day: datetime.date) -> str:
        """Who chairs a party group's meeting: one of its own members (a committee member where the
        group has one, as 党小组长 usually are), never the secretary of another group."""
        members = [
            m for m in self.members[group.branch_id]
            if m.party_group_id == group.pk and m.status in (Member.Status.FULL, Member.Status.PROBATIONARY)
            and (m.joined_on is None or m.joined_on <= day)
            and (m.transferred_out_on is None or m.transferred_out_on > day)
        ]
        chosen = next((m for m in members if m.post), members[0] if members else None)
        return chosen.name if chosen else ""

    def attendees(self, spec: Spec) -> list[Member]:
        """Who is expected at a meeting: the committee for a 支委会, the group's Party members for a
        党小组会, the branch's Party members otherwise — each as of the meeting's date."""

        def active(member: Member) -> bool:
            joined = member.joined_on is None or member.joined_on <= spec.date
            return joined and (member.transferred_out_on is None or member.transferred_out_on > spec.date)

        party = (Member.Status.FULL, Member.Status.PROBATIONARY)
        members = [m for m in self.members[spec.branch.pk] if active(m)]
        if spec.kind == "committee_meeting":
            return [m for m in members if m.post]
        if spec.kind == "group_meeting":
            group_id = spec.values["party_group"].pk
            return [m for m in members if m.party_group_id == group_id and m.status in party]
        return [m for m in members if m.status in party]


def seed_activities(*, today: datetime.date | None = None) -> None:
    """Create or refresh the demo records (see the module's docstring)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        general = Organisation.objects.get(code="hw")
        branches = {code: Organisation.objects.get(code=code) for code in ("kl", "xy", "jg")}
        lsy = Organisation.objects.get(code="lsy")
        roster = Roster([*branches.values(), lsy])
        outlets = _seed_outlets(general)

        kl = branches["kl"]
        specs = _kl_2022h1(kl, roster) + _kl_after_2022h1(kl, roster) + _lsy_2022(lsy, roster)
        pieces = _kl_2022h1_publicity(kl, outlets)
        for index, branch in enumerate(branches.values()):
            specs += _current_year(branch, roster, today)
            pieces += _current_year_publicity(branch, outlets, today, offset=index)
        specs += _current_year_sparse(lsy, roster, today)

        _prune(specs, branches=[kl, lsy], year=2022)
        activities = _sync_activities(specs)
        _sync_kinds(specs, activities)
        _sync_attendance(specs, activities, roster)
        _sync_publicity(pieces)
        # Bulk writes send no signals.
        figures_changed(branch_ids=[branch.pk for branch in branches.values()] + [lsy.pk])


# --- kl所党支部, 2022年上半年: the reference's records, as tables -----------------------------------

HALL = "kl所党员活动室"
PLAZA = "kl所收费广场"

# 理论学习会: the reference's six materials in three forms. (date, title, form, materials)
KL_STUDIES = [
    (D(2022, 1, 12), "学习党的十九届六中全会精神", "集体学习", ["党的十九届六次全会精神"]),
    (D(2022, 2, 16), "党史、新中国史专题自学交流", "个人自学", ["党史", "新中国史"]),
    (D(2022, 3, 16), "改革开放史、社会主义发展史专题研讨", "专题研讨", ["改革开放史", "社会主义发展史"]),
    (D(2022, 4, 13), "深入学习党的十九届六中全会精神和党史", "集体学习", ["党的十九届六次全会精神", "党史"]),
    (D(2022, 5, 18), "学习省第十四次党代会精神", "集体学习", ["省第十四次党代会精神"]),
    (D(2022, 6, 15), "学习贯彻省第十四次党代会精神专题研讨", "专题研讨", ["省第十四次党代会精神"]),
]

# 主题党日: six, with the reference's seven activity forms; February's is held together with a
# 支部党员大会 (one record counting as both). (date, theme, forms, also counts as)
KL_THEMED_DAYS = [
    (D(2022, 1, 21), "观看反腐题材影片，筑牢拒腐防变思想防线", ["观看反腐题材影片"], ()),
    (D(2022, 2, 23), "主题党日暨支部党员大会：党史学习教育专题交流研讨", ["召开专题交流研讨会议"], ("branch_assembly",)),
    (D(2022, 3, 23), "助力春耕，党员志愿服务进乡村", ["春耕"], ()),
    (D(2022, 4, 3), "清明节假日保通保畅党员先锋行动", ["节假日保通保畅"], ()),
    (D(2022, 5, 27), "路域环境整治暨“六一”捐资助学", ["路域环境整治", "贫困小学捐资助学"], ()),
    (D(2022, 6, 17), "赴党史教育基地接受红色教育", ["赴党史教育基地"], ()),
]

KL_HEART_TALKS = [
    (D(2022, 2, 10), "组织生活会前谈心谈话（书记与支委）"),
    (D(2022, 2, 11), "组织生活会前谈心谈话（书记与党员）"),
    (D(2022, 2, 14), "组织生活会前谈心谈话（支委与党员）"),
    (D(2022, 5, 12), "新进职工思想动态谈心谈话"),
]

KL_THEMED_EDUCATION = [
    (D(2022, 3, 10), "“社会主义核心价值观主题实践教育月”"),
    (D(2022, 4, 15), "全民国家安全教育日普法宣传"),
    (D(2022, 6, 24), "“健康人生、绿色无毒”主题禁毒宣传"),
]

# Pioneer posts and the urgent tasks their members took on.
KL_PIONEER_POSTS = [("收费服务党员先锋示范岗", ["疫情防控", "保通保畅"]), ("ETC客服党员先锋示范岗", ["疫情防控", "保通保畅"])]

# 警示教育: (date, title, material, the superior's notices it follows)
KL_WARNING_BASIS = (
    "厅党组《关于以折达公路问题为案例开展作风建设警示教育的通知》\n"
    "《中共**省交通运输厅党组关于严肃整治“酒杯中的奢靡之风”的通知》"
)
KL_WARNING_EDUCATION = [
    (D(2022, 1, 11), "学习“@党员干部，这样的生活方式要远离”", "“@党员干部，这样的生活方式要远离”", KL_WARNING_BASIS),
    (
        D(2022, 1, 25),
        "学习中央纪委国家监委公开通报的典型问题",
        "中央纪委国家监委公开通报十起违反中央八项规定精神典型问题",
        KL_WARNING_BASIS,
    ),
    (D(2022, 2, 18), "组织观看反腐败斗争电视专题片《零容忍》", "反腐败斗争电视专题片《零容忍》", ""),
]

KL_SUPERVISION = [
    (D(2022, 2, 15), "所领导班子包站联系督导检查（春运保畅）"),
    (D(2022, 4, 12), "所领导班子包站联系督导检查（收费现场管理）"),
    (D(2022, 5, 10), "所领导班子包站联系督导检查（廉政风险点）"),
]

# Ideology-front work: (date, kind, title)
KL_IDEOLOGY = [
    (D(2022, 1, 18), "ideology_meeting", "意识形态工作专题会议"),
    (D(2022, 3, 8), "material_review", "日常党建学习材料审核"),
    (D(2022, 4, 26), "online_conduct", "职工网络言行规范专题教育"),
    (D(2022, 5, 6), "material_review", "活动方案审核"),
    (D(2022, 6, 20), "material_review", "宣传稿件审核"),
]

# Rectification items from the 组织生活会: (title, measures, fixed on)
KL_RECTIFICATION = [
    ("党建与业务工作融合方面，工作措施和力度不够", "结合收费运营重点工作研究党建举措。", None),
    ("部分党小组会议记录不够规范", "统一会议记录模板，支委逐月检查。", D(2022, 4, 30)),
]


class _Records:
    """Collects one branch's specs; meetings get the branch's place, host and hours."""

    def __init__(self, branch: Organisation, host: str, place: str, today: datetime.date | None = None):
        self.branch, self.host, self.place, self.today = branch, host, place, today
        self.specs: list[Spec] = []

    def add(self, kind: str, day: datetime.date, title: str, also: tuple[str, ...] = (), **values) -> None:
        if self.today and day > self.today:
            return
        if KINDS[kind].takes_attendance:
            values = {"place": self.place, "host": self.host, "start_time": T(15, 0), "end_time": T(16, 30), **values}
        self.specs.append(Spec(self.branch, kind, day, title, values, also))


def _kl_2022h1(kl: Organisation, roster: Roster) -> list[Spec]:
    secretary = roster.secretary(kl)
    host = secretary.name if secretary else ""
    records = _Records(kl, host, HALL)
    _kl_2022h1_meetings(records.add, kl, roster, host)
    _kl_2022h1_lectures_and_education(records.add, kl, roster, secretary)
    _kl_2022h1_discipline_and_the_rest(records.add, host)
    return records.specs


def _kl_2022h1_meetings(add, kl: Organisation, roster: Roster, host: str) -> None:
    """三会一课 but the 党课, 组织生活会 and 谈心谈话."""
    for day, title, form, materials in KL_STUDIES:
        text = "、".join(materials)
        add("study", day, title, study_form=form, materials="\n".join(materials), content=f"{form}{text}，结合收费运营工作交流学习体会。")
    for day, title, forms, also in KL_THEMED_DAYS:
        add("themed_day", day, title, also, activity_forms="\n".join(forms), content=f"开展{'、'.join(forms)}活动。")
    add(
        "branch_assembly",
        D(2022, 6, 24),
        "支部党员大会：通报上半年党建工作，研究发展党员工作",
        content="通报上半年党建工作情况，讨论发展党员工作。",
        decisions="同意将入党积极分子列为发展对象，报处党总支审查。",
        observers="入党积极分子胡斌",
    )
    for month, topics in enumerate(KL_COMMITTEE_TOPICS, start=1):  # 支委会: four a month
        for week, topic in enumerate(topics):
            add(
                "committee_meeting",
                D(2022, month, 7 + 7 * week),
                topic,
                start_time=T(9, 0),
                end_time=T(10, 0),
                content=f"{topic}。",
                decisions="会议形成一致意见，明确责任人和完成时限。",
            )
    for index, group in enumerate(roster.groups[kl.pk]):  # 党小组会: every month, every group
        for month in range(1, 7):
            day = D(2022, month, 9 + index)
            if not group.established_on or group.established_on <= day:
                add(
                    "group_meeting",
                    day,
                    f"{group.name}{month}月份党小组会",
                    party_group=group,
                    host=roster.group_host(group, day),
                    content="学习支部当月学习材料，交流思想和工作情况。",
                )
    add(
        "org_life",
        D(2022, 2, 25),
        "2021年度组织生活会和民主评议党员",
        ("democratic_appraisal",),
        year_of=2021,
        content="开展批评与自我批评，进行民主评议党员。",
        decisions="梳理问题查摆清单，制定整改措施。",
    )
    for day, title in KL_HEART_TALKS:
        add("heart_talk", day, title, host=host, place=HALL, content="交流思想，征求意见建议。")


def _kl_2022h1_lectures_and_education(add, kl: Organisation, roster: Roster, secretary: Member | None) -> None:
    """党课, 纪念活动, 主题教育 and 党员先锋岗."""
    # 党课: the secretary on work style, and the 组织委员 on the provincial congress.
    second = roster.with_post(kl, Member.Post.ORGANISATION) or roster.with_post(kl, Member.Post.DEPUTY_SECRETARY)
    first_speaker = f"支部书记{secretary.name}" if secretary else "支部书记"
    add(
        "party_lecture",
        D(2022, 3, 30),
        "习近平总书记关于作风建设重要论述的丰富内涵",
        speaker=secretary,
        speaker_name="",
        content=(
            f"{first_speaker}以《习近平总书记关于作风建设重要论述的丰富内涵》为题讲授专题党课。党课从作风建设关系"
            "党的生死存亡、以钉钉子精神纠治“四风”、持之以恒落实中央八项规定精神三个方面，阐述了习近平总书记关于"
            "作风建设重要论述的丰富内涵和实践要求，并结合收费运营一线实际，剖析了只说不做、推诿拖拉等作风问题。\n"
            "党课要求全体党员牢记党的宗旨，树立正确政绩观，真抓实干、转变作风，在通行费征收、保通保畅和司乘服务中"
            "当好表率，用心用情用力解决好群众急难愁盼问题。"
        ),
    )
    second_speaker = f"组织委员{second.name}" if second else "处党总支书记"
    add(
        "party_lecture",
        D(2022, 6, 22),
        "学习贯彻省第十四次党代会精神，奋力推动收费运营高质量发展",
        speaker=second,
        speaker_name="" if second else "处党总支书记",
        content=(
            f"{second_speaker}围绕“学习贯彻省第十四次党代会精神，奋力推动收费运营高质量发展”讲授专题党课。党课"
            "传达了省第十四次党代会的主要精神，解读了大会确定的目标任务，并结合省中心“提效能、优服务、冲百亿”"
            "目标，就提升通行费征收质效、做好节假日保通保畅、深化ETC推广和客服服务提出了具体要求。\n"
            "党课引导党员干部职工把思想和行动统一到省第十四次党代会精神上来，立足岗位、担当作为，让司乘群众有"
            "更多、更直接、更实在的获得感、幸福感、安全感。"
        ),
    )
    add(
        "commemoration",
        D(2022, 6, 28),
        "庆祝建党101周年主题党日+党史学习教育",
        place="*村",
        participants="全体党员、发展对象、入党积极分子",
        content="参观*村发展变化，重温入党誓词。",
    )
    for day, title in KL_THEMED_EDUCATION:
        add("themed_education", day, title, place=PLAZA, content=f"开展{title}活动。")
    staff = [m for m in roster.members[kl.pk] if m.status == Member.Status.FULL and not m.post]
    for index, (title, tasks) in enumerate(KL_PIONEER_POSTS):
        add(
            "pioneer_post",
            D(2022, 3, 1),
            title,
            speaker=staff[index % len(staff)] if staff else None,
            activity_forms="\n".join(tasks),
            content=f"在{title.removesuffix('党员先锋示范岗')}岗位亮身份、作表率。",
        )


def _kl_2022h1_discipline_and_the_rest(add, host: str) -> None:
    """Discipline and work style; 试用期满, ideology and the rectification list."""
    for day, title, material, basis in KL_WARNING_EDUCATION:
        add("warning_education", day, title, place=HALL, host=host, materials=material, basis=basis, content=title + "。")
    for day, occasion in [(D(2022, 1, 27), "春节前"), (D(2022, 5, 31), "端午节前")]:
        add(
            "integrity_talk",
            day,
            f"{occasion}集体廉政谈话",
            occasion=occasion,
            host=host,
            place=HALL,
            participants="全体党员干部",
            content="提醒党员干部严守廉洁纪律。",
        )
    add(
        "rules_study",
        D(2022, 3, 8),
        "党章党规党纪集中学习",
        materials="《党章》\n《准则》\n《纪律处分条例》\n《问责条例》",
        place=HALL,
        host=host,
    )
    add("petition_publicity", D(2022, 4, 20), "纪检监察信访举报宣传活动", place=PLAZA, content="发放信访举报宣传资料。")
    for day, title in KL_SUPERVISION:
        add("supervision", day, title, host=host, place="各收费站", content="深入一线检查督导工作。")
    add(
        "discipline_meeting",
        D(2022, 6, 29),
        "kl所纪检工作会议",
        content="总结今年以来纪检监察工作情况，分析存在的问题与不足，安排部署下半年工作任务。",
    )
    for day, headcount in [(D(2022, 3, 31), 2), (D(2022, 6, 30), 1)]:  # managers finishing probation: three
        add(
            "probation_completed",
            day,
            "站股级管理人员试用期满",
            headcount=headcount,
            participants="站股级管理人员",
            basis="省**处站股级管理人员选拔任用管理办法",
            content="试用期满考核合格，正式任职。",
        )
    for day, kind, title in KL_IDEOLOGY:
        add(kind, day, title, content=title + "。")
    for title, measures, fixed_on in KL_RECTIFICATION:
        add(
            "rectification",
            D(2022, 2, 25),
            title,
            content=measures,
            is_resolved=fixed_on is not None,
            resolved_on=fixed_on,
        )


# --- 历史研究所党支部: a branch of another kind, with few records ------------------------------------

LSY_PLACE = "历史所会议室"
# (date, title, form, materials)
LSY_STUDIES = [
    (D(2022, 2, 18), "学习党的十九届六中全会《决议》", "集体学习", ["党的十九届六中全会《决议》"]),
    (
        D(2022, 3, 25),
        "学习习近平总书记关于哲学社会科学工作的重要论述",
        "专题研讨",
        ["习近平总书记关于哲学社会科学工作的重要论述"],
    ),
    (D(2022, 4, 22), "学习《关于新时代加强和改进思想政治工作的意见》", "集体学习", ["《关于新时代加强和改进思想政治工作的意见》"]),
    (D(2022, 5, 20), "研讨以史为鉴、资政育人", "专题研讨", ["习近平总书记关于历史研究的重要论述"]),
    (D(2022, 6, 17), "学习省第十四次党代会精神", "集体学习", ["省第十四次党代会精神"]),
]
LSY_COMMITTEE = [
    (D(2022, 1, 10), "研究2022年支部工作计划"),
    (D(2022, 3, 14), "研究主题党日活动方案"),
    (D(2022, 6, 13), "研究预备党员转正事宜"),
]


def _lsy_2022(lsy: Organisation, roster: Roster) -> list[Spec]:
    secretary = roster.secretary(lsy)
    records = _Records(lsy, secretary.name if secretary else "", LSY_PLACE)
    add = records.add
    for day, title, form, materials in LSY_STUDIES:
        add("study", day, title, study_form=form, materials="\n".join(materials), content=f"{form}{'、'.join(materials)}。")
    for day, title in LSY_COMMITTEE:
        add("committee_meeting", day, title, content=f"{title}。", decisions="形成一致意见。")
    add(
        "org_life",
        D(2022, 1, 20),
        "党史学习教育专题组织生活会",
        content="对照党史学习教育目标任务，开展批评与自我批评。",
    )
    add(
        "ideology_meeting",
        D(2022, 3, 11),
        "意识形态工作专题会议",
        content="研究学术讲座、论坛和出版物的审核把关工作。",
    )
    add(
        "warning_education",
        D(2022, 4, 8),
        "观看警示教育片《国家监察》",
        materials="警示教育片《国家监察》",
        place=LSY_PLACE,
        content="组织党员观看警示教育片并交流体会。",
    )
    add(
        "themed_day",
        D(2022, 5, 27),
        "“追寻红色足迹”主题党日",
        activity_forms="参观“百年党史档案文献展”",
        participants="全体党员",
        joint_with="省档案馆利用部党支部",
        place="省档案馆",
        content="与省档案馆利用部党支部联合参观档案文献展，交流研读党史档案的体会。",
    )
    add(
        "branch_assembly",
        D(2022, 6, 24),
        "支部党员大会：讨论彭宇同志预备党员转正",
        content="讨论彭宇同志转为正式党员。",
        decisions="同意彭宇同志按期转为中共正式党员，报院党委审批。",
    )
    add(
        "party_lecture",
        D(2022, 7, 1),
        "坚定历史自信，把握历史主动",
        speaker_name="周立平",
        speaker_post="院党委副书记",
        participants="全体党员",
        content="院党委副书记周立平同志为全体党员讲党课。",
    )
    return records.specs


def _kl_after_2022h1(kl: Organisation, roster: Roster) -> list[Spec]:
    """The first record outside the half-year: it counts in 2022 and 2022H2, never in 2022H1."""
    secretary = roster.secretary(kl)
    return [
        Spec(
            kl,
            "committee_meeting",
            D(2022, 7, 1),
            "研究部署下半年党建工作",
            {
                "place": "kl所党员活动室",
                "host": secretary.name if secretary else "",
                "start_time": T(9, 0),
                "end_time": T(10, 0),
                "content": "研究部署下半年党建工作。",
                "decisions": "按计划推进下半年各项党建工作。",
            },
        )
    ]


def _kl_2022h1_publicity(kl: Organisation, outlets: list[Outlet]) -> list[PieceSpec]:
    stories = KL_2022H1_STORIES
    pieces = []
    for offset, (outlet, pieces_wanted) in enumerate(zip(outlets, KL_2022H1_PUBLICITY, strict=True)):
        if outlet.name == "民族日报等地方媒体":
            # Local papers reprint: every story, two papers for five in every eight of them.
            counts = [2 if index % 8 in (0, 1, 3, 4, 6) else 1 for index in range(len(stories))]
            pieces += [PieceSpec(kl, outlet, day, title, count) for (day, title), count in zip(stories, counts, strict=True)]
            continue
        chosen = sorted({(index * len(stories) // pieces_wanted + offset) % len(stories) for index in range(pieces_wanted)})
        pieces += [PieceSpec(kl, outlet, *stories[index]) for index in chosen]
    return pieces


# --- the current year, every branch --------------------------------------------------------------

STUDY_TOPICS = [
    ("习近平新时代中国特色社会主义思想", "集体学习"),
    ("党的二十届四中全会精神", "集体学习"),
    ("《中国共产党章程》", "个人自学"),
    ("习近平总书记关于党的建设的重要思想", "专题研讨"),
    ("《中国共产党纪律处分条例》", "集体学习"),
    ("习近平总书记关于交通运输工作的重要论述", "专题研讨"),
]
THEMED_DAY_FORMS = ["志愿服务", "观看红色影片", "重温入党誓词", "节假日保通保畅", "赴党史教育基地", "路域环境整治"]
LECTURE_TOPICS = [
    "牢记初心使命，争做合格党员",
    "弘扬伟大建党精神，立足岗位建功立业",
    "坚持严的基调，推进全面从严治党向基层延伸",
    "以高质量党建引领收费运营高质量发展",
]
CURRENT_STORIES = ["扎实做好保通保畅工作", "开展主题党日活动", "优化收费窗口服务", "开展安全生产检查", "开展志愿服务活动"]


def _current_year(branch: Organisation, roster: Roster, today: datetime.date) -> list[Spec]:
    secretary = roster.secretary(branch)
    records = _Records(branch, secretary.name if secretary else "", f"{branch.name.removesuffix('党支部')}会议室", today)
    add = records.add
    year = today.year
    for month in range(1, today.month + 1):
        material, form = STUDY_TOPICS[(month - 1) % len(STUDY_TOPICS)]
        activity_form = THEMED_DAY_FORMS[(month - 1) % len(THEMED_DAY_FORMS)]
        add("committee_meeting", D(year, month, 6), f"研究部署{month}月份重点工作", content=f"研究部署{month}月份党建和业务重点工作。")
        add("study", D(year, month, 12), f"学习{material}", study_form=form, materials=material, content=f"{form}{material}。")
        add("themed_day", D(year, month, 20), f"{month}月主题党日：{activity_form}", activity_forms=activity_form)
        for index, group in enumerate(roster.groups[branch.pk]):
            day = D(year, month, 9 + index)
            add("group_meeting", day, f"{group.name}{month}月份党小组会", party_group=group, host=roster.group_host(group, day))
        if month % 3 == 0:
            add("branch_assembly", D(year, month, 26), f"第{month // 3}季度支部党员大会", content="通报本季度党建工作情况。")
            add(
                "party_lecture",
                D(year, month, 27),
                LECTURE_TOPICS[(month // 3 - 1) % len(LECTURE_TOPICS)],
                speaker=secretary,
                speaker_name="" if secretary else "处党总支书记",
            )
        if month == 2:
            add("org_life", D(year, 2, 24), f"{year - 1}年度组织生活会和民主评议党员", ("democratic_appraisal",))
        if month in (2, 8):
            add("heart_talk", D(year, month, 15), f"{month}月份谈心谈话", content="交流思想，征求意见建议。")
    return records.specs


def _current_year_sparse(branch: Organisation, roster: Roster, today: datetime.date) -> list[Spec]:
    """A branch with few records: a study session and a 支委会 every other month."""
    secretary = roster.secretary(branch)
    records = _Records(branch, secretary.name if secretary else "", LSY_PLACE, today)
    year = today.year
    for month in range(1, today.month + 1, 2):
        material, form = STUDY_TOPICS[(month - 1) // 2 % len(STUDY_TOPICS)]
        records.add("committee_meeting", D(year, month, 8), f"研究部署{month}月份支部工作", content=f"研究部署{month}月份支部工作。")
        records.add("study", D(year, month, 15), f"学习{material}", study_form=form, materials=material, content=f"{form}{material}。")
    return records.specs


def _current_year_publicity(branch: Organisation, outlets: list[Outlet], today: datetime.date, *, offset: int) -> list[PieceSpec]:
    pieces = []
    short = branch.name.removesuffix("党支部")
    for month in range(1, today.month + 1):
        for index, day in enumerate((8, 22)):
            date = D(today.year, month, day)
            if date > today:
                continue
            outlet = outlets[(month + index + offset) % len(outlets)]
            story = CURRENT_STORIES[(month + index) % len(CURRENT_STORIES)]
            pieces.append(PieceSpec(branch, outlet, date, f"{short}{story}"))
    return pieces


# --- writing, only what differs -------------------------------------------------------------------


def _seed_outlets(general: Organisation) -> list[Outlet]:
    outlets = []
    for order, (name, level, unit) in enumerate(OUTLETS, start=1):
        outlet, _ = Outlet.objects.get_or_create(
            organisation=general, name=name, defaults={"level": level, "unit": unit, "sort_order": order}
        )
        if (outlet.level, outlet.unit, outlet.sort_order) != (level, unit, order):
            outlet.level, outlet.unit, outlet.sort_order = level, unit, order
            outlet.save(update_fields=["level", "unit", "sort_order"])
        outlets.append(outlet)
    return outlets


def _prune(specs: list[Spec], *, branches: list[Organisation], year: int) -> None:
    """The demo's historical year is exactly its tables: records left by an earlier version of the
    demo (a renamed title, say) go, so re-seeding an old database gives the same report."""
    wanted = {spec.key for spec in specs}
    stale = [
        a.pk
        for a in Activity.objects.filter(branch__in=branches, date__year=year).only("id", "branch_id", "kind", "date", "title")
        if (a.branch_id, a.kind, a.date, a.title) not in wanted
    ]
    if stale:
        Activity.objects.filter(pk__in=stale).delete()


def _sync_activities(specs: list[Spec]) -> dict[tuple, Activity]:
    branch_ids = {spec.branch.pk for spec in specs}
    days = [spec.date for spec in specs]
    existing = {
        (a.branch_id, a.kind, a.date, a.title): a
        for a in Activity.objects.filter(branch_id__in=branch_ids, date__range=(min(days), max(days)))
    }
    created, changed, changed_fields = [], [], set()
    for spec in specs:
        activity = existing.get(spec.key)
        if activity is None:
            activity = Activity(branch=spec.branch, kind=spec.kind, date=spec.date, title=spec.title, **spec.fields)
            created.append(activity)
            existing[spec.key] = activity
            continue
        fields = spec.fields
        differing = [name for name, value in fields.items() if getattr(activity, name) != value]
        for name in differing:
            setattr(activity, name, fields[name])
        if differing:
            changed.append(activity)
            changed_fields.update(differing)
    Activity.objects.bulk_create(created)
    if changed:
        Activity.objects.bulk_update(changed, sorted(changed_fields))
        for activity in changed:  # bulk_update skips Activity.save
            activity.copy_to_kinds()
    return {spec.key: existing[spec.key] for spec in specs}


def _sync_kinds(specs: list[Spec], activities: dict[tuple, Activity]) -> None:
    ids = [activity.pk for activity in activities.values()]
    have: dict[int, set[str]] = defaultdict(set)
    for activity_id, kind in ActivityKind.objects.filter(activity_id__in=ids).values_list("activity_id", "kind"):
        have[activity_id].add(kind)
    for spec in specs:
        activity = activities[spec.key]
        if have[activity.pk] != {spec.kind, *spec.also}:
            activity_set_kinds(activity=activity, also_counts_as=spec.also)


def _sync_attendance(specs: list[Spec], activities: dict[tuple, Activity], roster: Roster) -> None:
    """Everyone expected present, but for one absence (with its reason) at every fourth meeting of
    five or more people — never enough to miss a quorum."""
    wanted: dict[tuple[int, int], tuple[bool, str]] = {}
    for index, spec in enumerate(spec for spec in specs if KINDS[spec.kind].takes_attendance):
        activity = activities[spec.key]
        people = roster.attendees(spec)
        absent = None
        if len(people) >= 5 and index % 4 == 1:
            # The chair is never the one away: a record's 主持人 is among those present.
            host = spec.values.get("host") or ""
            candidates = [m for m in people if m.post != Member.Post.SECRETARY and m.name not in host]
            absent = candidates[(index // 4) % len(candidates)]
        for member in people:
            if member is absent:
                wanted[(activity.pk, member.pk)] = (False, ABSENCE_REASONS[(index // 4) % len(ABSENCE_REASONS)])
            else:
                wanted[(activity.pk, member.pk)] = (True, "")
    activity_ids = {activities[s.key].pk for s in specs if KINDS[s.kind].takes_attendance}
    existing = {(a.activity_id, a.member_id): a for a in Attendance.objects.filter(activity_id__in=activity_ids)}
    stale = [a.pk for key, a in existing.items() if key not in wanted]
    if stale:
        Attendance.objects.filter(pk__in=stale).delete()
    created, changed = [], []
    for (activity_id, member_id), (present, reason) in wanted.items():
        row = existing.get((activity_id, member_id))
        if row is None:
            created.append(Attendance(activity_id=activity_id, member_id=member_id, present=present, absence_reason=reason))
        elif (row.present, row.absence_reason) != (present, reason):
            row.present, row.absence_reason = present, reason
            changed.append(row)
    Attendance.objects.bulk_create(created)
    if changed:
        Attendance.objects.bulk_update(changed, ["present", "absence_reason"])


def _sync_publicity(pieces: list[PieceSpec]) -> None:
    branch_ids = {piece.branch.pk for piece in pieces}
    existing = {
        (p.branch_id, p.outlet_id, p.date, p.title): p for p in PublicityEntry.objects.filter(branch_id__in=branch_ids)
    }
    created, changed = [], []
    for piece in pieces:
        entry = existing.get(piece.key)
        if entry is None:
            created.append(
                PublicityEntry(branch=piece.branch, outlet=piece.outlet, date=piece.date, title=piece.title, count=piece.count)
            )
        elif entry.count != piece.count:
            entry.count = piece.count
            changed.append(entry)
    PublicityEntry.objects.bulk_create(created)
    if changed:
        PublicityEntry.objects.bulk_update(changed, ["count"])

