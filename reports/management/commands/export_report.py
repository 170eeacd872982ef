"""``python manage.py export_report --branch kl --period 2022H1 --format text [-o PATH]``

Prints (or writes to PATH) a branch's report for a period, in any format of
``reports.renderers.RENDERERS``. A submitted or approved report is exported exactly as it was
frozen; a draft or returned one is compiled from today's records; a period nobody has started a
report for gets the default report the compile step proposes.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branchwork.models import Organisation
from branchwork.periods import Period, PeriodError
from reports.document import Document
from reports.models import Report


def export_document(*, branch: Organisation, period: Period) -> Document:
    from reports.compile import compile_defaults, compile_report

    report = Report.objects.for_period(period).filter(branch=branch).first()
    if report is None:
        return compile_defaults(branch=branch, period=period)
    if report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED):
        version = report.versions.order_by("-number").first()
        if version is not None:
            return Document.from_json(version.document)
    return compile_report(report)


class Command(BaseCommand):
    help = "导出党支部某一期间的工作总结（期间如 2022H1、2022H2、2022）"

    def add_arguments(self, parser):
        parser.add_argument("--branch", required=True, help="党支部代码，如 kl")
        parser.add_argument("--period", required=True, help="期间：2022H1（上半年）、2022H2（下半年）或 2022（全年）")
        parser.add_argument("--format", default="text", help="导出格式，如 text、docx、pdf")
        parser.add_argument("-o", "--output", help="写入的文件路径；纯文本可省略，直接输出到屏幕")

    def handle(self, *args, branch: str, period: str, format: str, output: str | None, **options):
        from reports.renderers import RENDERERS

        organisation = Organisation.objects.branches().filter(code=branch).first()
        if organisation is None:
            raise CommandError(f"找不到代码为“{branch}”的党支部")
        try:
            parsed = Period.parse(period)
        except PeriodError as error:
            raise CommandError(str(error)) from None
        renderer = RENDERERS.get(format)
        if renderer is None:
            raise CommandError(f"不支持的导出格式“{format}”，可选：{'、'.join(RENDERERS)}")
        is_text = renderer.content_type.startswith("text/")
        if not output and not is_text:
            raise CommandError(f"{renderer.verbose_name}格式需要用 -o 指定输出文件，如 -o 报告.{renderer.extension}")

        content = renderer.render(export_document(branch=organisation, period=parsed))
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"已导出：{output}")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
