"""System checks for the PDF export (``manage.py check --tag reports``).

They warn (never fail) because the app runs without them — only worse: without a CJK font every
Chinese character prints as a blank box, and without HarfBuzz-Subset WeasyPrint subsets fonts with
fontTools, which takes seconds for a report instead of a fraction of one.
"""

from __future__ import annotations

import ctypes
import ctypes.util

from django.core.checks import Tags, Warning, register

from reports import fonts

TAG = "reports"
INSTALL_HINT = "apt-get install fonts-noto-cjk fonts-lxgw-wenkai libharfbuzz-subset0"
FANDOL_HINT = "运行 .ci/install-debian-packages（从 Debian 的 texlive-lang-chinese 中只取出 Fandol 字体）"

# The names WeasyPrint tries (weasyprint/text/ffi.py), Linux first.
HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset-0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will find HarfBuzz-Subset (>= 4.1, as it requires) to subset fonts."""
    def names():
        yield from HARFBUZZ_SUBSET_NAMES
        yield ctypes.util.find_library("harfbuzz-subset")  # slower (runs ldconfig): last

    for name in names():
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(library, "hb_subset_or_fail"):  # added in HarfBuzz 2.9; WeasyPrint calls it
            return True
    return False


@register(TAG, Tags.compatibility)
def check_report_fonts(app_configs=None, **kwargs) -> list:
    messages = []
    setup = fonts.font_setup()
    for problem in setup.problems:
        messages.append(
            Warning(
                f"REPORT_FONT_FILES 中的字体无法使用：{problem}",
                hint="请检查路径与文件权限，或从 REPORT_FONT_FILES 中删去该文件。"
                " (Fix the path or remove the file from REPORT_FONT_FILES.)",
                id="reports.W003",
            )
        )
    if not setup.has_cjk():
        messages.append(
            Warning(
                "未找到中文字体：导出的 PDF 中的汉字将显示为空白方框。"
                " (No CJK font found: Chinese text in exported PDFs would print as blank boxes.)",
                hint=f"请安装开源中文字体：{INSTALL_HINT}；或在 REPORT_FONT_FILES 中配置已授权的字体文件。"
                f" (Install open CJK fonts: {INSTALL_HINT}, or list licensed font files in"
                " REPORT_FONT_FILES.)",
                id="reports.W001",
            )
        )
    else:
        missing = [role.label for code, role in fonts.ROLES.items() if code not in setup.faces]
        if missing:
            messages.append(
                Warning(
                    f"以下用途缺少字体，PDF 将以其他字体代替：{'、'.join(missing)}。"
                    " (Some font roles have no font; the PDF uses a fallback.)",
                    hint=f"请安装：{INSTALL_HINT}。 (Install: {INSTALL_HINT}.)",
                    id="reports.W004",
                )
            )
        second_best = setup.second_best()
        if second_best:
            described = "、".join(f"{fonts.ROLES[face.role].label}→{face.family}" for face in second_best)
            messages.append(
                Warning(
                    f"以下用途未找到首选的开源字体，PDF 以相近的字体代替：{described}。"
                    " (The first-choice open font of some roles is missing; the PDF uses a second best,"
                    " e.g. a 宋体 for the 仿宋 body.)",
                    hint=f"请{FANDOL_HINT}，或在 REPORT_FONT_FILES 中配置已授权的字体文件。"
                    " (Run .ci/install-debian-packages to install the Fandol fonts, or list licensed"
                    " font files in REPORT_FONT_FILES.)",
                    id="reports.W005",
                )
            )
    return messages


@register(TAG, Tags.compatibility)
def check_harfbuzz_subset(app_configs=None, **kwargs) -> list:
    if harfbuzz_subset_available():
        return []
    return [
        Warning(
            "未找到 HarfBuzz 字体子集库（libharfbuzz-subset.so.0）：生成一份 PDF 将需要数秒而不是零点几秒。"
            " (HarfBuzz-Subset is not available: WeasyPrint falls back to fontTools, and a PDF takes"
            " seconds instead of a fraction of one.)",
            hint="请安装：apt-get install libharfbuzz-subset0 (Debian/Ubuntu)。"
            " (Install it: apt-get install libharfbuzz-subset0.)",
            id="reports.W002",
        )
    ]


@register(TAG)
def check_holiday_calendar(app_configs=None, **kwargs) -> list:
    """The installed holiday calendar must know this year, or every 成文日期 from now on falls back
    to weekdays. (A report dated in a year just past the calendar's end, such as a 下半年 summary
    in the January after, says so in its editor: ``reports.forms.ReportHeaderForm``.)"""
    from django.utils import timezone

    from reports import workdays

    _first, last = workdays.calendar_years()
    year = timezone.localdate().year
    if year <= last:
        return []
    return [
        Warning(
            f"节假日日历（chinesecalendar）只收录到{last}年：之后的成文日期只避开周末和元旦，"
            "未计入当年的节假日与调休。"
            f" (The holiday calendar ends in {last}; later signing dates skip only weekends and 1 January.)",
            hint="请升级 chinesecalendar（pip install -U chinesecalendar）：国务院公布节假日安排后它随即发布新版本。"
            " (Upgrade chinesecalendar.)",
            id="reports.W006",
        )
    ]
