"""Forms for the outlet registry (宣传媒体) and a branch's publicity entries (新闻宣传稿件)."""

from django import forms
from django.core.validators import URLValidator
from django.db import transaction

from branchwork.models import Organisation
from branchwork.periods import Period, PeriodError, PeriodRange

from .models import Outlet, PublicityEntry
from .outlets import INTERNAL_OR_OTHER, branch_outlet_named

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

http_url = URLValidator(schemes=["http", "https"], message="链接须为以 http:// 或 https:// 开头的网址")


class HttpURLField(forms.URLField):
    """A URL field accepting only http(s) (Django's own also accepts ftp)."""

    default_validators = [http_url]


class OutletForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["name", "level", "unit", "sort_order"]
        help_texts = {
            "name": "如：省交通厅网站和微信公众号",
            "unit": "报告中统计该媒体发稿数量时使用的单位：网站、报刊一般为“篇”，客户端转载等为“次”",
            "sort_order": "数字小的排在前面，报告中的分项按此顺序列出",
        }
        error_messages = {
            "name": {"required": "请填写媒体名称"},
            "level": {"required": "请选择媒体级别"},
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation

    def clean_name(self):
        """One name once in what a branch chooses from: not again at this organisation, nor at
        one above it (a branch would see the same outlet twice)."""
        name = self.cleaned_data["name"].strip()
        ids = self.organisation.lineage_ids
        taken = (
            Outlet.objects.filter(organisation_id__in=ids, name=name)
            .exclude(pk=self.instance.pk)
            .select_related("organisation")
            .first()
        )
        if taken is None:
            return name
        if taken.organisation_id == self.organisation.pk:
            raise forms.ValidationError("本单位已登记名为“%(name)s”的媒体", params={"name": name})
        raise forms.ValidationError(
            "%(organisation)s已登记“%(name)s”，可直接选用，无需再登记",
            params={"name": name, "organisation": taken.organisation.name},
        )


# The publicity form's outlet menu ends with two choices that are not (yet) outlets of the branch:
INTERNAL = "internal"  # 「内部刊物/其他」: counted under that name, as the branch's own outlet
NAMED = "named"  # an outlet the secretary names, kept as the branch's own for the next piece


class PublicityEntryForm(forms.ModelForm):
    """A publicity piece, in an outlet of the registry the branch sees (its superiors' and its
    own), in 「内部刊物/其他」, or in an outlet the secretary names — which is then registered as
    the branch's own, so the next piece chooses it from the menu. No superior has to register it."""

    outlet = forms.ChoiceField(
        label="发布媒体",
        required=False,
        error_messages={"invalid_choice": "请从列表中选择媒体"},
    )
    outlet_name = forms.CharField(
        label="其他媒体的名称",
        required=False,
        max_length=100,
        help_text="上面的列表中没有时，选择“其他媒体（填写名称）”并在此填写，如本单位内部刊物《××通讯》、当地报纸；"
        "保存后作为本支部的媒体，下次可直接选择",
        error_messages={"max_length": "媒体名称最多100字"},
    )
    outlet_level = forms.ChoiceField(
        label="其他媒体的级别",
        required=False,
        choices=Outlet.Level.choices,
        initial=Outlet.Level.OTHER,
        error_messages={"invalid_choice": "请从列表中选择媒体级别"},
    )
    link = HttpURLField(
        label="链接",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "链接须为以 http:// 或 https:// 开头的网址"},
        help_text="选填，稿件的网络地址",
    )

    field_order = ["outlet", "outlet_name", "outlet_level"]

    class Meta:
        model = PublicityEntry
        fields = ["date", "count", "title", "link"]
        widgets = {"date": DATE_WIDGET}
        help_texts = {"count": "同一篇稿件被多家媒体转载时，请按媒体分别登记"}
        error_messages = {
            "date": {"required": "请填写发布日期", "invalid": "日期格式不正确，应为如 2022-06-30"},
            "count": {"required": "请填写数量", "invalid": "数量应为整数", "min_value": "数量至少为1"},
            "title": {"required": "请填写稿件标题"},
        }

    def __init__(self, *args, branch: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.instance.branch = branch
        self.outlets = {outlet.pk: outlet for outlet in Outlet.objects.in_force_for(branch).order_by("sort_order", "pk")}
        names = {outlet.name for outlet in self.outlets.values()}
        choices = [("", "请选择媒体"), *((str(pk), outlet.name) for pk, outlet in self.outlets.items())]
        if INTERNAL_OR_OTHER not in names:
            choices.append((INTERNAL, INTERNAL_OR_OTHER))
        choices.append((NAMED, "其他媒体（填写名称）"))
        self.fields["outlet"].choices = choices
        if self.instance.outlet_id and "outlet" not in self.initial:
            self.initial["outlet"] = str(self.instance.outlet_id)
        self.fields["count"].min_value = 1
        self.fields["count"].widget.attrs["min"] = 1
        self.fields["title"].strip = True
        self.wanted: tuple[str, str] | None = None  # an outlet to find or register by name
        self.created_outlet: Outlet | None = None

    @property
    def has_registered_outlets(self) -> bool:
        return bool(self.outlets)

    def clean(self):
        cleaned = super().clean()
        choice, name = cleaned.get("outlet"), cleaned.get("outlet_name", "")
        if "outlet" in self.errors:
            return cleaned
        if choice == NAMED or (not choice and name):
            if name:
                self.wanted = (name, cleaned.get("outlet_level") or Outlet.Level.OTHER)
            else:
                self.add_error("outlet_name", "请填写媒体的名称")
        elif choice == INTERNAL:
            self.wanted = (INTERNAL_OR_OTHER, Outlet.Level.OTHER)
        elif choice:
            self.instance.outlet = self.outlets[int(choice)]
            if name:
                self.add_error(
                    "outlet_name", "已在列表中选择了媒体；要登记列表中没有的媒体，请在“发布媒体”中选择“其他媒体（填写名称）”"
                )
        else:
            self.add_error("outlet", "请选择发布媒体；列表中没有的，选择“其他媒体（填写名称）”")
        return cleaned

    def save(self, commit: bool = True) -> PublicityEntry:
        """The piece, with the outlet it names found or registered as the branch's own, together."""
        with transaction.atomic():
            if self.wanted is not None:
                name, level = self.wanted
                outlet, created = branch_outlet_named(branch=self.branch, name=name, level=level)
                self.instance.outlet = outlet
                self.created_outlet = outlet if created else None
            return super().save(commit=commit)


class PublicityFilterForm(forms.Form):
    """Filters of the publicity list. Without a period or dates, the current half-year shows."""

    outlet = forms.ModelChoiceField(
        label="媒体", queryset=Outlet.objects.none(), required=False, empty_label="全部媒体"
    )
    period = forms.CharField(label="期间", required=False, widget=forms.Select)
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, branch: Organisation, today, within: PeriodRange, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within
        self.fields["outlet"].queryset = Outlet.objects.in_force_for(branch)
        choices = [("", f"本期（{Period.containing(today).long_label}）"), ("all", "全部期间")]
        self.fields["period"].widget.choices = [*choices, *within.choices()]
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = "日期格式不正确，应为如 2022-06-30"
        for name, bound_field in self.fields.items():
            bound_field.widget.attrs["class"] = (
                "form-select" if name in ("outlet", "period") else "form-control"
            )

    def clean_period(self):
        code = self.cleaned_data.get("period")
        if not code or code == "all":
            return code
        try:
            period = Period.parse(code)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        if period not in self.within:
            raise forms.ValidationError(self.within.refusal(period))
        return period.code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return cleaned
