"""The self-score chain: the secretary scores (the data's proposals, overrides with reasons, manual
items with notes) and submits to the 党总支, which adjusts items with reasons and passes it to the
党委 for re-check, or returns it. Each step freezes a version and writes an event, as reports do;
access is re-checked here (``branchwork.access.inspection_steps``), whatever the view did.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activities.models import Activity, RectificationSource
from activities.rectifications import rectification_open
from branchwork import access, limits
from branchwork.audit.services import audit_bulk_created, audit_bulk_updating
from branchwork.models import Organisation
from branchwork.periods import Period

from . import scoring
from .models import (
    SCORE_REASON_MAX_CHARS,
    BranchScore,
    BranchScoreEvent,
    BranchScoreVersion,
    ItemScore,
    Standard,
    StandardItem,
)
from .selectors import score_page, standard_for_branch


class WorkflowError(Exception):
    """The step is not possible in the score's current state. ``str()`` is the user's message."""


SELF, REVIEW, RECHECK = "self", "review", "recheck"
# Which status each step acts on, and which fields of ItemScore it writes.
STEP_STATUSES = {
    SELF: (BranchScore.Status.DRAFT, BranchScore.Status.RETURNED),
    REVIEW: (BranchScore.Status.SUBMITTED,),
    RECHECK: (BranchScore.Status.REVIEWED,),
}
STEP_FIELDS = {
    SELF: ("secretary_score", "secretary_reason"),
    REVIEW: ("review_score", "review_reason"),
    RECHECK: ("recheck_score", "recheck_reason"),
}
STEP_NAMES = {SELF: "支部自评", REVIEW: "党总支审查", RECHECK: "党委复核"}


@dataclass(frozen=True)
class Entry:
    """What a step typed for one item: the score as text ("" for none) and the reason or note."""

    score: str
    reason: str


def _require_step(user, branch: Organisation, step: str) -> None:
    if step not in access.inspection_steps(user, branch):
        if step == SELF:
            raise PermissionDenied("只有本支部书记和支委可以填写自评")
        raise PermissionDenied(f"您不能进行{STEP_NAMES[step]}")


def _require_status(score: BranchScore, step: str) -> None:
    if score.status not in STEP_STATUSES[step]:
        raise WorkflowError(f"该自评当前为“{score.get_status_display()}”，不能进行{STEP_NAMES[step]}")


def _standard(branch: Organisation, period: Period) -> Standard:
    standard = standard_for_branch(branch, period.year)
    if standard is None:
        raise WorkflowError(f"上级党委尚未发布{period.year}年度考核细则，暂不能自评")
    return standard


def _locked(branch: Organisation, standard: Standard, period: Period) -> BranchScore | None:
    return (
        BranchScore.objects.select_for_update()
        .filter(branch=branch, standard=standard, year=period.year, half=period.half)
        .first()
    )


def parse_score(text: str, item: StandardItem) -> Decimal | None:
    """A typed score: empty → None; else a number from 0 to the item's points, one decimal."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if not value.is_finite() or value < 0 or value > item.points:
        raise ValueError(f"得分应在0至{scoring.points_text(item.points)}分之间")
    if value != value.quantize(Decimal("0.1")):
        raise ValueError("得分最多保留一位小数")
    return value.quantize(Decimal("0.1"))


def refresh_proposals(score: BranchScore, items: list[StandardItem], facts: scoring.ScoringFacts) -> dict[int, ItemScore]:
    """Store the data's current proposal on every item of ``score`` (rows created for items the
    standard gained); items the standard lost went with their rows (cascade)."""
    existing = {row.item_id: row for row in score.items.all()}
    rows = {}
    for item in items:
        proposal = scoring.propose(item, facts)
        row = existing.get(item.pk) or ItemScore(branch_score=score, item=item)
        row.item = item
        row.proposed_score = proposal.score
        row.proposed_reasons = [reason.as_json() for reason in proposal.reasons]
        row.missing_materials = [reason.as_json() for reason in proposal.missing]
        rows[item.pk] = row
    created = ItemScore.objects.bulk_create([row for row in rows.values() if row.pk is None])
    audit_bulk_created(objects=created)
    changed = [row for row in rows.values() if row.pk is not None]
    if changed:
        fields = ["proposed_score", "proposed_reasons", "missing_materials"]
        audit_bulk_updating(objects=changed, fields=fields)
        ItemScore.objects.bulk_update(changed, fields)
    return rows


