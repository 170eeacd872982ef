"""Every member rule is kept once (``branchwork.member_rules``) and refuses the same thing in the
same words at all three doors: the member form, the roster import and the set-up workbook's 党员
sheet."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from branchwork import member_rules
from branchwork.forms import MemberForm, TransferOutForm
from branchwork.models import Member
from branchwork.org_import import MEMBER_COLUMNS, SHEET_MEMBERS, import_plan, read_workbook
from branchwork.roster import COLUMNS, roster_import
from tests.branchwork.test_org_import import workbook_bytes
from tests.factories import MemberFactory, xlsx_bytes

pytestmark = pytest.mark.django_db

TOMORROW = datetime.date.today() + datetime.timedelta(days=2)
GOOD = {
    "姓名": "张新",
    "性别": "男",
    "政治面貌": "正式党员",
    "入党（列为）日期": "2015-07-01",
    "支部职务": "无",
}


@dataclass
class Case:
    id: str
    row: dict  # the member as a workbook row: heading → cell
    message: str
    field: str  # the form field the form's error stands under
    existing: list = field(default_factory=list)  # members the branch has already: Member kwargs


CASES = [
    Case(
        "joined before the Party",
        {"入党（列为）日期": "1921-06-30"},
        "入党（列为）日期不能早于1921年7月1日",
        "joined_on",
    ),
    Case(
        "joined after today",
        {"入党（列为）日期": TOMORROW.isoformat()},
        "入党（列为）日期不能晚于今天",
        "joined_on",
    ),
    Case(
        "a stage before the Party",
        {"列为积极分子日期": "1920-05-04"},
        "列为积极分子日期不能早于1921年7月1日",
        "activist_on",
    ),
    Case("a stage after today", {"转正日期": TOMORROW.isoformat()}, "转正日期不能晚于今天", "full_on"),
    Case("a name too long", {"姓名": "张" * 51}, "姓名不能超过50个字", "name"),
    Case("no name", {"姓名": ""}, "请填写姓名", "name"),
    Case("转自 too long", {"转自": "处" * 101}, "转自不能超过100个字", "transferred_from"),
    Case(
        "a name two members bear",
        {"姓名": "孙浩"},
        "本支部花名册中已有“孙浩”。同名党员请在姓名后加以区分",
        "name",
        existing=[{"name": "孙浩"}, {"name": "孙浩"}],
    ),
    Case(
        "a second secretary",
        {"支部职务": "书记"},
        "本支部已有书记“王书记”，一个支部只能有一名书记",
        "post",
        existing=[{"name": "王书记", "post": "书记"}],
    ),
]


def form_messages(world, case: Case) -> list[str]:
    row = {**GOOD, **case.row}
    data = {}
    for heading, value in row.items():
        column = next(c for c in member_rules.COLUMNS if c.verbose_name == heading)
        data[column.identifier] = "" if value == member_rules.POST_NONE else value
    form = MemberForm(data, branch=world.branch)
    assert not form.is_valid()
    return form.errors.get(case.field, [])


def roster_messages(world, case: Case) -> list[str]:
    row = {**GOOD, **case.row}
    content = xlsx_bytes(COLUMNS, [[row.get(heading, "") for heading in COLUMNS]], sheet_title="花名册")
    result = roster_import(
        branch=world.branch, file=SimpleUploadedFile("花名册.xlsx", content), by=world.secretary
    )
    assert not result.ok
    return [error.message for error in result.errors]


def workbook_messages(world, case: Case) -> list[str]:
    row = {"组织编码": "kl", **GOOD, **case.row}
    content = workbook_bytes(members=[[row.get(heading, "") for heading in MEMBER_COLUMNS]])
    plan = import_plan(
        workbook=read_workbook(SimpleUploadedFile("组织设置.xlsx", content)),
        scope=world.general,
        by=world.organiser,
    )
    return [error.message for error in plan.errors if error.sheet == SHEET_MEMBERS]


@pytest.mark.parametrize(
    "door", [form_messages, roster_messages, workbook_messages], ids=["form", "roster", "workbook"]
)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_rule_refuses_alike_at_every_door(world, case, door):
    for values in case.existing:
        MemberFactory(branch=world.branch, **values)
    before = Member.objects.filter(branch=world.branch).count()
    messages = door(world, case)
    assert any(case.message in message for message in messages), messages
    assert Member.objects.filter(branch=world.branch).count() == before


def test_a_transfer_out_before_joining_is_refused_by_the_form_and_both_imports(world):
    member = MemberFactory(branch=world.branch, name="周涛", joined_on=datetime.date(2010, 7, 1))
    expected = "转出日期不能早于入党（列为）日期（2010年7月1日）"
    form = TransferOutForm(
        {"transferred_out_on": "2009-01-01", "transferred_to": "xy所党支部"}, member=member
    )
    assert not form.is_valid() and expected in form.errors["transferred_out_on"][0]
    row = {
        **GOOD,
        "姓名": "周涛",
        "入党（列为）日期": "2010-07-01",
        "状态": "已转出",
        "转出日期": "2009-01-01",
        "转往": "xy",
    }
    case = Case("transfer", row, expected, "")
    assert any(expected in message for message in roster_messages(world, case))
    assert any(expected in message for message in workbook_messages(world, case))
    member.refresh_from_db()
    assert member.transferred_out_on is None


def test_a_column_keeps_its_rule_on_its_own():
    with pytest.raises(ValidationError, match="不能早于1921年7月1日"):
        member_rules.JOINED_ON.clean(datetime.date(1921, 6, 30), {})
    assert member_rules.JOINED_ON.clean(datetime.date(1921, 7, 1), {}) == datetime.date(1921, 7, 1)
    assert member_rules.POST.clean("无", {}) == ""
    assert member_rules.NAME.clean("  李  一帅 ", {}) == "李 一帅"
    with pytest.raises(ValidationError, match="性别“公”无法识别，应为男、女之一"):
        member_rules.GENDER.clean("公", {})
