import json
from decimal import Decimal

from django import forms
from django.utils import timezone

from branchwork.periods import YEARS
from branchwork.spreadsheets import CellError, clean_xlsx_upload

from .models import Standard, StandardItem
from .standards import FIELDS, LIMITS, clean_params, params_text


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="年度",
        min_value=YEARS.start,
        max_value=YEARS.stop - 1,
        initial=lambda: timezone.localdate().year,
        error_messages={"required": "请填写年度", "invalid": "年度应为四位数字，如 2022"},
    )


class ExampleForm(forms.Form):
    year = _year_field()


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = ["title", "pass_mark", "excellent_mark"]

    def clean(self):
        data = super().clean()
        pass_mark, excellent = data.get("pass_mark"), data.get("excellent_mark")
        if pass_mark is not None and excellent is not None and pass_mark > excellent:
            self.add_error("excellent_mark", "优质党支部分数线不能低于标准党支部分数线")
        return data


class StandardItemForm(forms.ModelForm):
    params_text = forms.CharField(
        label="参数",
        required=False,
        max_length=1000,
        help_text='如 {"kinds": ["支委会"]}；记录次数另加 "min": 全年至少次数；人工评分可写 kinds 以列出相关记录',
        widget=forms.TextInput,
    )

    class Meta:
        model = StandardItem
        # The workbook's columns, less the parameters, which the form takes as text (``params_text``).
        fields = [name for name in FIELDS if name != "params"]
        widgets = {
            "requirement": forms.Textarea(attrs={"rows": 3}),
            "deduction": forms.Textarea(attrs={"rows": 2}),
            "materials": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["params_text"].initial = params_text(self.instance)
        self.fields["points"].validators.append(_max_points)

    def clean(self):
        data = super().clean()
        measure = data.get("measure")
        text = (data.get("params_text") or "").strip()
        if measure:
            try:
                raw = json.loads(text) if text else {}
                self.instance.params = clean_params(measure, raw)
            except ValueError as error:
                message = str(error) if isinstance(error, CellError) else "不是有效的参数，应为如 {\"kinds\": [\"支委会\"]} 的形式"
                self.add_error("params_text", message)
        code = data.get("code")
        if code and self.instance.standard_id:
            clash = StandardItem.objects.filter(standard_id=self.instance.standard_id, code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", f"编号{code}已被其他项目使用")
        return data


def _max_points(value):
    if value is not None and value > Decimal("1000"):
        raise forms.ValidationError("分值不能超过1000")


class StandardImportForm(forms.Form):
    year = _year_field()
    title = forms.CharField(label="名称", max_length=200, required=False, help_text="留空：已有细则保持原名称，新建时按年度命名")
    file = forms.FileField(
        label="考核细则 Excel 文件",
        help_text="每行一个考核项目（.xlsx，不超过 2 MB）。可先导出现有细则，修改后再导入。",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        return clean_xlsx_upload(self.cleaned_data["file"], limit=LIMITS.max_bytes)


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
