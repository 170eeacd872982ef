"""The registry of record kinds a branch logs.

Every record is one ``Activity`` row whose ``kind`` names an entry here. A kind says what it is
called, which group it belongs to, which of the optional fields its form shows, what evidence it
needs, and whether attendance decides a quorum. Adding a kind is adding one entry below (and, if
it has figures in the report, a line in ``activities.selectors``); no new model, app or migration.
"""

from dataclasses import dataclass, field


class Category:
    MEETING = "meeting"
    DISCIPLINE = "discipline"
    IDEOLOGY = "ideology"
    PEOPLE = "people"
    RECTIFICATION = "rectification"

    LABELS = {
        MEETING: "三会一课与组织生活",
        DISCIPLINE: "纪检监察与作风建设",
        IDEOLOGY: "意识形态与主题教育",
        PEOPLE: "人员与先锋岗",
        RECTIFICATION: "整改事项",
    }


class Evidence:
    ATTENDANCE = "attendance"
    MINUTES = "minutes"
    PHOTOS = "photos"
    DECISIONS = "decisions"
    CONTENT = "content"

    LABELS = {
        ATTENDANCE: "出席登记",
        MINUTES: "会议记录（纪要）",
        PHOTOS: "活动照片",
        DECISIONS: "决定事项",
        CONTENT: "内容摘要",
    }


class Quorum:
    VOTING_MEMBERS = "voting"  # 支部党员大会: more than half of the 正式党员
    COMMITTEE = "committee"  # 支委会: more than half of the branch committee


# Optional fields of Activity and the labels each kind gives them in its form.
COMMON_FIELDS = ("date", "title")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    category: str
    fields: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    quorum: str | None = None
    takes_attendance: bool = False
    # Labels that differ from the model's verbose names, e.g. "title" is 主题 for a meeting.
    labels: dict[str, str] = field(default_factory=dict)
    # Kinds this one may additionally count as when held together (主题党日 + 支部党员大会).
    combinable: bool = False
    short_label: str = ""

    @property
    def has_minutes(self) -> bool:
        """Meetings with a chair, content and decisions print as a meeting record (会议记录):
        三会一课, 组织生活会, 民主评议党员, 纪检工作会议, 意识形态专题会议."""
        return set(MEETING_FIELDS) <= set(self.fields)

    def label_for(self, field_name: str, default: str) -> str:
        return self.labels.get(field_name, default)


