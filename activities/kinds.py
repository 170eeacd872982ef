"""The registry of record kinds a branch logs: everything a kind means, in one entry.

Every record is one ``Activity`` row whose ``kind`` names an entry here. An entry says

- what the kind is called and which group it belongs to (``label``, ``category``);
- its form: which of ``Activity``'s optional fields it shows, the labels and help it gives them
  and which it requires (``fields``, ``labels``, ``help``, ``required``), what evidence it needs,
  whether attendance decides a quorum;
- its compliance rule where the central texts set one (``rule``: the default frequency and the
  text it comes from, created for every deployment after ``migrate``), or that the calendar shows
  it without a rule (``recorded_without_rule``);
- the words and paraphrases that name it in a sentence (``words``, ``paraphrases``), which the
  claim check reads to find an activity never recorded or a typed count that disagrees;
- the figure it contributes (``unit`` or ``sums``, ``figure``: 〔理论学习会次数〕, 〔试用期满人数〕…),
  how the report phrases one record and a series of them (``one``, ``series``, read by the
  〔<名称>详情〕 placeholder), where it appears among the report's and roll-up's figures, and
  whether a new report proposes an item for it (``report_section``, ``report_lead``).

Adding a kind is adding one entry to the list below: the record form, the detail page, the
ledgers, the claim check, the 〔…次数〕 and 〔…详情〕 placeholders, the default report item, the
calendar (when it has a ``rule``) and the choices of the three ``kind`` fields (a callable, so no
migration) all follow from it. (A kind registered later, with ``register(Kind(...))``, gets its
placeholders from ``reports.placeholders.register_kind_placeholders()``.) A kind needs more only
where the report should say something the generic phrasing cannot — a dedicated placeholder in ``reports.placeholders`` — or where it needs a
field ``Activity`` does not have yet (a migration for the field, not for the kind, and the field's
name in ``services.EDITABLE_FIELDS``).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


class Category:
    MEETING = "meeting"
    DISCIPLINE = "discipline"
    IDEOLOGY = "ideology"
    PEOPLE = "people"
    SERVICE = "service"
    AFFAIRS = "affairs"
    RECTIFICATION = "rectification"

    LABELS = {
        MEETING: "三会一课与组织生活",
        DISCIPLINE: "纪检监察与作风建设",
        IDEOLOGY: "意识形态与主题教育",
        PEOPLE: "人员与先锋岗",
        SERVICE: "服务群众与专项工作",
        AFFAIRS: "党费、报送与报批",
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
class Rule:
    """A kind's default compliance rule (an organisation above a branch may override it)."""

    frequency: str  # ComplianceRule.Frequency: monthly, quarterly, half_yearly, yearly
    source: str
    per_party_group: bool = False


