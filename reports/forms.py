"""Forms of the report pages: the editor (header and items), starting a report, reviewing.

The editor is one HTML form for the whole report, so that every button — save, add, delete, move,
recompile, carry over — sends everything typed so far: nothing is lost whichever is clicked.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django import forms

from branchwork import limits
from branchwork.models import Organisation
from branchwork.periods import Period, PeriodError, PeriodRange

from . import workdays
from .document import chinese_ordinal
from .models import SECTION_HEADINGS, BranchProfile, ProfileYear, Report, StandingWork
from .services import (
    HEADING_MAX_LENGTH,
    ItemInput,
    item_text_errors,
    opening_errors,
    report_size_errors,
)


class ReportHeaderForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Report
        fields = ["title", "addressee", "opening", "signature", "signed_on"]
        widgets = {
            "opening": forms.Textarea(attrs={"rows": 4}),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"addressee": "主送单位", "opening": "开头段落", "signature": "落款（署名）", "signed_on": "成文日期"}
        help_texts = {
            "addressee": "如：**省高速公路处党总支（末尾的冒号自动添加）",
            "signed_on": "落款下方的日期，以阿拉伯数字书写，如 2022年7月1日",
        }
        error_messages = {
            "title": {"required": "请填写标题"},
            "addressee": {"required": "请填写主送单位"},
            "opening": {
                "required": "请填写开头段落",
                # The model's limit (branchwork.limits), worded as the services word it.
                "max_length": f"开头段落有 %(show_value)d 字，最多 {limits.REPORT_ITEM_MAX_CHARS:,} 字，请精简",
            },
            "signature": {"required": "请填写落款"},
            "signed_on": {"required": "请填写成文日期", "invalid": "请填写有效的日期，如 2022-07-01"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["revision"] = self.instance.revision
        self.fields["revision"].error_messages = {"required": "页面已过期，请刷新后重试", "invalid": "页面已过期，请刷新后重试"}
        signed_on = self.instance.signed_on
        if signed_on and not workdays.knows(signed_on):
            self.fields["signed_on"].help_text += (
                f"。节假日日历尚未收录{signed_on.year}年，此日期只避开了周末和元旦，请按当年放假安排核对"
            )

    def clean_opening(self) -> str:
        opening = self.cleaned_data["opening"]
        errors = opening_errors(opening)
        if errors:
            raise forms.ValidationError(errors)
        return opening


@dataclass
class ItemRow:
    """One item as shown in the editor: saved (``key`` is its pk) or as typed in a failed save."""

    key: str
    section: int
    text: str
    numbered: bool = True
    origin: str = ""
    errors: list[str] = field(default_factory=list)
    flags: list = field(default_factory=list)  # the claim check's warnings (reports.claims.Flag)
    hint: dict | None = None  # under a problem the system proposed: what shows it, with links

    @property
    def pk(self) -> int | None:
        return int(self.key) if self.key.isdigit() else None


@dataclass
class SectionRows:
    number: int
    heading: str
    rows: list[ItemRow]
    new_text: str = ""
    new_errors: list[str] = field(default_factory=list)
    comments: list = field(default_factory=list)
    default_heading: str = ""
    heading_errors: list[str] = field(default_factory=list)


class ReportEditor:
    """The editor's state: the header form, the items per section in order, and a new-item box per
    section. Built from the saved report or from a POST, changed by the editor's buttons, and
    turned into ``report_save`` arguments."""

    ACTIONS = ("save", "preview", "add", "delete", "up", "down", "recompile", "carry")

    def __init__(self, report: Report, data=None, *, items=None):
        """``items``: the report's items when the caller has read them (in their order), else
        read here."""
        self.report = report
        self.data = data
        # A copy: validating a ModelForm writes onto its instance, and the saved report is shown beside.
        self.header = ReportHeaderForm(data, instance=copy.copy(report)) if data is not None else ReportHeaderForm(instance=report)
        self.sections = {
            number: SectionRows(number, heading, [], default_heading=SECTION_HEADINGS[number])
            for number, heading in report.section_headings.items()
        }
        self.errors: list[str] = []
        self.anchor = ""
        if data is None:
            for item in report.items.all() if items is None else items:
                if item.section in self.sections:
                    self.sections[item.section].rows.append(
                        ItemRow(str(item.pk), item.section, item.text, item.numbered, item.origin)
                    )
        else:
            for key in data.getlist("item"):
                key = key.strip()[:20]
                try:
                    section = int(data.get(f"item-{key}-section", ""))
                except ValueError:
                    continue
                if section not in self.sections:
                    continue
                self.sections[section].rows.append(
                    ItemRow(
                        key,
                        section,
                        data.get(f"item-{key}-text", ""),
                        numbered=bool(data.get(f"item-{key}-numbered")),
                    )
                )
            for number, section in self.sections.items():
                section.new_text = data.get(f"new-{number}-text", "")
                if f"heading-{number}" in data:
                    section.heading = " ".join(data.get(f"heading-{number}", "").split()) or section.default_heading

    # --- the buttons ------------------------------------------------------------------------

    def action(self) -> tuple[str, str]:
        raw = (self.data.get("action", "save") if self.data is not None else "save") or "save"
        name, _, argument = raw.partition(":")
        return (name, argument) if name in self.ACTIONS else ("save", "")

    def apply(self, name: str, argument: str) -> None:
        """Apply add/delete/up/down to the rows in memory; the save that follows makes it stick."""
        if name == "add":
            section = self.sections.get(int(argument)) if argument.isdigit() else None
            if section is not None:
                self.anchor = f"section-{section.number}"
                if not section.new_text.strip():
                    section.new_errors.append("请先在“新增条目”框中填写内容，再点击“添加”")
            return
        for section in self.sections.values():
            for index, row in enumerate(section.rows):
                if row.key != argument:
                    continue
                self.anchor = f"section-{section.number}"
                if name == "delete":
                    del section.rows[index]
                elif name == "up" and index > 0:
                    section.rows[index - 1], section.rows[index] = row, section.rows[index - 1]
                elif name == "down" and index < len(section.rows) - 1:
                    section.rows[index + 1], section.rows[index] = row, section.rows[index + 1]
                return

    # --- validation and the service's arguments ---------------------------------------------

    def is_valid(self) -> bool:
        valid = self.header.is_valid()
        for section in self.sections.values():
            if len(section.heading) > HEADING_MAX_LENGTH:
                section.heading_errors = [f"标题不能超过{HEADING_MAX_LENGTH}个字"]
                valid = False
            for row in section.rows:
                row.errors = item_text_errors(row.text)
                valid = valid and not row.errors
            if section.new_text.strip():
                section.new_errors += item_text_errors(section.new_text)
            valid = valid and not section.new_errors
        # The opening's own limit is the header form's; here what the report as a whole exceeds.
        opening = self.header.data.get("opening", "") if self.data is not None else self.report.opening
        self.errors = report_size_errors(opening=opening, texts=[item.text for item in self.items()])
        return valid and not self.errors

    def items(self) -> list[ItemInput]:
        """Every item in order, the new-item boxes' text appended to their sections (typed text
        is saved whichever button was clicked)."""
        result = []
        for section in self.sections.values():
            for row in section.rows:
                result.append(ItemInput(section=section.number, text=row.text.strip(), numbered=row.numbered, pk=row.pk))
            if section.new_text.strip():
                result.append(ItemInput(section=section.number, text=section.new_text.strip(), numbered=True))
        return result

    def save_arguments(self) -> dict:
        data = self.header.cleaned_data
        return {
            "expected_revision": data["revision"],
            "title": data["title"],
            "addressee": data["addressee"],
            "opening": data["opening"],
            "signature": data["signature"],
            "signed_on": data["signed_on"],
            "items": self.items(),
            "headings": {number: section.heading for number, section in self.sections.items()},
        }

    def error_count(self) -> int:
        count = len(self.header.errors) + len(self.errors)
        for section in self.sections.values():
            count += sum(1 for row in section.rows if row.errors) + (1 if section.new_errors else 0)
            count += 1 if section.heading_errors else 0
        return count

    def set_revision(self, revision: int) -> None:
        """After a conflict: let a deliberate second save overwrite what the other person saved."""
        data = self.header.data.copy()
        data["revision"] = str(revision)
        self.header.data = data


def start_periods(today: datetime.date) -> list[Period]:
    """Periods a report may be started for: this and last half-year, this and last year."""
    current = Period.containing(today)
    periods = [current, current.previous(), Period(today.year), Period(today.year - 1)]
    return sorted(set(periods), reverse=True)


class StartForm(forms.Form):
    period = forms.CharField(error_messages={"required": "请选择期间"})

    def __init__(self, *args, today: datetime.date, within: PeriodRange, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.within = today, within

    def clean_period(self) -> Period:
        code = self.cleaned_data["period"]
        try:
            period = Period.parse(code)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        if period.start > self.today:
            raise forms.ValidationError(f"{period.long_label}尚未开始，不能撰写该期总结")
        # The periods the report list offers: the usual ones, and any from the earliest record on.
        if period not in self.within and period not in start_periods(self.today):
            raise forms.ValidationError(f"{self.within.refusal(period)}，不能撰写该期总结")
        return period


class ReviewForm(forms.Form):
    """A reviewer's comments: overall and per section. Returning needs at least one."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label="总体意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改时说明需要修改什么；审核通过时可不填",
        max_length=limits.COMMENT_MAX_CHARS,
        error_messages={"max_length": f"每条意见最多 {limits.COMMENT_MAX_CHARS:,} 字（现有 %(show_value)s 字），请精简"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, heading in SECTION_HEADINGS.items():
            self.fields[f"section_{number}"] = forms.CharField(
                label=f"{chinese_ordinal(number)}、{heading}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=limits.COMMENT_MAX_CHARS,
                error_messages={"max_length": f"每条意见最多 {limits.COMMENT_MAX_CHARS:,} 字（现有 %(show_value)s 字），请精简"},
            )

    def section_fields(self):
        return [self[f"section_{number}"] for number in SECTION_HEADINGS]

    def section_comments(self) -> dict[int, str]:
        return {number: self.cleaned_data.get(f"section_{number}", "") for number in SECTION_HEADINGS}


# --- the branch profile (支部概况) ----------------------------------------------------------------

PROFILE_TEXT_FIELDS = ("key_work", "superiors", "institutions", "work_style_rules", "key_tasks")


class BranchProfileForm(forms.ModelForm):
    """What the unit does and how it writes about itself; every field may stay empty."""

    class Meta:
        model = BranchProfile
        fields = [
            "unit_name",
            "core_business",
            "key_work",
            "served",
            "member_term",
            "superiors",
            "superiors_opening",
            "standardisation",
            "ledgers",
            "institutions",
            "work_style_rules",
            "key_tasks",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PROFILE_TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, default in SECTION_HEADINGS.items():
            saved = (self.instance.headings or {}).get(str(number), "")
            self.fields[f"heading_{number}"] = forms.CharField(
                label=f"{chinese_ordinal(number)}、",
                required=False,
                max_length=HEADING_MAX_LENGTH,
                initial=saved,
                help_text=f"默认：{default}",
                error_messages={"max_length": f"标题不能超过{HEADING_MAX_LENGTH}个字"},
            )

    def heading_fields(self):
        return [self[f"heading_{number}"] for number in SECTION_HEADINGS]

    def headings(self) -> dict[int, str]:
        return {number: self.cleaned_data.get(f"heading_{number}", "") for number in SECTION_HEADINGS}


class ProfileYearForm(forms.ModelForm):
    class Meta:
        model = ProfileYear
        fields = ["goals", "campaigns", "achievements", "problems"]
        widgets = {
            "campaigns": forms.Textarea(attrs={"rows": 2}),
            "achievements": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
        }

    def is_blank(self) -> bool:
        """Nothing written for the year in any of its fields (the form must be valid). Every field
        counts: 年度工作成效 or 自查问题 alone is worth a row."""
        return not any(str(self.cleaned_data.get(name) or "").strip() for name in self._meta.fields)


class StandingWorkForm(forms.ModelForm):
    class Meta:
        model = StandingWork
        fields = ["title", "section", "measures", "sort_order"]
        widgets = {"measures": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": "请填写工作名称", "max_length": "工作名称不能超过 %(limit_value)d 个字"},
            "measures": {"required": "请填写主要做法"},
        }


StandingWorkFormSet = forms.inlineformset_factory(
    Organisation,
    StandingWork,
    form=StandingWorkForm,
    fk_name="branch",
    extra=1,
    max_num=20,
    absolute_max=20,  # a forged TOTAL_FORMS cannot make the page build a thousand forms
    validate_max=True,
    can_delete=True,
)
