"""Forms for records, attendance and attachments. Each record form is shaped by its kind."""

import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone

from branchwork.models import Member, Organisation, PartyGroup
from branchwork.periods import Period, PeriodError, PeriodRange

from .attachments import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION, human_size, max_bytes
from .kinds import KINDS, Category, Kind, kinds_in, series_kind_choices
from .meeting_record import COUNTS as VOTE_COUNTS
from .meeting_record import vote_errors
from .models import Activity, ActivityKind, Attachment
from .services import EDITABLE_FIELDS, combinable_with, on_roster

FUTURE_LIMIT = datetime.timedelta(days=365)

TEXTAREA_ROWS = {
    "content": 5,
    "decisions": 3,
    "materials": 4,
    "activity_forms": 3,
    "outcome": 3,
    "branch_role": 3,
    "members_part": 3,
}


class ActivityForm(forms.ModelForm):
    """The form for one kind of record: only the fields its kind uses, with the kind's labels."""

    also_counts_as = forms.MultipleChoiceField(
        label="同时计为",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="一次会议同时作为几类会议召开时勾选（如主题党日同时召开支部党员大会），该记录将分别计入各类。",
    )

    class Meta:
        model = Activity
        fields = EDITABLE_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "resolved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "approved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participant_members": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "date": {"required": "请填写日期", "invalid": "请填写有效的日期，如 2022-06-30"},
            "start_time": {"invalid": "请填写有效的时间，如 09:00"},
            "end_time": {"invalid": "请填写有效的时间，如 11:30"},
            "resolved_on": {"invalid": "请填写有效的日期，如 2022-06-30"},
            "deadline": {"invalid": "请填写有效的日期，如 2022-06-30"},
            "headcount": {"invalid": "人数应为整数"},
            "date_to": {"invalid": "请填写有效的日期，如 2022-06-30"},
            "reported_on": {"invalid": "请填写有效的日期，如 2022-06-30"},
            "approved_on": {"invalid": "请填写有效的日期，如 2022-06-30"},
            "amount": {"invalid": "金额应为数字，如 1200 或 1200.50", "max_digits": "金额过大，请检查"},
            "paid_count": {"invalid": "人数应为整数"},
            "member_total": {"invalid": "人数应为整数"},
            "series_count": {"invalid": "次数应为整数"},
        }

    def __init__(self, *args, kind: Kind, branch: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.branch = branch
        shown = ["date", "title", *kind.fields]
        for name in list(self.fields):
            if name not in shown and name != "also_counts_as":
                del self.fields[name]
        for name, label in VOTE_COUNTS:
            if name in self.fields:
                self.fields[name].error_messages.update(
                    {"invalid": f"{label}应为整数", "min_value": f"{label}不能为负数"}
                )
        self.order_fields(shown + ["also_counts_as"])
        self._label_fields(kind)
        self._choose_from_branch(kind, branch)
        self._offer_combinations(kind)

    def _label_fields(self, kind: Kind) -> None:
        """The kind's labels, help and required fields; messages that name the field."""
        title = self.fields["title"]
        title.label = kind.labels.get("title", "主题")
        title.error_messages["required"] = f"请填写{title.label}"
        title.error_messages["max_length"] = f"{title.label}不能超过 %(limit_value)d 个字"
        if "title" in kind.help:
            title.help_text = kind.help["title"]
        for name, field in self.fields.items():
            if name in kind.labels and name != "title":
                field.label = kind.labels[name]
            if name in kind.help and name != "title":
                field.help_text = kind.help[name]
            if name in TEXTAREA_ROWS and isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = TEXTAREA_ROWS[name]
            if name != "title" and getattr(field, "max_length", None):  # limits: branchwork.limits
                field.error_messages["max_length"] = f"{field.label}不能超过 %(limit_value)d 字（现有 %(show_value)d 字），请精简后再保存"
        if "date" in kind.labels:
            self.fields["date"].label = kind.labels["date"]
        for name in kind.required:
            if name in self.fields and name not in ("speaker", "party_group"):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"

    def _choose_from_branch(self, kind: Kind, branch: Organisation) -> None:
        """Choices from the branch's own party groups and roster, and the fixed lists. People: those
        on the roster on the record's date (``on_roster``; a member transferred out later may be
        named on an earlier record; a record not yet dated: today's), and whoever the record
        already names."""
        members = Member.objects.filter(branch=branch).order_by("name", "pk")
        on_the_day = on_roster(self._day() or timezone.localdate())
        if "party_group" in self.fields:
            field = self.fields["party_group"]
            day = self._day()
            groups = PartyGroup.objects.filter(branch=branch)
            current = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day) if day else Q(dissolved_on__isnull=True)
            if self.instance.party_group_id:
                current |= Q(pk=self.instance.party_group_id)
            field.queryset = groups.filter(current)
            field.empty_label = "请选择党小组"
            field.error_messages["invalid_choice"] = "请选择本支部的党小组"
            if "party_group" in kind.required:
                field.required = True
                field.error_messages["required"] = f"{kind.label}须选择召开会议的党小组"
        if "speaker" in self.fields:
            field = self.fields["speaker"]
            field.queryset = members.filter(on_the_day | Q(pk=self.instance.speaker_id or 0))
            field.empty_label = "（从本支部花名册中选择）"
            field.error_messages["invalid_choice"] = f"{field.label}须是本支部花名册中的人员（记录日期当天在册：入党、转入在此日期之后或此前已转出的人员不能选）"
        if "responsible_member" in self.fields:
            field = self.fields["responsible_member"]
            field.queryset = members.filter(on_the_day | Q(pk=self.instance.responsible_member_id or 0))
            field.empty_label = "（从本支部花名册中选择）"
            field.error_messages["invalid_choice"] = "责任人须是本支部花名册中的人员（记录日期当天在册：入党、转入在此日期之后或此前已转出的人员不能选）"
        if "headcount" in self.fields:
            field = self.fields["headcount"]
            field.min_value = 1
            field.widget.attrs["min"] = 1
            field.error_messages["required"] = "请填写人数"
            field.error_messages["min_value"] = "人数至少为 1"
        if "participant_members" in self.fields:
            field = self.fields["participant_members"]
            chosen = list(self.instance.participant_members.values_list("pk", flat=True)) if self.instance.pk else []
            field.queryset = members.filter(on_the_day | Q(pk__in=chosen))
            field.error_messages["invalid_choice"] = "只能选择本支部花名册中的人员（记录日期当天在册：入党、转入在此日期之后或此前已转出的人员不能选）"
            field.error_messages["invalid_pk_value"] = "只能选择本支部花名册中的人员（记录日期当天在册：入党、转入在此日期之后或此前已转出的人员不能选）"
            field.help_text = "从本支部花名册中勾选；花名册以外的人员填在“其他参加人员”中"
            if not field.queryset.exists():
                field.help_text = "本支部花名册中还没有人员，可先在花名册中添加，或把参加人员填在“其他参加人员”中"
        if "series_kind" in self.fields:
            self.fields["series_kind"].choices = [("", "请选择计入的记录类型")] + series_kind_choices()
            self.fields["series_kind"].error_messages["invalid_choice"] = "请从列表中选择计入的记录类型"
        if "study_form" in self.fields:
            self.fields["study_form"].choices = [("", "请选择学习形式")] + list(Activity.StudyForm.choices)

    def _offer_combinations(self, kind: Kind) -> None:
        """The kinds a meeting of this kind may also count as, or no such field."""
        combinable = combinable_with(kind)
        if combinable:
            self.fields["also_counts_as"].choices = [(k.code, k.label) for k in combinable]
            if self.instance.pk and "also_counts_as" not in self.initial:
                self.initial["also_counts_as"] = [
                    row.kind for row in self.instance.counted_kinds.all() if row.kind != kind.code
                ]
        else:
            del self.fields["also_counts_as"]

    def _day(self) -> datetime.date | None:
        raw = self.data.get(self.add_prefix("date")) if self.is_bound else None
        if raw:
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                return None
        return self.instance.date or None

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day > timezone.localdate() + FUTURE_LIMIT:
            raise forms.ValidationError("日期不能晚于一年以后，请检查年份是否填错")
        if day and day.year < 1990:
            raise forms.ValidationError("日期过早，请检查年份是否填错")
        return day

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(f"请填写{self.fields['title'].label}")
        return title

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "结束时间应晚于开始时间")
        if "speaker_name" in self.fields and "speaker" in self.fields:
            if data.get("speaker") and data.get("speaker_name", "").strip():
                self.add_error("speaker_name", "已从花名册选择主讲人时，不必再填写非本支部主讲人")
            elif (
                "speaker" in self.kind.required
                and not data.get("speaker")
                and not data.get("speaker_name", "").strip()
                and "speaker" not in self.errors
            ):
                self.add_error("speaker", "请选择主讲人，或填写非本支部主讲人的姓名")
        day = data.get("date")
        if data.get("date_to") and day and data["date_to"] < day:
            self.add_error("date_to", f"{self.fields['date_to'].label}不能早于{self.fields['date'].label}")
        elif self.kind.sums == "series_count" and data.get("date_to") and day:
            if not Period.containing(day).contains(data["date_to"]):
                self.add_error("date_to", "起止日期须在同一个半年内，跨半年的请按半年分别登记")
        if data.get("paid_count") and data.get("member_total") and data["paid_count"] > data["member_total"]:
            self.add_error("paid_count", "已缴纳人数不能多于应缴纳人数")
        if "approval_status" in self.fields:
            status, approved_on = data.get("approval_status"), data.get("approved_on")
            if data.get("approval_matter") and not status:
                self.add_error("approval_status", "需上级批准的事项请选择审批状态（待批准或已批准）")
            if approved_on and status != Activity.ApprovalStatus.APPROVED:
                self.add_error("approved_on", "审批状态为“已批准”时才填写批准日期")
            if approved_on and day and approved_on < day:
                self.add_error("approved_on", "批准日期不能早于支部决定的日期")
            if data.get("reported_on") and day and data["reported_on"] < day:
                self.add_error("reported_on", "报批日期不能早于支部决定的日期")
        if data.get("year_of") and data.get("date") and not 0 <= data["date"].year - data["year_of"] <= 1:
            self.add_error("year_of", f"所属年度应为会议当年或上一年（{data['date'].year - 1}或{data['date'].year}）")
        if "vote_matter" in self.fields:
            for name, message in vote_errors(data).items():
                if name not in self.errors:
                    self.add_error(name, message)
        if "resolved_on" in self.fields:
            resolved_on = data.get("resolved_on")
            if resolved_on and not data.get("is_resolved"):
                self.add_error("resolved_on", "未勾选“已整改”时不能填写整改完成日期")
            elif resolved_on and data.get("date") and resolved_on < data["date"]:
                self.add_error("resolved_on", "整改完成日期不能早于发现问题的日期")
        return data

    def field_values(self) -> dict:
        """Cleaned values of the model fields this kind shows, for the services."""
        return {name: self.cleaned_data[name] for name in self.fields if name in EDITABLE_FIELDS}


