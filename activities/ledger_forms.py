"""The upload form of the Excel import (导入台账)."""

from django import forms
from django.conf import settings

from branchwork.spreadsheets import clean_xlsx_upload

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class LedgerImportForm(forms.Form):
    TYPE_CHOICES = [("meetings", "会议及活动记录"), ("publicity", "新闻宣传稿件")]

    type = forms.ChoiceField(label="导入内容", choices=TYPE_CHOICES, widget=forms.RadioSelect)
    file = forms.FileField(
        label="Excel 文件",
        help_text="请使用下载的导入模板填写，文件须为 .xlsx 格式，不超过 5 MB",
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        limit = getattr(settings, "LEDGER_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES)
        return clean_xlsx_upload(self.cleaned_data["file"], limit=limit)