def _before_step(row: ItemScore, step: str) -> Decimal | None:
    """The score an adjustment at ``step`` departs from."""
    if step == SELF:
        return row.proposed_score
    if step == REVIEW:
        return row.self_score
    return row.review_score if row.review_score is not None else row.self_score


def _apply_entries(rows: dict[int, ItemScore], items: list[StandardItem], entries: dict[int, Entry], step: str) -> None:
    """Write the step's scores and reasons on ``rows``; every problem raised at once, by item."""
    score_field, reason_field = STEP_FIELDS[step]
    problems: list[str] = []
    for item in items:
        entry = entries.get(item.pk)
        if entry is None:
            continue
        row = rows[item.pk]
        reason = entry.reason.strip()
        try:
            value = parse_score(entry.score, item)
        except ValueError as error:
            problems.append(f"{item.code}：{error}")
            continue
        if len(reason) > SCORE_REASON_MAX_CHARS:
            problems.append(f"{item.code}：说明最多 {SCORE_REASON_MAX_CHARS:,} 字（现有 {len(reason):,} 字）")
            continue
        before = _before_step(row, step)
        if value is not None and value == before and step != SELF:
            value = None  # the same score as before is no adjustment
        if value is not None and not reason:
            if step == SELF and before is None:
                problems.append(f"{item.code}：人工评分的项目请填写说明（依据哪些材料）")
            elif step == SELF and value != before:
                problems.append(f"{item.code}：改动系统建议得分时请说明理由")
            elif step != SELF:
                problems.append(f"{item.code}：调整得分时请说明理由")
        setattr(row, score_field, value)
        setattr(row, reason_field, reason)
    if problems:
        raise ValidationError(problems)


def score_save(
    *, branch: Organisation, period: Period, step: str, entries: dict[int, Entry], by: AbstractBaseUser, today: datetime.date | None = None
) -> BranchScore:
    """Save what ``step`` typed; the secretary's first save creates the self-score. The proposals
    are refreshed from the data at each of the secretary's saves."""
    _require_step(by, branch, step)
    today = today or timezone.localdate()
    standard = _standard(branch, period)
    items = list(standard.items.all())
    with transaction.atomic():
        score = _locked(branch, standard, period)
        if score is None:
            if step != SELF:
                raise WorkflowError("该支部尚未提交自评")
            score = BranchScore.objects.create(
                branch=branch, standard=standard, standard_version=standard.version, year=period.year, half=period.half, created_by=by
            )
            BranchScoreEvent.objects.create(branch_score=score, action=BranchScoreEvent.Action.CREATE, by=by)
        _require_status(score, step)
        if step == SELF:
            rows = refresh_proposals(score, items, scoring.gather(branch=branch, period=period, today=today))
            score.standard_version = standard.version
            score.save(update_fields=["standard_version", "updated_at"])
        else:
            rows = {row.item_id: row for row in score.items.all()}
            missing_rows = [item for item in items if item.pk not in rows]
            if missing_rows:
                raise WorkflowError("考核细则在提交后有新增项目，请退回支部重新核对")
        _apply_entries(rows, items, entries, step)
        for row in rows.values():
            row.full_clean(exclude=["branch_score", "item"], validate_unique=False, validate_constraints=False)
            row.save(update_fields=list(STEP_FIELDS[step]))
    return score


