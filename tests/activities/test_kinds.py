"""The kind registry: every kind is complete (claim words, phrasing, a form, a figure), and a kind
added at run time works end to end with no migration."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from activities.compliance import rules_seed_defaults
from activities.forms import ActivityForm
from activities.kinds import KINDS, Category, Kind, Rule, register, unregister
from activities.models import Activity, ComplianceRule
from activities.selectors import Detail
from branchwork.periods import Period
from reports.claims import check_paragraph
from reports.compile import fill_text, fill_values
from reports.placeholders import PLACEHOLDERS, phrase_one, phrase_series, register_kind_placeholders
from reports.profile import report_facts
from tests.factories import BranchFactory, CommitteeFactory
from tests.memory import facts_of, record

D = datetime.date
H1 = Period.parse("2022H1")
MODEL_FIELDS = {f.name for f in Activity._meta.get_fields()}


@pytest.fixture
def runtime_kind():
    kind = register(
        Kind(
            "runtime_test_kind",
            "读书分享会",
            Category.IDEOLOGY,
            fields=("place", "participants", "content"),
            words=("读书会",),
            one="{date}，{whom}{where}举办{title}读书分享会",
            series="举办读书分享会{count}次",
            rule=Rule("quarterly", "支部自定：每季度举办1次读书分享会"),
        )
    )
    register_kind_placeholders()
    yield kind
    unregister(kind.code)
    for name in (kind.figure_name, f"{kind.label}详情"):
        PLACEHOLDERS.pop(name, None)


@pytest.mark.parametrize("code", list(KINDS))
def test_every_kind_has_words_phrasing_a_form_and_a_figure(code):
    kind = KINDS[code]
    assert kind.label and kind.category in Category.LABELS
    detail = Detail(1, code, D(2022, 3, 5), "某项工作", place="会议室", participants="全体党员")
    assert phrase_one(kind, detail).startswith("3月5日"), "every phrasing says when"
    assert "6" in phrase_series(kind, 6)
    assert set(kind.fields) <= MODEL_FIELDS, f"{kind.label} shows fields Activity does not have"
    assert kind.figure_name in PLACEHOLDERS and f"{kind.label}详情" in PLACEHOLDERS
    assert kind.unit


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(KINDS))
def test_every_kind_has_a_working_form(code):
    branch = BranchFactory(parent=CommitteeFactory())
    form = ActivityForm(kind=KINDS[code], branch=branch)
    assert {"date", "title"} <= set(form.fields)
    assert set(KINDS[code].fields) <= set(form.fields)


@pytest.mark.parametrize("code", list(KINDS))
def test_a_wrong_typed_count_of_every_kind_is_flagged(code):
    """「主题教育活动5次」 when the records hold 2: caught for every kind, in its own unit."""
    kind = KINDS[code]
    facts = facts_of([record(code, D(2022, 3, day), headcount=1, series_count=1) for day in (3, 9)], period=H1)
    for word in kind.all_words:
        runs = fill_text(f"本期共开展{word}5{kind.unit}。", fill_values(facts))
        rules = [flag.rule for flag in check_paragraph(runs, section=1, facts=facts)]
        assert "count" in rules, f"「{word}5{kind.unit}」 passed with 2 records of {kind.label}"
        runs = fill_text(f"本期共开展{word}2{kind.unit}。", fill_values(facts))
        assert not [flag for flag in check_paragraph(runs, section=1, facts=facts) if flag.rule != "party_groups"]


@pytest.mark.parametrize("code", list(KINDS))
def test_every_kind_named_without_records_is_flagged(code):
    facts = facts_of([], period=H1)
    for word in KINDS[code].all_words:
        runs = fill_text(f"支部认真开展{word}。", fill_values(facts))
        assert any(flag.rule == "no_record" and flag.kind == code for flag in check_paragraph(runs, section=2, facts=facts))


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("书记给大家上了一堂生动的党史课。", "party_lecture"),
        ("支部委员会每月集体研究重要事项。", "committee_meeting"),
        ("书记与新入职党员交心谈心。", "heart_talk"),
        ("召开支委会议研究发展党员工作。", "committee_meeting"),
        ("支部书记讲党课。", "party_lecture"),
        ("做好对日常学习材料的审核工作。", "material_review"),
    ],
)
def test_paraphrases_of_a_kind_never_recorded_are_flagged(sentence, kind):
    facts = facts_of([], period=H1)
    flags = check_paragraph(fill_text(sentence, fill_values(facts)), section=1, facts=facts)
    assert [flag.kind for flag in flags if flag.rule == "no_record"] == [kind]


def test_a_hand_typed_count_of_themed_education_must_agree():
    facts = facts_of([record("themed_education", D(2022, month, 1)) for month in (3, 4)], period=H1)
    flags = check_paragraph(fill_text("开展主题教育活动5次。", fill_values(facts)), section=1, facts=facts)
    assert [(flag.rule, flag.message) for flag in flags] == [("count", "写的是主题教育活动5次，本期记录为2次")]


def test_phrasing_of_one_record_and_a_series():
    kind = KINDS["themed_day"]
    detail = Detail(1, "themed_day", D(2022, 3, 5), "学雷锋主题党日活动", place="社区广场", participants="全体党员")
    assert phrase_one(kind, detail) == "3月5日，组织全体党员在社区广场开展学雷锋主题党日活动"
    assert phrase_series(kind, 6) == "开展主题党日活动6次"


@pytest.mark.django_db
def test_a_kind_registered_at_run_time_is_saved_validated_and_counted(runtime_kind):
    branch = BranchFactory(parent=CommitteeFactory())
    record = Activity(branch=branch, kind=runtime_kind.code, date=D(2022, 3, 1), title="《红岩》")
    record.full_clean()
    record.save()
    assert record.get_kind_display() == "读书分享会"
    with pytest.raises(ValidationError):
        Activity(branch=branch, kind="never_registered", date=D(2022, 3, 1), title="x").full_clean()

    form = ActivityForm(
        {"date": "2022-04-02", "title": "《平凡的世界》", "place": "图书室", "participants": "全体党员"},
        kind=runtime_kind,
        branch=branch,
    )
    assert form.is_valid(), form.errors
    assert set(form.fields) == {"date", "title", "place", "participants", "content"}


@pytest.mark.django_db
def test_a_kind_registered_at_run_time_has_its_figure_phrasing_and_claim_words(runtime_kind):
    from activities.services import activity_create

    branch = BranchFactory(parent=CommitteeFactory())
    for month, title in ((3, "《红岩》"), (5, "《平凡的世界》")):
        activity_create(branch=branch, kind=runtime_kind.code, date=D(2022, month, 8), title=title, place="图书室")
    facts = report_facts(branch=branch, period=H1)
    values = fill_values(facts)
    assert values["读书分享会次数"].text == "2次"
    assert values["读书分享会详情"].text.startswith("举办读书分享会2次，其中3月8日，")
    flags = check_paragraph(fill_text("举办读书会3次。", values), section=1, facts=facts)
    assert [flag.rule for flag in flags] == ["count"]


@pytest.mark.django_db
def test_a_kind_with_a_rule_gets_its_default_rule_without_a_migration(runtime_kind):
    rules_seed_defaults()
    rule = ComplianceRule.objects.get(organisation=None, kind=runtime_kind.code)
    assert (rule.frequency, rule.source) == ("quarterly", "支部自定：每季度举办1次读书分享会")
    rules_seed_defaults()  # twice: nothing doubled
    assert ComplianceRule.objects.filter(organisation=None, kind=runtime_kind.code).count() == 1


@pytest.mark.django_db
def test_adding_a_kind_needs_no_migration(runtime_kind):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_default_rules_are_the_registrys():
    assert {code: kind.rule.frequency for code, kind in KINDS.items() if kind.rule} == {
        "themed_day": "monthly",
        "branch_assembly": "quarterly",
        "committee_meeting": "monthly",
        "group_meeting": "monthly",
        "org_life": "yearly",
        "democratic_appraisal": "yearly",
    }