# How the report phrases a record of a kind. Slots, each empty when the record has nothing for it:
# {date} 「3月12日」, {title} the title (in quotation marks when it is a phrase), {where} 「在……」,
# {joint} 「与……联合」, {who} the speaker or host with post, {whom} 「组织……」 (participants),
# {talked_with} 「与……」 and {reason} 「（……）」 (谈心谈话 itself is phrased by ``_talk_phrase``), {work} the title as a piece of work (「……工作」, 「“安全生产月”活动」), {branch_role} and {members_part} (专项工作),
# {label} the kind's label. A series adds {count} and {unit}. A title is fitted to its template
# (``reports.placeholders.phrase_one``): one that starts with the template's verb, ends with the
# words after it or names the kind itself is not said twice; what the record holds and the template
# has no slot for (speaker, other participants, members' part, 成效) follows the phrase.
DEFAULT_ONE = "{date}，{joint}{whom}{where}开展{title}"
DEFAULT_SERIES = "共开展{label}{count}{unit}"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    category: str
    fields: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    quorum: str | None = None
    takes_attendance: bool = False
    # Fields the form requires beyond date and title ("speaker": a member or an outside speaker).
    required: tuple[str, ...] = ()
    # Labels that differ from the model's verbose names, e.g. "title" is 主题 for a meeting, and
    # help texts that differ from the model's.
    labels: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    # Kinds this one may additionally count as when held together (主题党日 + 支部党员大会).
    combinable: bool = False
    short_label: str = ""
    # Words naming the kind in a sentence, besides its label (支委会: 支部委员会会议、支委会议), and
    # regular expressions for paraphrases (「上了一堂……课」); the claim check reads both.
    words: tuple[str, ...] = ()
    paraphrases: tuple[str, ...] = ()
    # The figure: the number of records in ``unit`` (次, 个, 项), or the sum of a field of them
    # (``sums``: "headcount" for 人, "series_count" for a counted series); ``figure`` names its
    # placeholder (default 〔<label>次数〕).
    unit: str = "次"
    sums: str = ""
    figure: str = ""
    # How the report phrases one record (a template, see DEFAULT_ONE, or a function of the
    # record's details when the wording depends on them) and a series.
    one: "str | Callable[[object], str]" = DEFAULT_ONE
    # A template, or a function of the records and their count where what the series is called
    # depends on them (党费: 「收缴党费2次」, with 「、捐款1次」 only where a record is a 捐款).
    series: "str | Callable[[Sequence, int], str]" = DEFAULT_SERIES
    rule: Rule | None = None
    # Shown on the compliance calendar with what was held even where no rule is in force.
    recorded_without_rule: bool = False
    # Where its count stands in the report's meetings sentence 「共召开理论学习会6次、……」 and in the
    # reviewer's roll-up columns (0: not there; otherwise the position).
    meetings_sentence: int = 0
    rollup: int = 0
    # Ideology-front work (意识形态工作) as the report's section 四 tells it.
    ideology_front: bool = False
    # A default report item for the kind: the section (1–4) it goes in and the sentence that
    # leads its records (〔<名称>详情〕 follows), or a function of the period's facts giving it
    # where what the lead may claim depends on the records; proposed only when the period has such
    # records.
    report_section: int = 0
    report_lead: "str | Callable[[object], str]" = ""
    # …unless the period has records of this other kind, whose item already tells these records
    # (the 组织生活会 item tells the 谈心谈话 held before it).
    report_unless: str = ""

    @property
    def has_minutes(self) -> bool:
        """Meetings with a chair, content and decisions print as a meeting record (会议记录):
        三会一课, 组织生活会, 民主评议党员, 纪检工作会议, 意识形态专题会议."""
        return set(MEETING_FIELDS) <= set(self.fields)

    @property
    def figure_name(self) -> str:
        return self.figure or f"{self.label}次数"

    @property
    def counts_heads(self) -> bool:
        """The figure is the sum of the records' 人数, not the number of records."""
        return self.sums == "headcount"

    @property
    def all_words(self) -> tuple[str, ...]:
        """The label, the short label and the other words, each once."""
        return tuple(dict.fromkeys(w for w in (self.label, self.short_label, *self.words) if w))

    def label_for(self, field_name: str, default: str) -> str:
        return self.labels.get(field_name, default)


MEETING_FIELDS = ("start_time", "end_time", "place", "host", "recorder", "observers", "content", "decisions")
VOTE_FIELDS = ("vote_matter", "vote_expected", "vote_present", "vote_for", "vote_against", "vote_abstain")
MEETING_EVIDENCE = (Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.PHOTOS)
# Who spoke (a member from the roster, or someone from outside with their post).
SPEAKER_FIELDS = ("speaker", "speaker_name", "speaker_post")
# Who took part: the audience in words, members picked from the roster, others by category or
# name, and how many.
AUDIENCE_FIELDS = ("participants", "participant_members", "other_participants", "headcount")
# A decision that awaits a superior: 转正、处分、换届批复.
APPROVAL_FIELDS = ("approval_matter", "approval_status", "approval_body", "reported_on", "approved_on")

