"""Reads for the report pages: the editor's page assembled from one reading of the facts, the
claim check's flags as the pages list them with links to the records behind them, and reviewers'
comments by section. Views render what these return; nothing here writes."""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils import timezone

from activities.kinds import KINDS
from branchwork import access
from branchwork.models import Organisation
from branchwork.periods import Period

from . import services
from .claims import check_items
from .compile import fill_values
from .document import Document
from .forms import ReportEditor
from .judgments import PROBLEM_FIGURES, UNSTATED, judgments_of, problem_hint, problem_rows_of, typed_hint
from .models import Report
from .placeholders import placeholder_values
from .selectors import (
    cached_report_facts,
    report_events,
    report_items_with_last_problems,
    report_latest_version,
)


def claim_rows(claims, document: Document, branch: Organisation, period: Period, *, can_write: bool) -> list[dict]:
    """The claim check's flags as the pages list them: where, what, and a link to the records
    behind it or to where to add one."""
    records = reverse("activities:activity_list", args=[branch.code])
    rows = []
    for located in claims:
        if located.section == 0:
            where = "开头段落"
        else:
            section = document.sections[located.section - 1]
            where = f"{section.number}、{section.heading}" + (f" 第{located.index + 1}段" if len(section.paragraphs) > 1 else "")
        for flag in located.flags:
            links = flag_links(flag, branch, period, can_write=can_write, records=records)
            rows.append({"where": where, "section": located.section, "flag": flag, "links": links})
    return rows


def flag_links(
    flag, branch: Organisation, period: Period, *, can_write: bool, records: str = ""
) -> list[tuple[str, str]]:
    """Where a flag leads: the records behind it or the place to add what is missing — the
    calendar for a rule, the profile for an outcome, the roster for members."""
    records = records or reverse("activities:activity_list", args=[branch.code])
    links = []
    if flag.rule in ("compliance", "contradiction"):
        calendar = reverse("activities:compliance", args=[branch.code])
        links.append(("查看合规日历", f"{calendar}?period={period.code}"))
    if flag.kind in KINDS:
        label = KINDS[flag.kind].label
        links.append((f"查看本期{label}记录", f"{records}?kind={flag.kind}&period={period.code}"))
        if can_write:
            links.append(
                (f"登记{label}", reverse("activities:activity_create", args=[branch.code, flag.kind]))
            )
    elif flag.kind == "publicity":
        links.append(("查看新闻宣传登记", reverse("activities:publicity_list", args=[branch.code])))
    elif flag.kind == "profile":
        links.append(
            (
                "在支部概况中填写年度工作成效",
                f"{reverse('reports:branch_profile', args=[branch.code])}?year={period.year}",
            )
        )
    elif flag.kind == "roster":
        links.append(("查看花名册", reverse("roster:member_list", args=[branch.code])))
    elif flag.rule == "party_groups":
        links.append(("查看党小组", reverse("roster:group_list", args=[branch.code])))
    return links


def with_typed_status(options: list, facts) -> list:
    """Last period's problems in the secretary's words, each with what became of it."""
    typed = {f"item:{t.item_id}": t.evidence for t in judgments_of(facts).typed_carried}
    return [dataclasses.replace(o, status=typed[o.key]) if o.key in typed else o for o in options]


def item_hint(origin: str, facts, branch: Organisation, period: Period) -> dict | None:
    """Under an item of 存在的问题 the system proposed: what shows the problem (names of members
    stay here, never in the report) and links to the calendar, the records or the roster."""
    if origin == "carried":
        text = typed_hint(judgments_of(facts))
        link = ("登记整改记录", reverse("activities:activity_create", args=[branch.code, "rectification"]))
        return {"text": text, "links": [link]} if text else None
    if not origin.startswith("problem:"):
        return None
    key = origin.removeprefix("problem:")
    figure = PROBLEM_FIGURES.get(key)
    if figure is None:
        return None
    if figure.fill(facts, judgments_of(facts)) is None:
        return {
            "text": "本期记录已不再显示这个问题（已按要求开展或已补登记录），本条在报告中不再显示，可删除。",
            "links": [],
        }
    records = reverse("activities:activity_list", args=[branch.code])
    target, _, kind = figure.target.partition(":")
    links = []
    if target == "calendar":
        links.append(
            ("查看合规日历", f"{reverse('activities:compliance', args=[branch.code])}?period={period.code}")
        )
    if kind in KINDS:
        links.append((f"查看本期{KINDS[kind].label}记录", f"{records}?kind={kind}&period={period.code}"))
        links.append(
            (f"登记{KINDS[kind].label}", reverse("activities:activity_create", args=[branch.code, kind]))
        )
    elif target == "records":
        # The records the problem is about where it names them (the meetings short of quorum, the
        # absences without a reason), else the period's.
        filled = figure.fill(facts, judgments_of(facts))
        ids = ",".join(str(pk) for pk in filled[1]) if filled else ""
        links.append(("查看相关记录", f"{records}?ids={ids}") if ids else ("查看本期记录", f"{records}?period={period.code}"))
    elif target == "roster":
        links.append(("查看花名册", reverse("roster:member_list", args=[branch.code])))
    elif target == "publicity":
        links.append(("登记新闻宣传", reverse("activities:publicity_list", args=[branch.code])))
    return {"text": problem_hint(key, facts) or figure.label, "links": links}


