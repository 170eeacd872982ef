"""The upload form of the Excel import (导入台账)."""

from django import forms
from django.conf import settings

from branchwork.uploads import refuse_zip_bomb

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
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "LEDGER_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {limit // (1024 * 1024)} MB，请拆分后分批导入")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能导入 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）")
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件内容不是 Excel（.xlsx）格式，请用导入模板重新保存后上传")
        refuse_zip_bomb(upload)
        return upload