# The sources of the default rules (DESIGN.md: 《中国共产党支部工作条例（试行）》 arts. 11–13,
# 《中国共产党党员教育管理工作条例》 arts. 16–18).
BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
# A clause runs to the next punctuation mark: paraphrases never reach into the next sentence.
_CLAUSE = r"[^，。；：！？、]"

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (at import, or at start-up from an app's ``ready``)."""
    if kind.code in KINDS:
        raise ValueError(f"kind {kind.code!r} is already registered")
    if len(kind.code) > 30:
        raise ValueError(f"kind code {kind.code!r} is longer than the kind fields' 30 characters")
    KINDS[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """Remove a kind registered at run time (tests)."""
    KINDS.pop(code, None)



def _dues_phrase(slots: dict) -> str:
    """党费: 「6月，支部12名党员（应缴12名）按期缴纳党费」; 特殊党费/捐款 with the amount."""
    what = slots["payment_type"] or "党费"
    people = slots["paid_count"]
    amount = f"{_yuan(slots['amount'])}元" if slots["amount"] else ""
    if what == "党费":
        if not people:
            # Who paid on time is what the record's count says; without it, only the collection.
            return f"{slots['date']}，收缴党费" + (f"共{amount}" if amount else "")
        of = f"（应缴{slots['member_total']}名）" if slots["member_total"] else ""
        return f"{slots['date']}，{people}名党员{of}按期缴纳党费" + (f"共{amount}" if amount else "")
    who = f"{people}名党员" if people else "党员"
    # 捐款用途/对象 as typed; without it, the purpose the title names (「防汛救灾捐款」 → 为防汛救灾),
    # never the phrasing's stand-in audience (「为党员捐款」).
    purpose = slots["participants"] if slots["participants"] != "党员" else _purpose(slots["raw_title"], what)
    use = f"为{purpose}" if purpose else ""
    return f"{slots['date']}，{who}{use}{'缴纳' if what == '特殊党费' else ''}{what}" + (f"共{amount}" if amount else "")


def _dues_lead(facts) -> str:
    """The lead of the period's 党费与捐款: 「严格党费收缴管理」 only where every collection of 党费
    says every member paid on time; a collection without that is told as done, not judged; a
    period of 特殊党费 or 捐款 alone says what the members gave, not that 党费 were collected."""
    records = facts.of_kind("dues")
    dues = [record for record in records if (record.payment_type or "党费") == "党费"]
    if dues:
        strict = all(record.member_total and record.paid_count == record.member_total for record in dues)
        return "严格党费收缴管理。" if strict else "开展党费收缴工作。"
    given = [what for what in ("特殊党费", "捐款") if any(record.payment_type == what for record in records)]
    return f"组织党员{'缴纳' if given[:1] == ['特殊党费'] else ''}{'、'.join(given)}。" if given else ""


# What the series says of each payment type, in this order.
_PAYMENTS = (("党费", "收缴党费"), ("特殊党费", "缴纳特殊党费"), ("捐款", "捐款"), ("慰问金", "发放慰问金"))


def _dues_series(records: Sequence, count: int) -> str:
    """「收缴党费2次」, 「收缴党费2次、捐款1次」: only the payment types the records hold."""
    counts = {what: sum(1 for r in records if (r.payment_type or "党费") == what) for what, _ in _PAYMENTS}
    parts = [f"{said}{counts[what]}次" for what, said in _PAYMENTS if counts[what]]
    return "、".join(parts) if parts else f"党费与捐款{count}次"


def _volunteer_lead(facts) -> str:
    """The 志愿服务 item's lead: 「践行“我为群众办实事”」 only where a record of the period names
    the campaign (its title, content or basis); else what the records show, the service itself."""
    said = any(
        "办实事" in text
        for detail in facts.details
        for text in (detail.title, detail.content, detail.outcome, *detail.basis)
    )
    if said:
        return "密切联系服务群众，践行“我为群众办实事”。"
    # Several records are counted by the series that follows (「开展志愿服务活动2次」).
    return "密切联系服务群众。" if facts.count("volunteer").count > 1 else "密切联系服务群众，开展志愿服务。"


def _purpose(title: str, what: str) -> str:
    """What a 捐款 or 特殊党费 was for, as its title names it: 「为泸定地震灾区缴纳特殊党费」 →
    「泸定地震灾区」, 「防汛救灾捐款」 → 「防汛救灾」; "" where the title names no purpose."""
    title = title.strip().removeprefix("为")
    for ending in (f"缴纳{what}", what, "捐赠", "缴纳"):
        title = title.removesuffix(ending)
    return "" if not title or re.fullmatch(r"[\d年上下半全度季月第一二三四]*", title) else title


def _yuan(amount) -> str:
    """An amount of money as written: 3600 for 3600.00, 3600.50 as typed."""
    return f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"


# 慰问对象 categories (「退休老党员」) as opposed to a reason typed in the same field (「本人患病住院」).
_VISITED_CATEGORY_ENDINGS = ("党员", "群众", "职工", "家属", "老人", "儿童", "干部", "教师", "学生", "人员", "户", "军人")


def _visit_phrase(slots: dict) -> str:
    """走访慰问: 「1月25日，春节前走访慰问退休老党员杨德福、林淑珍，送去慰问金1000元」.

    The title is the occasion (「春节前慰问」): its own 慰问 is not said twice. The 对象类别 field
    names the visited's category, which goes before their names, or a reason (「本人患病住院」),
    which is said after them — never joined to the names as if it were one of them."""
    title = slots["raw_title"]
    for suffix in ("走访慰问", "慰问"):
        if title.endswith(suffix):
            title = title[: -len(suffix)]
            break
    names, reason = slots["interviewee"].strip(), slots["talk_reason"].strip()
    category = reason if reason.endswith(_VISITED_CATEGORY_ENDINGS) else ""
    if "、" in category and names:  # 「老党员和困难群众老周、李大娘」: the categories apart from the names
        first, _, last = category.rpartition("、")
        category = f"{first}和{last}"
    visited = f"{category}{names}" or "群众"
    if reason and not category:
        visited += f"（{reason}）"
    if "慰问" in title and category and names and title.endswith(category):
        # 「“七一”慰问老党员」 names whom already: 「6月30日，“七一”慰问老党员王德福」.
        head = f"{slots['date']}，{title}{names}"
    elif "慰问" in title:  # 「春节走访慰问困难党员」: the title says it; the names follow
        head = f"{slots['date']}，开展{slots['title']}，走访慰问{visited}"
    else:
        head = f"{slots['date']}，{title}走访慰问{visited}"
    amount = slots["amount"]
    if amount:
        what = slots["payment_type"] if slots["payment_type"] not in ("", "慰问金") else "慰问金"
        head += f"，送去{what}{amount:g}元" if isinstance(amount, (int, float)) else f"，送去{what}{amount.normalize():f}元"
    return head


# 谈心谈话's 「对象类别/原因」: a category of people (预备党员, 发展对象…), said before the name, maybe
# followed by the kind of talk (「发展对象入党前谈话」, 「预备党员考察」); anything else is a reason.
_TALK_CATEGORY = re.compile(
    r"^(.{0,6}?(?:预备党员|正式党员|党员|发展对象|入党积极分子|积极分子|入党申请人|群众|职工|员工|干部|团员|学生|"
    r"研究生|教师|支委|委员))(.*)$"
)
_TALK_PURPOSE = re.compile(r"^(?:入党前|转正前|预备期|任前|日常)?(?:教育|考察|培养|提醒|诫勉|关心|谈心|帮扶)*(?:谈话)?$")
# 「马俊杰」「张三、李四」 are names (said with 同志); 「新入职党员」「全体支委」 are not.
_PERSON = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_NOT_A_PERSON = ("党员", "群众", "职工", "对象", "分子", "干部", "学生", "教师", "员工", "人员", "支委", "委员", "同志", "家属")


def _talked_with(names: str, category: str) -> str:
    """「预备党员马俊杰同志」, 「高峰同志」, 「新入职党员」."""
    people = [part for part in re.split(r"[、，,和及]", names) if part]
    if people and all(_PERSON.match(p) and not p.endswith(_NOT_A_PERSON) for p in people):
        names += "同志"
    return f"{category}{names}"


def _talk_phrase(slots: dict) -> str:
    """谈心谈话 as one clause: 「3月10日，支部书记王晓琳同志与预备党员马俊杰同志开展预备期考察谈话」,
    「3月20日，支部副书记李强同志就家庭变故与高峰同志开展关心谈话」.

    The title is the talk's name where it names a kind of talk (…谈话), else its theme (「围绕……」);
    the 对象类别/原因 field is a category before the name or a reason said with 「就」 — and what
    the title already says (「家庭变故关心谈话」 after 「就家庭变故」) is not said again."""
    title, reason, names = slots["raw_title"].strip(), slots["talk_reason"].strip(), slots["interviewee"].strip()
    category, kind_of_talk = "", ""
    match = _TALK_CATEGORY.match(reason)
    if match and _TALK_PURPOSE.match(match.group(2)):
        category, rest = match.groups()
        reason = ""
        if rest:
            kind_of_talk = rest if rest.endswith("谈话") else f"{rest}谈话"
    names_a_talk = re.sub(r"（[^（）]*）$", "", title).endswith("谈话")
    titled = _TALK_CATEGORY.match(title)
    if not category and names and titled and titled.group(2).endswith("谈话") and _TALK_PURPOSE.match(titled.group(2)):
        category = titled.group(1)  # 「预备党员教育考察谈话」: whom the talk was with, before the name
    theme = ""
    if names_a_talk and title != "谈心谈话":
        talk = title
        if reason and title.startswith(reason) and title[len(reason):].endswith("谈话"):
            talk = title[len(reason):]  # 「家庭变故关心谈话」 after 「就家庭变故」
        elif category and title.startswith(category) and title[len(category):].endswith("谈话"):
            talk = title[len(category):]  # 「预备党员教育考察谈话」 after 「与预备党员……」
    else:
        talk = kind_of_talk or "谈心谈话"
        if title and not names_a_talk:
            theme = f"围绕{slots['title']}"
    about = f"就{reason}" if reason else ""
    whom = _talked_with(names, category) if (names or category) else ""
    return f"{slots['date']}，{slots['who']}{about}{'与' + whom if whom else ''}{theme}开展{talk}"


def _approval_phrase(slots: dict) -> str:
    """A matter stated as its status has it: pending → 「已报院党委审批」, approved → 「经……批准」."""
    body = slots["approval_body"] or "上级党组织"
    if slots["approval_status"] == "approved":
        when = f"{slots['approved_on_text']}" if slots["approved_on_text"] else ""
        return f"{slots['date']}，支部研究{slots['title']}，{when}经{body}批准"
    return f"{slots['date']}，支部研究{slots['title']}，已报{body}审批"

for _kind in [
    # 三会一课 and organisational life
    Kind(
        "study",
        "理论学习会",
        Category.MEETING,
        fields=MEETING_FIELDS + ("materials", "study_form") + SPEAKER_FIELDS + AUDIENCE_FIELDS
        + ("joint_with", "basis", "outcome"),
        labels={"speaker": "领学人/主讲人", "speaker_name": "领学人/主讲人（非本支部）"},
        evidence=MEETING_EVIDENCE,
        takes_attendance=True,
        combinable=True,
        words=("理论学习会议", "集中学习会", "学习会"),
        one="{date}，{joint}{where}召开理论学习会，学习{title}",
        series="召开理论学习会{count}次",
        meetings_sentence=1,
        rollup=1,
    ),
    Kind(
        "themed_day",
        "主题党日",
        Category.MEETING,
        fields=MEETING_FIELDS + ("activity_forms",) + SPEAKER_FIELDS + AUDIENCE_FIELDS + ("joint_with", "basis", "outcome"),
        evidence=MEETING_EVIDENCE,
        takes_attendance=True,
        labels={"title": "主题"},
        combinable=True,
        short_label="主题党日活动",
        words=("党日活动",),
        one="{date}，{joint}{whom}{where}开展{title}主题党日活动",
        series="开展主题党日活动{count}次",
        rule=Rule("monthly", f"{EDUCATION_RULES}第十六条：党支部每月相对固定1天开展主题党日"),
        meetings_sentence=2,
        rollup=2,
    ),
    Kind(
        "branch_assembly",
        "支部党员大会",
        Category.MEETING,
        fields=MEETING_FIELDS + VOTE_FIELDS + APPROVAL_FIELDS + ("participant_members", "outcome"),
        labels={"participant_members": "涉及的党员（如讨论转正的预备党员）"},
        evidence=MEETING_EVIDENCE + (Evidence.DECISIONS,),
        quorum=Quorum.VOTING_MEMBERS,
        takes_attendance=True,
        combinable=True,
        words=("党员大会",),
        one="{date}，{where}召开支部党员大会，{title}",
        series="召开支部党员大会{count}次",
        rule=Rule("quarterly", f"{BRANCH_RULES}第十二条：支部党员大会一般每季度召开1次"),
        meetings_sentence=3,
        rollup=3,
    ),
    Kind(
        "committee_meeting",
        "支委会",
        Category.MEETING,
        fields=MEETING_FIELDS + VOTE_FIELDS + ("outcome",),
        evidence=(Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.DECISIONS),
        quorum=Quorum.COMMITTEE,
        takes_attendance=True,
        combinable=True,
        words=("支部委员会会议", "支委会议", "支委扩大会"),
        # 「支部委员会每月集体研究」「支部委员会定期召开」
        paraphrases=(rf"支部委员会{_CLAUSE}{{0,6}}(?:研究|召开|讨论|议定)",),
        one="{date}，召开支委会，{title}",
        series="召开支委会{count}次",
        rule=Rule("monthly", f"{BRANCH_RULES}第十一条：支部委员会会议一般每月召开1次"),
        meetings_sentence=4,
        rollup=4,
    ),
    Kind(
        "group_meeting",
        "党小组会",
        Category.MEETING,
        fields=("party_group",) + MEETING_FIELDS + ("outcome",),
        required=("party_group",),
        evidence=(Evidence.ATTENDANCE, Evidence.MINUTES),
        takes_attendance=True,
        words=("党小组会议",),
        one="{date}，{where}召开党小组会，{title}",
        series="召开党小组会议{count}次",
        rule=Rule("monthly", f"{BRANCH_RULES}第十三条：党小组会一般每月召开1次", per_party_group=True),
    ),
    Kind(
        "party_lecture",
        "党课",
        Category.MEETING,
        fields=SPEAKER_FIELDS + AUDIENCE_FIELDS + MEETING_FIELDS + ("joint_with", "basis", "outcome"),
        required=("speaker",),
        evidence=MEETING_EVIDENCE,
        takes_attendance=True,
        labels={"title": "党课题目", "participants": "听课对象"},
        combinable=True,
        words=("讲党课", "专题党课", "上党课", "微党课"),
        # 「书记给大家上了一堂生动的党史课」「讲授了一堂……课」
        paraphrases=(rf"(?:上|讲|讲授)了?一(?:堂|次|节){_CLAUSE}{{0,12}}课",),
        one="{date}，{joint}{who}{whom}讲授{title}专题党课",
        series="开展讲党课活动{count}次",
        recorded_without_rule=True,
        rollup=6,
    ),
    Kind(
        "org_life",
        "组织生活会",
        Category.MEETING,
        fields=("year_of",) + MEETING_FIELDS + ("outcome",),
        evidence=MEETING_EVIDENCE,
        takes_attendance=True,
        combinable=True,
        one="{date}，{where}召开{title}",
        series="召开组织生活会{count}次",
        rule=Rule("yearly", f"{EDUCATION_RULES}第十七条：组织生活会一般每年召开1次"),
        meetings_sentence=5,
        rollup=5,
    ),
    Kind(
        "democratic_appraisal",
        "民主评议党员",
        Category.MEETING,
        fields=("year_of",) + MEETING_FIELDS + ("outcome",),
        evidence=(Evidence.ATTENDANCE, Evidence.MINUTES, Evidence.DECISIONS),
        takes_attendance=True,
        combinable=True,
        words=("民主评议",),
        one="{date}，开展{title}",
        series="开展民主评议党员{count}次",
        rule=Rule("yearly", f"{EDUCATION_RULES}第十八条：民主评议党员一般每年开展1次"),
    ),
    Kind(
        "heart_talk",
        "谈心谈话",
        Category.MEETING,
        fields=("host", "interviewee", "talk_reason", "place", "content", "outcome"),
        evidence=(Evidence.CONTENT,),
        labels={"host": "谈话人", "title": "谈话主题"},
        words=("交心谈心", "谈话谈心", "谈心"),
        one=lambda slots: _talk_phrase(slots),
        series="开展谈心谈话{count}次",
        report_section=2,
        report_lead="坚持开展谈心谈话。",
        report_unless="org_life",
    ),
    # Discipline and work style (纪检监察/作风建设)
    Kind(
        "warning_education",
        "警示教育",
        Category.DISCIPLINE,
        fields=("place", "host", "materials", "basis") + AUDIENCE_FIELDS + ("joint_with", "content", "outcome"),
        evidence=(Evidence.CONTENT, Evidence.PHOTOS),
        labels={"materials": "学习或观看的警示教育材料（每行一项）", "basis": "按照的上级通知（每行一项）"},
        one="{date}，{whom}{where}开展警示教育，学习{title}",
        series="开展警示教育{count}次",
    ),
    Kind(
        "integrity_talk",
        "集体廉政谈话",
        Category.DISCIPLINE,
        fields=("occasion", "place", "host", "participants", "headcount", "content", "outcome"),
        evidence=(Evidence.CONTENT,),
        labels={"host": "谈话人", "participants": "谈话对象"},
        words=("廉政谈话", "廉政提醒谈话"),
        one="{date}，{who}对{participants}进行集体廉政谈话",
        series="开展集体廉政谈话{count}次",
    ),
    Kind(
        "petition_publicity",
        "信访举报宣传",
        Category.DISCIPLINE,
        fields=("place", "participants", "headcount", "joint_with", "content", "outcome"),
        evidence=(Evidence.PHOTOS,),
        one="{date}，{where}开展{title}",
        series="开展信访举报宣传{count}次",
    ),
    Kind(
        "discipline_meeting",
        "纪检工作会议",
        Category.DISCIPLINE,
        fields=MEETING_FIELDS + ("outcome",),
        evidence=(Evidence.MINUTES,),
        words=("纪检监察工作会议",),
        one="{date}，召开{title}",
        series="召开纪检工作会议{count}次",
    ),
    Kind(
        "supervision",
        "监督检查",
        Category.DISCIPLINE,
        fields=("place", "host", "basis", "content", "outcome"),
        evidence=(Evidence.CONTENT,),
        one="{date}，{where}开展监督检查，{title}",
        series="开展监督检查{count}次",
    ),
    Kind(
        "rules_study",
        "党规党纪学习",
        Category.DISCIPLINE,
        fields=("place", "host", "materials", "participants", "headcount", "basis", "content", "outcome"),
        evidence=(Evidence.CONTENT,),
        words=("党纪学习教育",),
        one="{date}，组织学习{title}",
        series="开展党规党纪学习{count}次",
    ),
    # Ideology-front work and themed education (意识形态)
    Kind(
        "material_review",
        "学习宣传材料审核",
        Category.IDEOLOGY,
        fields=("content",),
        evidence=(Evidence.CONTENT,),
        labels={"title": "审核对象"},
        words=("宣传材料审核",),
        # 「做好对日常党建学习材料……的审核工作」
        paraphrases=(rf"对{_CLAUSE}{{0,30}}(?:、{_CLAUSE}{{0,20}})*的审核",),
        one="{date}，对{title}进行审核",
        series="审核学习宣传材料{count}次",
        ideology_front=True,
    ),
    Kind(
        "online_conduct",
        "网络言行教育引导",
        Category.IDEOLOGY,
        fields=("place", "participants", "headcount", "content", "outcome"),
        evidence=(Evidence.CONTENT,),
        words=("网络言行",),
        one="{date}，开展{title}",
        series="开展网络言行教育引导{count}次",
        ideology_front=True,
    ),
    Kind(
        "ideology_meeting",
        "意识形态专题会议",
        Category.IDEOLOGY,
        fields=MEETING_FIELDS + ("outcome",),
        evidence=(Evidence.MINUTES,),
        words=("意识形态工作专题会议", "意识形态工作会议"),
        one="{date}，召开{title}",
        series="召开意识形态专题会议{count}次",
        ideology_front=True,
    ),
    Kind(
        "themed_education",
        "主题教育活动",
        Category.IDEOLOGY,
        fields=("place",) + SPEAKER_FIELDS + AUDIENCE_FIELDS + ("joint_with", "basis", "content", "outcome"),
        evidence=(Evidence.PHOTOS,),
        labels={"title": "活动名称"},
        words=("主题教育",),
        one="{date}，{where}开展{title}",
        series="开展主题教育活动{count}次",
    ),
    Kind(
        "commemoration",
        "纪念活动",
        Category.IDEOLOGY,
        fields=("place",) + SPEAKER_FIELDS + AUDIENCE_FIELDS + ("joint_with", "basis", "content", "outcome"),
        evidence=(Evidence.PHOTOS,),
        labels={"title": "活动名称"},
        words=("主题纪念活动",),
        one="{date}，{whom}{where}开展{title}",
        series="开展纪念活动{count}次",
    ),
    # People: pioneer posts and personnel events
    Kind(
        "pioneer_post",
        "党员先锋示范岗",
        Category.PEOPLE,
        fields=("speaker", "activity_forms", "content", "outcome"),
        labels={
            "title": "示范岗名称",
            "speaker": "岗位党员",
            "activity_forms": "承担的急难险重任务（每行一项）",
        },
        words=("先锋示范岗",),
        unit="个",
        figure="党员先锋示范岗个数",
        one="{date}，创建{title}",
        series="创建党员先锋示范岗{count}个",
    ),
    Kind(
        "probation_completed",
        "管理人员试用期满",
        Category.PEOPLE,
        fields=("headcount", "participants", "basis", "content"),
        required=("headcount",),
        labels={
            "title": "事项",
            "content": "人员及说明",
            "participants": "人员类别",
            "basis": "选拔任用依据（制度名称）",
        },
        words=("试用期满", "试用期"),
        unit="人",
        sums="headcount",
        figure="试用期满人数",
        one="{date}，{title}",
        series="管理人员试用期满{count}人",
    ),
    # Serving the people and the unit's central or special work
    Kind(
        "volunteer",
        "志愿服务",
        Category.SERVICE,
        fields=("place",) + AUDIENCE_FIELDS + ("joint_with", "basis", "content", "outcome"),
        evidence=(Evidence.PHOTOS, Evidence.CONTENT),
        labels={
            "title": "服务项目",
            "participants": "服务对象",
            "participant_members": "参加的党员",
            "other_participants": "其他参加人员（志愿者）",
            "headcount": "参加人数",
            "content": "服务内容",
        },
        short_label="志愿服务活动",
        words=("我为群众办实事", "为群众办实事", "办实事", "志愿者服务"),
        # 「服务对象」 (participants) are those served, not those organised: 「组织15名党员群众在社区广场
        # 为辖区老年居民开展义务理发」.
        one="{date}，{joint}组织{volunteers}{where}{served}开展{title}",
        series="开展志愿服务活动{count}次",
        report_section=3,
        report_lead=_volunteer_lead,
    ),
    Kind(
        "visit",
        "走访慰问",
        Category.SERVICE,
        fields=("interviewee", "talk_reason", "place", "participant_members", "payment_type", "amount", "content", "outcome"),
        evidence=(Evidence.PHOTOS, Evidence.CONTENT),
        labels={
            "title": "事由",
            "interviewee": "慰问对象",
            "talk_reason": "对象类别",
            "participant_members": "参加走访的党员",
            "payment_type": "慰问形式",
            "amount": "慰问金（物资折合）金额（元）",
        },
        help={
            "interviewee": "姓名，多人用顿号分隔",
            "talk_reason": "如：困难党员、老党员、生活困难群众、退休党员、一线职工",
            "title": "如：春节走访慰问困难党员、“七一”慰问老党员",
        },
        words=("慰问",),
        one=lambda slots: _visit_phrase(slots),
        series="走访慰问{count}次",
        report_section=2,
        report_lead="关心关爱党员群众，开展走访慰问。",
    ),
    Kind(
        "special_work",
        "专项工作",
        Category.SERVICE,
        fields=("date_to", "place", "branch_role", "members_part") + AUDIENCE_FIELDS + ("joint_with", "basis", "content", "outcome"),
        evidence=(Evidence.PHOTOS, Evidence.CONTENT),
        labels={
            "title": "工作名称",
            "date": "开始日期",
            "date_to": "结束日期（仍在进行可不填）",
            "participant_members": "参加的党员",
            "headcount": "参加人数",
            "content": "工作情况",
        },
        help={"title": "如：抗震救灾、疫情防控、防汛抢险、森林防火、创文创卫"},
        words=("中心工作任务",),
        # 「专项工作」 also names the kind; a free name (抗震救灾…) is the record's own title.
        paraphrases=(r"专项工作",),
        one="{from_date}，支部{where}投入{work}，{branch_role}，{members_part}",
        series="参与专项工作{count}项",
        unit="项",
        figure="专项工作项数",
        report_section=2,
        report_lead="组织党员投身专项工作。",
    ),
    # Dues, materials sent to the superior, matters awaiting approval
    Kind(
        "dues",
        "党费与捐款",
        Category.AFFAIRS,
        fields=("payment_type", "paid_count", "member_total", "amount", "participants", "content"),
        required=("payment_type",),
        labels={"title": "事项", "participants": "捐款用途/对象"},
        help={
            "title": "如：2022年上半年党费收缴、为泸定地震灾区缴纳特殊党费",
            "paid_count": "党费：按期缴纳的党员人数；捐款：参加的人数",
            "member_total": "党费：应缴纳的党员人数",
        },
        words=("特殊党费", "缴纳党费", "党费收缴", "捐款"),
        one=lambda slots: _dues_phrase(slots),
        series=_dues_series,
        report_section=2,
        # Neutral about 捐款: the records' own phrasing names a 捐款 or 特殊党费 where one was made.
        report_lead=_dues_lead,
    ),
    Kind(
        "submission",
        "报送材料",
        Category.AFFAIRS,
        fields=("material_type", "sent_to", "content"),
        labels={"title": "材料名称", "date": "报送日期", "content": "说明"},
        help={"title": "如：kl所党支部2022年党建工作计划"},
        words=("报送材料",),
        paraphrases=(rf"(?:向|按时向){_CLAUSE}{{1,12}}报送",),
        one="{date}，向{sent_to_or_superior}报送{title}",
        series="向上级报送材料{count}份",
        unit="份",
        figure="报送材料份数",
        report_section=2,
        report_lead="向上级党组织报送党建材料。",
    ),
    Kind(
        "approval",
        "报批事项",
        Category.AFFAIRS,
        fields=APPROVAL_FIELDS + ("participant_members", "content"),
        required=("approval_matter", "approval_status"),
        labels={"title": "事项", "date": "支部决定日期", "participant_members": "涉及的党员"},
        help={"title": "如：张三同志按期转正、支部换届选举结果"},
        words=("报批",),
        one=lambda slots: _approval_phrase(slots),
        series="报批事项{count}项",
        unit="项",
        figure="报批事项项数",
    ),
    # Sessions not logged one by one: 「开展入党积极分子培训6次」
    Kind(
        "counted_series",
        "计次系列活动",
        Category.MEETING,
        fields=("series_kind", "series_count", "date_to", "participants", "headcount", "content"),
        required=("series_kind", "series_count", "date_to"),
        labels={
            "title": "活动名称",
            "date": "起始日期",
            "date_to": "截止日期",
            "series_kind": "计入类型",
            "series_count": "次数",
        },
        help={
            "title": "如：入党积极分子培训、“每周一学”",
            "series_kind": "这些活动计入哪一类记录的次数，如理论学习会",
        },
        words=("系列活动",),
        one="{date}至{date_to_text}，{whom}开展{title}{series_count}次",
        series="开展系列活动{count}次",
        sums="series_count",
        figure="计次系列活动次数",
    ),
    # Rectification (存在的问题 and whether fixed)
    Kind(
        "rectification",
        "整改事项",
        Category.RECTIFICATION,
        fields=(
            "rectification_source",
            "source_ref",
            "responsible_member",
            "responsible_text",
            "deadline",
            "content",
            "is_resolved",
            "resolved_on",
        ),
        labels={"title": "存在的问题", "content": "整改措施", "date": "发现日期"},
        help={"deadline": "逾期未整改的问题在合规日历和整改台账中标出，并写入总结的“存在的问题”"},
        words=("问题整改",),
        unit="项",
        figure="整改事项数",
        one="{date}，查摆出{title}",
        series="查摆问题{count}项",
    ),
]:
    register(_kind)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds as choices, read when asked: the ``kind`` fields take this callable, so a kind
    added to the registry needs no migration."""
    return [(kind.code, kind.label) for kind in KINDS.values()]


def series_kind_choices() -> list[tuple[str, str]]:
    """Kinds a counted series may count as: any kind counted in records (not a series itself)."""
    return [(kind.code, kind.label) for kind in KINDS.values() if not kind.sums and kind.unit == "次"]


def kinds_in(category: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.category == category]


def kinds_where(attribute: str) -> list[Kind]:
    """Kinds with a true ``attribute`` (``ideology_front``, ``recorded_without_rule``…), in registry order."""
    return [kind for kind in KINDS.values() if getattr(kind, attribute)]


def ordered_by(attribute: str) -> list[Kind]:
    """Kinds with a position in ``attribute`` (``meetings_sentence``, ``rollup``), in that order."""
    return sorted((kind for kind in KINDS.values() if getattr(kind, attribute)), key=lambda k: getattr(k, attribute))