def _snapshot(score: BranchScore, status: str, by) -> BranchScoreVersion:
    rows = list(score.items.select_related("item").order_by("item__position", "item__pk"))
    document = {
        "standard_version": score.standard_version,
        "items": [
            {
                "code": row.item.code,
                "points": str(row.item.points),
                "is_veto": row.item.is_veto,
                "proposed": None if row.proposed_score is None else str(row.proposed_score),
                "reasons": row.proposed_reasons,
                "missing": row.missing_materials,
                "self": None if row.self_score is None else str(row.self_score),
                "secretary_reason": row.secretary_reason,
                "review": None if row.review_score is None else str(row.review_score),
                "review_reason": row.review_reason,
                "recheck": None if row.recheck_score is None else str(row.recheck_score),
                "recheck_reason": row.recheck_reason,
                "final": None if row.final_score is None else str(row.final_score),
            }
            for row in rows
        ],
    }
    total = sum((row.final_score or Decimal("0") for row in rows), Decimal("0"))
    number = (score.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return BranchScoreVersion.objects.create(
        branch_score=score, number=number, status=status, standard_version=score.standard_version, document=document, total=total, by=by
    )


def _comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": "退回时请填写意见，说明需要修改什么。"})
    if len(comment) > limits.COMMENT_MAX_CHARS:
        raise ValidationError({"comment": f"意见最多 {limits.COMMENT_MAX_CHARS:,} 字（现有 {len(comment):,} 字），请精简。"})
    return comment


def _existing(branch: Organisation, period: Period) -> BranchScore:
    standard = _standard(branch, period)
    score = _locked(branch, standard, period)
    if score is None:
        raise WorkflowError("该支部尚未填写自评")
    return score


def score_submit(*, branch: Organisation, period: Period, by: AbstractBaseUser, today: datetime.date | None = None) -> BranchScoreVersion:
    """Submit the self-score to the 党总支: every item scored (the data's proposal or the
    secretary's), every departure from a fresh proposal explained."""
    _require_step(by, branch, SELF)
    today = today or timezone.localdate()
    with transaction.atomic():
        score = _existing(branch, period)
        _require_status(score, SELF)
        items = list(score.standard.items.all())
        rows = refresh_proposals(score, items, scoring.gather(branch=branch, period=period, today=today))
        unscored = [item.code for item in items if rows[item.pk].self_score is None]
        if unscored:
            raise WorkflowError(f"以下项目尚未评分：{'、'.join(unscored)}。请填写得分和说明后再提交。")
        unexplained = [
            item.code
            for item in items
            if rows[item.pk].secretary_score is not None
            and rows[item.pk].secretary_score != rows[item.pk].proposed_score
            and not rows[item.pk].secretary_reason.strip()
        ]
        if unexplained:
            raise WorkflowError(f"以下项目的自评得分与系统建议不同，请说明理由：{'、'.join(unexplained)}")
        for row in rows.values():
            row.review_score, row.review_reason, row.recheck_score, row.recheck_reason = None, "", None, ""
        fields = ["review_score", "review_reason", "recheck_score", "recheck_reason"]
        audit_bulk_updating(objects=list(rows.values()), fields=fields)
        ItemScore.objects.bulk_update(list(rows.values()), fields)
        score.status = BranchScore.Status.SUBMITTED
        score.standard_version = score.standard.version
        score.submitted_at, score.submitted_by = timezone.now(), by
        score.reviewed_at = score.reviewed_by = score.rechecked_at = score.rechecked_by = None
        score.save()
        version = _snapshot(score, score.status, by)
        BranchScoreEvent.objects.create(branch_score=score, version=version, action=BranchScoreEvent.Action.SUBMIT, by=by)
    return version


def score_pass(*, branch: Organisation, period: Period, by: AbstractBaseUser, comment: str = "") -> BranchScoreVersion:
    """The 党总支 has reviewed (and perhaps adjusted) the score: on to the 党委 for re-check."""
    _require_step(by, branch, REVIEW)
    comment = _comment(comment, required=False)
    with transaction.atomic():
        score = _existing(branch, period)
        _require_status(score, REVIEW)
        score.status = BranchScore.Status.REVIEWED
        score.reviewed_at, score.reviewed_by = timezone.now(), by
        score.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
        version = _snapshot(score, score.status, by)
        BranchScoreEvent.objects.create(
            branch_score=score, version=version, action=BranchScoreEvent.Action.REVIEW, by=by, comment=comment
        )
    return version


def score_recheck(*, branch: Organisation, period: Period, by: AbstractBaseUser, comment: str = "") -> BranchScoreVersion:
    """The 党委 has re-checked the score: the chain ends."""
    _require_step(by, branch, RECHECK)
    comment = _comment(comment, required=False)
    with transaction.atomic():
        score = _existing(branch, period)
        _require_status(score, RECHECK)
        score.status = BranchScore.Status.RECHECKED
        score.rechecked_at, score.rechecked_by = timezone.now(), by
        score.save(update_fields=["status", "rechecked_at", "rechecked_by", "updated_at"])
        version = _snapshot(score, score.status, by)
        BranchScoreEvent.objects.create(
            branch_score=score, version=version, action=BranchScoreEvent.Action.RECHECK, by=by, comment=comment
        )
    return version


def score_return(*, branch: Organisation, period: Period, by: AbstractBaseUser, comment: str) -> BranchScoreEvent:
    """Send the score back to the branch from the step now acting (党总支 or 党委), with a comment."""
    comment = _comment(comment, required=True)
    steps = access.inspection_steps(by, branch)
    with transaction.atomic():
        score = _existing(branch, period)
        step = REVIEW if score.status == BranchScore.Status.SUBMITTED else RECHECK
        if step not in steps:
            raise PermissionDenied(f"您不能在{STEP_NAMES[step]}环节退回")
        _require_status(score, step)
        score.status = BranchScore.Status.RETURNED
        score.save(update_fields=["status", "updated_at"])
        return BranchScoreEvent.objects.create(branch_score=score, action=BranchScoreEvent.Action.RETURN, by=by, comment=comment)


# --- a deduction onto the 整改台账 -------------------------------------------------------------


def score_item_rectify(
    *, branch: Organisation, period: Period, item_code: str, by: AbstractBaseUser, today: datetime.date | None = None
):
    """Open an entry of the branch's 整改台账 for an item that lost points, in one step: the
    problem is the item's deduction and its reasons as the score page shows them. Once per item
    and period (asking again returns the entry already opened). Raises ``ValidationError`` for an
    item that lost nothing."""
    if not access.can_write_branch(by, branch):
        raise PermissionDenied("只有本支部的书记或支委可以登记整改事项")
    today = today or timezone.localdate()
    page = score_page(branch=branch, period=period, today=today, live=True)
    line = next((line for line in page.lines if line.item.code == item_code), None)
    if page.standard is None or line is None:
        raise ValidationError("考核细则中没有该项")
    final = line.final_score
    if final is None or final >= line.item.points:
        raise ValidationError(f"第{line.item.code}项没有扣分，无需列入整改台账")
    reasons = "；".join(reason.text for reason in line.proposal.reasons if reason.text)
    reviewed = line.row and (line.row.recheck_reason or line.row.review_reason or line.row.secretary_reason)
    lost = line.item.points - final
    problem = f"{period.label}迎检自评第{line.item.code}项（{line.item.category}）扣{lost.normalize():f}分"
    detail = reviewed or reasons
    if detail:
        problem += f"：{detail}"
    limit = Activity._meta.get_field("title").max_length
    if len(problem) > limit:
        problem = problem[: limit - 1] + "…"
    return rectification_open(
        branch=branch,
        source=RectificationSource.INSPECTION,
        problem=problem,
        by=by,
        source_ref=f"{page.standard.title} 第{line.item.code}项",
        source_key=f"inspection:{page.standard.pk}:{period.code}:{line.item.code}",
        found_on=today,  # found at the inspection, whenever the period it scored
    )