def section_comments(comments) -> tuple[list, dict[int, list]]:
    overall, by_section = [], {}
    for comment in comments:
        if comment.section is None:
            overall.append(comment)
        else:
            by_section.setdefault(comment.section, []).append(comment)
    return overall, by_section


def records_begin_notice(facts, period) -> str:
    """Where the period begins before the branch's first record: the months before it are months
    nothing was entered for, which the calendar (and 五) cannot tell from months nothing was done in.
    Said to the secretary, not written into the report."""
    first = getattr(facts, "first_record", None)
    if first is None or (first.year, first.month) <= (period.start.year, period.start.month):
        return ""  # the records begin in the period's first month: every month has its chance
    return (
        f"本支部的工作记录从{first.year}年{first.month}月{first.day}日开始登记，此前的月份在合规日历中显示为未召开，"
        "“存在的问题”也按此列出。如当时的会议和活动确已开展，请补录记录；否则请在总结中如实说明。"
    )


def _editor_facts(branch: Organisation, report: Report, items: list):
    """The facts the editor checks and fills from, read with the 存在的问题 rows among ``items``
    (``report_items_with_last_problems``); from the cache while no record has changed."""
    problem_rows = problem_rows_of(items, period=report.period)
    return cached_report_facts(branch=branch, period=report.period, today=timezone.localdate(), problem_rows=problem_rows)


def editor_page(
    *, branch: Organisation, report: Report, editor: ReportEditor | None = None, user, conflict: Report | None = None
) -> dict:
    """Everything the report editor shows: the items as typed with the claim check's flags and the
    hints under proposed problems, the placeholders' values, last period's items to carry over,
    a returned version's comments, the trail, and a conflicting save's text. ``editor``: the
    editor's state when a save was refused (else the saved items). One reading of the report's
    items (with last period's they may carry) and of the facts."""
    returned_version = None
    if report.status == Report.Status.RETURNED:
        returned_version = report_latest_version(report)
    items = report_items_with_last_problems(report)
    own_items = [item for item in items if item.report_id == report.pk]
    editor = editor if editor is not None else ReportEditor(report, items=own_items)
    if returned_version is not None:
        overall, by_section = section_comments(returned_version.comments.select_related("by"))
        for number, section in editor.sections.items():
            section.comments = by_section.get(number, [])
    else:
        overall = []
    facts = _editor_facts(branch, report, items)
    rows = [row for section in editor.sections.values() for row in section.rows]
    values = fill_values(facts)
    carry_options = with_typed_status(
        services.report_carry_over_options(report=report, values=values, items=items, facts=facts), facts
    )
    can_write = access.can_write_branch(user, branch)
    for row, flags in zip(rows, check_items(rows, facts, values), strict=True):
        row.flags = [
            {"flag": flag, "links": flag_links(flag, branch, report.period, can_write=can_write)}
            for flag in flags
        ]
        row.hint = item_hint(row.origin, facts, branch, report.period)
    saved_sections = []
    if conflict is not None:
        conflict_items = list(conflict.items.all())
        saved_sections = [
            (number, heading, [item for item in conflict_items if item.section == number])
            for number, heading in conflict.section_headings.items()
        ]
    events = list(report_events(report))
    return {
        "branch": branch,
        "report": report,
        "editor": editor,
        "sections": list(editor.sections.values()),
        "placeholders": placeholder_values(values),
        "carry_options": {5: [o for o in carry_options if o.section == 5], 6: [o for o in carry_options if o.section == 6]},
        # Last period's own problems nobody has said anything about: the carry-over opens to ask.
        "carry_asks": any(o.status == UNSTATED for o in carry_options),
        "returned_version": returned_version,
        "overall_comments": overall,
        "events": events,
        # Every version was submitted by an event naming it: no query to ask whether there are any.
        "has_versions": any(event.version_id for event in events),
        "conflict": conflict,
        "saved_sections": saved_sections,
        "records_begin": records_begin_notice(facts, report.period),
    }