# Attendance ------------------------------------------------------------------------------------

PRESENT, ABSENT, NOT_COUNTED = "present", "absent", "none"
STATUS_CHOICES = [(PRESENT, "出席"), (ABSENT, "缺席"), (NOT_COUNTED, "不计入")]
_STATUS_KEY = re.compile(r"^m(\d+)-status$")


class AttendanceForm(forms.Form):
    """One row per person on the roster: 出席, 缺席 (with a reason, or none when the secretary does
    not know it: stored blank, it is an absence 未说明原因), or 不计入 (not expected).

    Rows are validated against the roster: a posted id of anyone else (another branch's member, a
    tampered form) makes the whole form invalid, and nothing is saved."""

    def __init__(self, *args, roster: list[Member], initial_rows: dict[int, tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        for member in roster:
            status, reason = initial_rows.get(member.pk, (NOT_COUNTED, ""))
            self.fields[f"m{member.pk}-status"] = forms.ChoiceField(
                label=member.name, choices=STATUS_CHOICES, initial=status, widget=forms.RadioSelect
            )
            self.fields[f"m{member.pk}-reason"] = forms.CharField(
                label=f"{member.name}缺席原因",
                required=False,
                max_length=100,
                initial=reason,
                error_messages={"max_length": "缺席原因不能超过 100 个字"},
                widget=forms.TextInput(attrs={"placeholder": "缺席原因，如：出差、病假；不清楚的留空"}),
            )

    def clean(self):
        data = super().clean()
        roster_ids = {member.pk for member in self.roster}
        posted = {int(match[1]) for key in self.data if (match := _STATUS_KEY.match(key))}
        if posted - roster_ids:
            raise forms.ValidationError("出席名单中有不属于本支部（或会议当日不在册）的人员，未保存。请刷新页面后重新登记。")
        counted = 0
        for member in self.roster:
            status = data.get(f"m{member.pk}-status")
            if status in (PRESENT, ABSENT):
                counted += 1
        if not counted and not self.errors:
            raise forms.ValidationError("请至少登记一名应到人员的出席或缺席情况")
        return data

    def rows(self) -> list:
        from .services import AttendanceRow

        result = []
        for member in self.roster:
            status = self.cleaned_data[f"m{member.pk}-status"]
            if status == NOT_COUNTED:
                continue
            result.append(
                AttendanceRow(member.pk, status == PRESENT, self.cleaned_data[f"m{member.pk}-reason"].strip())
            )
        return result

    def member_rows(self):
        """(member, status bound field, reason bound field) for the template."""
        for member in self.roster:
            yield member, self[f"m{member.pk}-status"], self[f"m{member.pk}-reason"]


# Attachments -----------------------------------------------------------------------------------


class AttachmentForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=Attachment.Category.choices, initial=Attachment.Category.MINUTES)
    file = forms.FileField(
        label="文件",
        error_messages={"required": "请选择要上传的文件", "empty": "文件是空的（0 字节），请重新选择", "invalid": "请选择要上传的文件"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE
        self.fields["file"].help_text = f"可上传 {ALLOWED_DESCRIPTION}，单个文件不超过 {human_size(max_bytes())}。"
        self.fields["file"].max_length = None


# The record list's filters ---------------------------------------------------------------------


def kind_filter_choices() -> list:
    """Kinds grouped by category, each group also selectable as a whole (``cat:meeting``)."""
    choices: list = [("", "全部类型")]
    for category, label in Category.LABELS.items():
        members = kinds_in(category)
        if members:
            choices.append((label, [(f"cat:{category}", f"全部{label}")] + [(k.code, k.label) for k in members]))
    return choices


def parse_ids(raw: str) -> list[int]:
    """Record ids from ``?ids=1,2,3`` (the links behind a report's figures), sorted, once each.

    Decimal digits only (str.isdigit() takes "²", which int() refuses), and short enough for the
    database's integer (a longer one overflows it)."""
    return sorted({int(part) for part in re.split(r"[,，\s]+", raw) if part.isdecimal() and len(part) < 12})


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=kind_filter_choices)
    period = forms.CharField(label="期间", required=False, max_length=10)
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "起始日期格式不正确，应如 2022-01-01"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "截止日期格式不正确，应如 2022-06-30"},
    )
    ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, within: PeriodRange, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within
        self.fields["kind"].error_messages["invalid_choice"] = "没有这种记录类型，已显示全部类型"
        asked = (self.data.get("period") or "").strip().upper() if self.is_bound else ""
        if asked and self.data.get("period") != asked:
            self.data = self.data.copy()
            self.data["period"] = asked  # so that ?period=2022h1 selects 2022年上半年
        self.fields["period"].widget = forms.Select(choices=[("", "不限"), *within.choices()])
        for name, field in self.fields.items():
            if name != "ids":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def clean_period(self):
        code = self.cleaned_data["period"].strip()
        if not code:
            return None
        try:
            period = Period.parse(code)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        if period not in self.within:
            raise forms.ValidationError(self.within.refusal(period))
        return period

    def clean_ids(self):
        return parse_ids(self.cleaned_data["ids"])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def filter(self, queryset):
        """Apply every valid filter; invalid ones are reported and left out."""
        data = getattr(self, "cleaned_data", {})
        kind = data.get("kind")
        if kind and kind.startswith("cat:"):
            codes = [k.code for k in kinds_in(kind[4:])]
            counted = ActivityKind.objects.filter(kind__in=codes).values("activity_id")
            queryset = queryset.filter(pk__in=counted)
        elif kind in KINDS:
            queryset = queryset.of_kind(kind)
        if data.get("period"):
            queryset = queryset.in_period(data["period"])
        if data.get("date_from") and "date_to" not in self.errors:
            queryset = queryset.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(date__lte=data["date_to"])
        if data.get("ids"):
            queryset = queryset.filter(pk__in=data["ids"])
        return queryset