MEETING_FIELDS = ("start_time", "end_time", "place", "host", "content", "decisions")
MEETING_EVIDENCE = (Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.PHOTOS)

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        # 三会一课 and organisational life
        Kind(
            "study",
            "理论学习会",
            Category.MEETING,
            fields=MEETING_FIELDS + ("materials", "study_form", "joint_with"),
            evidence=MEETING_EVIDENCE,
            takes_attendance=True,
            combinable=True,
        ),
        Kind(
            "themed_day",
            "主题党日",
            Category.MEETING,
            fields=MEETING_FIELDS + ("activity_forms", "participants", "joint_with"),
            evidence=MEETING_EVIDENCE,
            takes_attendance=True,
            labels={"title": "主题"},
            combinable=True,
            short_label="主题党日活动",
        ),
        Kind(
            "branch_assembly",
            "支部党员大会",
            Category.MEETING,
            fields=MEETING_FIELDS,
            evidence=MEETING_EVIDENCE + (Evidence.DECISIONS,),
            quorum=Quorum.VOTING_MEMBERS,
            takes_attendance=True,
            combinable=True,
        ),
        Kind(
            "committee_meeting",
            "支委会",
            Category.MEETING,
            fields=MEETING_FIELDS,
            evidence=(Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.DECISIONS),
            quorum=Quorum.COMMITTEE,
            takes_attendance=True,
            combinable=True,
        ),
        Kind(
            "group_meeting",
            "党小组会",
            Category.MEETING,
            fields=("party_group",) + MEETING_FIELDS,
            evidence=(Evidence.ATTENDANCE, Evidence.MINUTES),
            takes_attendance=True,
        ),
        Kind(
            "party_lecture",
            "党课",
            Category.MEETING,
            fields=("speaker", "speaker_name", "speaker_post", "participants") + MEETING_FIELDS + ("joint_with",),
            evidence=MEETING_EVIDENCE,
            takes_attendance=True,
            labels={"title": "党课题目", "participants": "听课对象"},
            combinable=True,
        ),
        Kind(
            "org_life",
            "组织生活会",
            Category.MEETING,
            fields=("year_of",) + MEETING_FIELDS,
            evidence=MEETING_EVIDENCE,
            takes_attendance=True,
            combinable=True,
        ),
        Kind(
            "democratic_appraisal",
            "民主评议党员",
            Category.MEETING,
            fields=("year_of",) + MEETING_FIELDS,
            evidence=(Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.DECISIONS),
            takes_attendance=True,
            combinable=True,
        ),
        Kind(
            "heart_talk",
            "谈心谈话",
            Category.MEETING,
            fields=("place", "host", "content"),
            evidence=(Evidence.CONTENT,),
            labels={"host": "谈话人", "title": "谈话主题"},
        ),
        # Discipline and work style (纪检监察/作风建设)
        Kind(
            "warning_education",
            "警示教育",
            Category.DISCIPLINE,
            fields=("place", "host", "materials", "basis", "content"),
            evidence=(Evidence.CONTENT, Evidence.PHOTOS),
            labels={"materials": "学习或观看的警示教育材料（每行一项）", "basis": "按照的上级通知（每行一项）"},
        ),
        Kind(
            "integrity_talk",
            "集体廉政谈话",
            Category.DISCIPLINE,
            fields=("occasion", "place", "host", "participants", "content"),
            evidence=(Evidence.CONTENT,),
            labels={"host": "谈话人", "participants": "谈话对象"},
        ),
        Kind("petition_publicity", "信访举报宣传", Category.DISCIPLINE, fields=("place", "content"), evidence=(Evidence.PHOTOS,)),
        Kind(
            "discipline_meeting",
            "纪检工作会议",
            Category.DISCIPLINE,
            fields=MEETING_FIELDS,
            evidence=(Evidence.MINUTES,),
        ),
        Kind("supervision", "监督检查", Category.DISCIPLINE, fields=("place", "host", "content"), evidence=(Evidence.CONTENT,)),
        Kind(
            "rules_study",
            "党规党纪学习",
            Category.DISCIPLINE,
            fields=("place", "host", "materials", "content"),
            evidence=(Evidence.CONTENT,),
        ),
        # Ideology-front work and themed education (意识形态)
        Kind(
            "material_review",
            "学习宣传材料审核",
            Category.IDEOLOGY,
            fields=("content",),
            evidence=(Evidence.CONTENT,),
            labels={"title": "审核对象"},
        ),
        Kind(
            "online_conduct",
            "网络言行教育引导",
            Category.IDEOLOGY,
            fields=("place", "content"),
            evidence=(Evidence.CONTENT,),
        ),
        Kind(
            "ideology_meeting",
            "意识形态专题会议",
            Category.IDEOLOGY,
            fields=MEETING_FIELDS,
            evidence=(Evidence.MINUTES,),
        ),
        Kind(
            "themed_education",
            "主题教育活动",
            Category.IDEOLOGY,
            fields=("place", "content"),
            evidence=(Evidence.PHOTOS,),
            labels={"title": "活动名称"},
        ),
        Kind(
            "commemoration",
            "纪念活动",
            Category.IDEOLOGY,
            fields=("place", "participants", "content"),
            evidence=(Evidence.PHOTOS,),
            labels={"title": "活动名称"},
        ),
        # People: pioneer posts and personnel events
        Kind(
            "pioneer_post",
            "党员先锋示范岗",
            Category.PEOPLE,
            fields=("speaker", "activity_forms", "content"),
            labels={
                "title": "示范岗名称",
                "speaker": "岗位党员",
                "activity_forms": "承担的急难险重任务（每行一项）",
            },
        ),
        Kind(
            "probation_completed",
            "管理人员试用期满",
            Category.PEOPLE,
            fields=("headcount", "participants", "basis", "content"),
            labels={
                "title": "事项",
                "content": "人员及说明",
                "participants": "人员类别",
                "basis": "选拔任用依据（制度名称）",
            },
        ),
        # Rectification (存在的问题 and whether fixed)
        Kind(
            "rectification",
            "整改事项",
            Category.RECTIFICATION,
            fields=("content", "is_resolved", "resolved_on"),
            labels={"title": "存在的问题", "content": "整改措施"},
        ),
    ]
}

KIND_CHOICES = [(kind.code, kind.label) for kind in KINDS.values()]
COMBINABLE_CHOICES = [(kind.code, kind.label) for kind in KINDS.values() if kind.combinable]


def kinds_in(category: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.category == category]
