"""Forms for the outlet registry (宣传媒体) and a branch's publicity entries (新闻宣传稿件)."""

from django import forms
from django.core.validators import URLValidator

from branchwork.models import Organisation
from branchwork.periods import Period, PeriodError, PeriodRange

from .models import Outlet, PublicityEntry

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


class PublicityEntryForm(forms.ModelForm):
    link = HttpURLField(
        label="链接",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "链接须为以 http:// 或 https:// 开头的网址"},
        help_text="选填，稿件的网络地址",
    )

    class Meta:
        model = PublicityEntry
        fields = ["outlet", "date", "count", "title", "link"]
        widgets = {"date": DATE_WIDGET}
        help_texts = {"count": "同一篇稿件被多家媒体转载时，请按媒体分别登记"}
        error_messages = {
            "outlet": {"required": "请选择发布媒体", "invalid_choice": "请从列表中选择媒体"},
            "date": {"required": "请填写发布日期", "invalid": "日期格式不正确，应为如 2022-06-30"},
            "count": {"required": "请填写数量", "invalid": "数量应为整数", "min_value": "数量至少为1"},
            "title": {"required": "请填写稿件标题"},
        }

    def __init__(self, *args, branch: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        self.fields["outlet"].queryset = Outlet.objects.for_branch(branch)
        self.fields["outlet"].empty_label = "请选择媒体"
        self.fields["count"].min_value = 1
        self.fields["count"].widget.attrs["min"] = 1
        self.fields["title"].strip = True


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
        self.fields["outlet"].queryset = Outlet.objects.for_branch(branch)
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
