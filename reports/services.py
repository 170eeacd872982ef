"""The report workflow: start, write, recompile, carry over, submit, return, approve.

Every function here is keyword-only, checks who may do it (``branchwork.access``), runs in a
transaction and never sees a request. Views call these and only translate the exceptions:

- ``PermissionDenied`` — the user may not do this to this report at all;
- ``WorkflowError`` — not in the report's current state (a Chinese message to show);
- ``ReportConflict`` — someone else saved since the form was loaded (nothing was written);
- ``ValidationError`` — bad text (an empty item, an unknown placeholder).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max

from activities.models import Activity
from branchwork import access, limits
from branchwork.audit.services import audit_bulk_created, audit_bulk_updating
from branchwork.models import Organisation
from branchwork.periods import Period

from .claims import empty_sections
from .compile import compile_report, default_header, default_items, fill_values, unknown_placeholders
from .defaults import GENERAL_PROBLEMS
from .document import Document, chinese_ordinal
from .models import (
    CARRY_SECTIONS,
    SECTION_HEADINGS,
    BranchProfile,
    Report,
    ReportEvent,
    ReportItem,
    ReportVersion,
    ReviewComment,
)
from .profile import profile_changed, report_facts
from .renderers import RENDERERS
from .signals import report_approved, report_returned, report_submitted

logger = logging.getLogger(__name__)

FILE_FORMATS = ("docx", "pdf")

# Bounds on what a report may hold, so that every page, comparison and file made from it is made in
# seconds. Generous: the reference half-year report has 4,300 characters and 20 items.
# (branchwork.limits holds them with the others.)
ITEM_MAX_CHARS = limits.REPORT_ITEM_MAX_CHARS  # one item, and the opening paragraph
REPORT_MAX_CHARS = limits.REPORT_MAX_CHARS  # the opening and every item together
REPORT_MAX_ITEMS = limits.REPORT_MAX_ITEMS


class WorkflowError(Exception):
    """The action is not possible in the report's current state. ``str()`` is the user's message."""


class ReportConflict(Exception):
    """A save started from an older revision: someone else saved in between. Nothing was written."""

    def __init__(self, report: Report):
        super().__init__("在您编辑期间，该报告已被他人保存")
        self.report = report  # the report as saved now, with its items prefetched


@dataclass(frozen=True)
class ItemInput:
    """One item as the editor submits it. ``pk`` names an existing item of the report; an unknown
    pk (an item someone else deleted meanwhile) is created anew, so no typed text is dropped."""

    section: int
    text: str
    numbered: bool = True
    pk: int | None = None
    origin: str = ""


@dataclass(frozen=True)
class CarryOption:
    key: str  # "item:12" (an item of last period's report) or "rect:34" (an open rectification)
    section: int
    text: str
    source: str
    # For a problem the secretary wrote last period: what became of it (``TypedCarried.evidence``).
    status: str = ""


# --- who may do what -------------------------------------------------------------------------


def _require_writer(user: AbstractBaseUser, branch: Organisation) -> None:
    if not access.can_write_branch(user, branch):
        raise PermissionDenied("只有本支部书记和支委可以撰写、报送工作总结")


def _require_reviewer(user: AbstractBaseUser, branch: Organisation) -> None:
    if not access.can_review_branch(user, branch):
        raise PermissionDenied("只有上级党组织的审阅人可以退回或审核工作总结")


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("branch").get(pk=report.pk)


def _sync(target: Report, source: Report) -> None:
    """Copy what a service changed onto the caller's instance, so it does not go stale."""
    for name in ("status", "revision", "title", "addressee", "opening", "signature", "signed_on", "dismissed_origins"):
        setattr(target, name, getattr(source, name))


def _require_editable(report: Report) -> None:
    if report.status == Report.Status.SUBMITTED:
        raise WorkflowError("该报告已报送，正在等待审阅，不能修改")
    if report.status == Report.Status.APPROVED:
        raise WorkflowError("该报告已审核通过，不能修改")


# --- validation --------------------------------------------------------------------------------


def item_text_errors(text: str) -> list[str]:
    """What is wrong with an item's text, in Chinese; empty when it may be saved."""
    if not text.strip():
        return ["条目内容不能为空；不需要的条目请删除"]
    if len(text.strip()) > ITEM_MAX_CHARS:
        return [f"本条有 {len(text.strip()):,} 字，每条最多 {ITEM_MAX_CHARS:,} 字，请精简或拆成几条"]
    unknown = unknown_placeholders(text)
    if unknown:
        names = "、".join(f"〔{name}〕" for name in unknown)
        return [f"未知的占位符：{names}。请从右侧“可插入的数据”中选择，或删除该占位符"]
    return []


def opening_errors(opening: str) -> list[str]:
    if len(opening.strip()) > ITEM_MAX_CHARS:
        return [f"开头段落有 {len(opening.strip()):,} 字，最多 {ITEM_MAX_CHARS:,} 字，请精简"]
    return []


def report_size_errors(*, opening: str, texts: Sequence[str]) -> list[str]:
    """What makes the report as a whole too long (its items, and all its text together), in
    Chinese; empty when it may be saved."""
    errors = []
    if len(texts) > REPORT_MAX_ITEMS:
        errors.append(f"报告共有 {len(texts)} 条，最多 {REPORT_MAX_ITEMS} 条，请合并或删除部分条目")
    total = len(opening.strip()) + sum(len(text.strip()) for text in texts)
    if total > REPORT_MAX_CHARS:
        errors.append(
            f"报告正文共 {total:,} 字，超过 {REPORT_MAX_CHARS:,} 字的上限，请精简后再保存"
            "（半年工作总结一般在一万字以内）"
        )
    return errors


HEADING_MAX_LENGTH = 60


def _validate(
    *,
    title: str,
    addressee: str,
    opening: str,
    signature: str,
    items: Sequence[ItemInput],
    headings: dict[int, str] | None = None,
) -> None:
    errors = []
    for number, heading in (headings or {}).items():
        if len(heading.strip()) > HEADING_MAX_LENGTH:
            errors.append(f"第{chinese_ordinal(number)}部分的标题不能超过{HEADING_MAX_LENGTH}个字")
    for label, value in (("标题", title), ("主送", addressee), ("落款", signature)):
        if not value.strip():
            errors.append(f"{label}不能为空")
    for item in items:
        if item.section not in SECTION_HEADINGS:
            errors.append(f"无效的部分编号：{item.section}")
        errors += item_text_errors(item.text)
    errors += opening_errors(opening)
    errors += report_size_errors(opening=opening, texts=[item.text for item in items])
    if errors:
        raise ValidationError(errors)


# --- writing -----------------------------------------------------------------------------------


def report_create(*, branch: Organisation, period: Period, by: AbstractBaseUser) -> Report:
    """A new draft with the reference's header and a default item for every kind of record the
    period has. Refused if the branch already has a report for the period."""
    _require_writer(by, branch)
    facts = report_facts(branch=branch, period=period)
    header = default_header(branch=branch, period=period, profile=facts.profile, facts=facts)
    drafts = default_items(facts=facts)
    exists = WorkflowError(f"{period.long_label}的工作总结已经开始撰写")
    if Report.objects.filter(branch=branch, year=period.year, half=period.half).exists():
        raise exists
    try:
        with transaction.atomic():
            report = _create(branch=branch, period=period, header=header, drafts=drafts, by=by)
    except IntegrityError:  # started by someone else at the same moment
        raise exists from None
    return report


def _create(*, branch: Organisation, period: Period, header, drafts, by: AbstractBaseUser) -> Report:
    report = Report.objects.create(
        branch=branch,
        year=period.year,
        half=period.half,
        title=header.title,
        addressee=header.addressee,
        opening=header.opening,
        signature=header.signature,
        signed_on=header.signed_on,
        headings={key: value for key, value in (header.headings or {}).items() if value},
        created_by=by,
        updated_by=by,
    )
    audit_bulk_created(objects=ReportItem.objects.bulk_create(_new_items(report, drafts, start={})))
    ReportEvent.objects.create(report=report, action=ReportEvent.Action.CREATE, by=by)
    return report


def _new_items(report: Report, drafts: Iterable, *, start: dict[int, int]) -> list[ReportItem]:
    """Unsaved items for drafts (anything with section/text/numbered/origin), each appended to
    its section after position ``start[section]``."""
    next_position = dict(start)
    items = []
    for draft in drafts:
        position = next_position.get(draft.section, 0) + 1
        next_position[draft.section] = position
        items.append(
            ReportItem(
                report=report,
                section=draft.section,
                position=position,
                numbered=draft.numbered,
                text=draft.text,
                origin=draft.origin,
            )
        )
    return items


def report_save(
    *,
    report: Report,
    expected_revision: int,
    title: str,
    addressee: str,
    opening: str,
    signature: str,
    signed_on,
    items: Sequence[ItemInput],
    by: AbstractBaseUser,
    headings: dict[int, str] | None = None,
) -> Report:
    """Write the header and the whole list of items (in order) as the editor shows them.

    ``headings`` gives section headings by number; one left empty or equal to the default is the
    default (the six sections and their order never change). ``None`` keeps the saved headings.

    Optimistic locking: the report row is locked and its revision compared with the one the form
    was loaded at; if someone saved in between, ``ReportConflict`` is raised and nothing is written.
    Items missing from ``items`` are deleted; a deleted default item is remembered so that
    recompiling does not bring it back.
    """
    _require_writer(by, report.branch)
    _validate(title=title, addressee=addressee, opening=opening, signature=signature, items=items, headings=headings)
    with transaction.atomic():
        locked = _locked(report)
        _require_editable(locked)
        if locked.revision != expected_revision:
            raise ReportConflict(Report.objects.select_related("updated_by").prefetch_related("items").get(pk=locked.pk))

        dismissed = _write_items(locked, items)

        locked.title, locked.addressee, locked.opening = title.strip(), addressee.strip(), opening.strip()
        locked.signature, locked.signed_on = signature.strip(), signed_on
        locked.dismissed_origins = sorted(dismissed)
        if headings is not None:
            locked.headings = heading_overrides(headings)
        locked.revision += 1
        locked.updated_by = by
        locked.save(
            update_fields=[
                "headings",
                "title",
                "addressee",
                "opening",
                "signature",
                "signed_on",
                "dismissed_origins",
                "revision",
                "updated_by",
                "updated_at",
            ]
        )
    _sync(report, locked)
    return report


def _write_items(locked: Report, items: Sequence[ItemInput]) -> set[str]:
    """The report's items made those given, in order: kept by id, new ones created, the rest
    deleted. Returns the default items dismissed so far, with those deleted now."""
    existing = {item.pk: item for item in locked.items.all()}
    positions: dict[int, int] = {}
    to_update, to_create, kept = [], [], set()
    for data in items:
        positions[data.section] = positions.get(data.section, 0) + 1
        item = existing.get(data.pk) if data.pk is not None else None
        if item is not None and item.pk not in kept:
            kept.add(item.pk)
            wanted = (data.text, data.numbered, positions[data.section], data.section)
            if (item.text, item.numbered, item.position, item.section) != wanted:
                # Only the items that changed are written (and audited): a save of one typed
                # word in a report of sixty items updates one row, not sixty.
                item.text, item.numbered, item.position, item.section = wanted
                to_update.append(item)
        else:
            to_create.append(
                ReportItem(
                    report=locked,
                    section=data.section,
                    position=positions[data.section],
                    numbered=data.numbered,
                    text=data.text,
                    origin=data.origin,
                )
            )
    removed = [item for pk, item in existing.items() if pk not in kept]
    dismissed = set(locked.dismissed_origins) | {item.origin for item in removed if item.origin}
    ReportItem.objects.filter(pk__in=[item.pk for item in removed]).delete()
    audit_bulk_updating(objects=to_update, fields=["text", "numbered", "position", "section"])
    ReportItem.objects.bulk_update(to_update, ["text", "numbered", "position", "section"])
    audit_bulk_created(objects=ReportItem.objects.bulk_create(to_create))
    return dismissed


def heading_overrides(headings: dict[int, str]) -> dict[str, str]:
    """The headings that differ from the defaults, keyed "1"…"6" as the report stores them."""
    overrides = {}
    for number, default in SECTION_HEADINGS.items():
        text = " ".join((headings.get(number) or "").split())
        if text and text != default:
            overrides[str(number)] = text
    return overrides


def _append(locked: Report, drafts: Sequence, by: AbstractBaseUser) -> list[ReportItem]:
    """Append items to their sections and bump the revision (an open form is now stale)."""
    if not drafts:
        return []
    last = dict(locked.items.values_list("section").annotate(last=Max("position")).values_list("section", "last"))
    created = ReportItem.objects.bulk_create(_new_items(locked, drafts, start=last))
    audit_bulk_created(objects=created)
    locked.revision += 1
    locked.updated_by = by
    locked.save(update_fields=["revision", "updated_by", "updated_at"])
    return created


def report_recompile(*, report: Report, by: AbstractBaseUser) -> list[ReportItem]:
    """Add the default items whose kinds of records appeared since the report was started.

    Existing items are never touched: their figures are placeholders, filled afresh every time the
    report is compiled. Default items the secretary deleted stay deleted. Returns the added items.
    """
    _require_writer(by, report.branch)
    drafts = default_items(facts=report_facts(branch=report.branch, period=report.period))
    with transaction.atomic():
        locked = _locked(report)
        _require_editable(locked)
        have = set(locked.items.exclude(origin="").values_list("origin", flat=True)) | set(locked.dismissed_origins)
        added = _append(locked, [draft for draft in drafts if draft.origin and draft.origin not in have], by)
    _sync(report, locked)
    return added


def report_carry_over_options(
    *, report: Report, values: dict | None = None, items: list[ReportItem] | None = None, facts=None
) -> list[CarryOption]:
    """What may be carried into 存在的问题 and 下一步工作计划: the previous period's items of those
    sections, rectification items not yet resolved, and the general problems that may apply to the
    branch (``defaults.GENERAL_PROBLEMS``: offered, never proposed). Options already carried are
    left out. ``values``: the placeholders' values for the period, when the caller has them;
    ``items`` (``selectors.report_items_with_last_problems``) and ``facts`` (the period's, with
    the rectification items read): what the caller has read, so nothing is read again."""
    previous = report.period.previous()
    if items is None:
        own_items = list(report.items.only("section", "origin", "text"))
        previous_items = list(
            ReportItem.objects.filter(
                report__branch=report.branch,
                report__year=previous.year,
                report__half=previous.half,
                section__in=CARRY_SECTIONS,
            )
        )
    else:
        own_items = [item for item in items if item.report_id == report.pk]
        previous_items = [
            item for item in items
            if (item.report_year, item.report_half) == (previous.year, previous.half) and item.section in CARRY_SECTIONS
        ]
    carried = {item.origin.removeprefix("carry:") for item in own_items if item.origin.startswith("carry:")}
    options = []
    source = f"{previous.long_label}工作总结"
    for item in sorted(previous_items, key=lambda item: (item.section, item.position, item.pk)):
        options.append(CarryOption(key=f"item:{item.pk}", section=item.section, text=item.text, source=source))
    if facts is not None and facts.unresolved_rectifications is not None:
        rectifications = [(item.activity_ids[0], item.name) for item in facts.unresolved_rectifications]
    else:
        rectifications = list(
            Activity.objects.for_branch(report.branch)
            .filter(kind="rectification", is_resolved=False, date__lte=report.period.end)
            .order_by("date", "pk")
            .values_list("pk", "title")
        )
    for pk, title in rectifications:
        options.append(CarryOption(key=f"rect:{pk}", section=5, text=title, source="未完成的整改事项"))
    if values is None:
        values = fill_values(report_facts(branch=report.branch, period=report.period))
    texts = {item.text for item in own_items if item.section == 5}
    for problem in GENERAL_PROBLEMS:
        if all(values.get(name) for name in problem.requires) and problem.text not in texts:
            options.append(
                CarryOption(key=f"general:{problem.key}", section=5, text=problem.text, source="常见问题，属实时可选用")
            )
    return [option for option in options if option.key not in carried]


def report_carry_over(*, report: Report, keys: Iterable[str], by: AbstractBaseUser) -> list[ReportItem]:
    """Append the chosen carry-over options (by key) to their sections. Unknown keys are ignored,
    so only what ``report_carry_over_options`` offers can be carried."""
    _require_writer(by, report.branch)
    wanted = set(keys)
    chosen = [option for option in report_carry_over_options(report=report) if option.key in wanted]
    drafts = [
        ItemInput(section=option.section, text=option.text, numbered=True, origin=f"carry:{option.key}")
        for option in chosen
    ]
    with transaction.atomic():
        locked = _locked(report)
        _require_editable(locked)
        added = _append(locked, drafts, by)
    _sync(report, locked)
    return added


def report_save_and_apply(
    *, report: Report, by: AbstractBaseUser, action: str = "", carry_keys: Iterable[str] = (), **save_arguments
) -> list[ReportItem]:
    """What the editor's buttons do: save the text, then — asked for in the same request —
    recompile (``action="recompile"``) or append the chosen carry-over options (``"carry"``). All
    or nothing: a recompile that fails leaves the text unsaved too. Returns the items added."""
    keys = list(carry_keys)
    with transaction.atomic():
        report_save(report=report, by=by, **save_arguments)
        if action == "recompile":
            return report_recompile(report=report, by=by)
        if action == "carry" and keys:
            return report_carry_over(report=report, keys=keys, by=by)
    return []


# --- the branch profile ------------------------------------------------------------------------


def profile_save(
    *,
    branch: Organisation,
    by: AbstractBaseUser,
    profile_form,
    year_form,
    standing_formset,
) -> BranchProfile:
    """Save the branch's profile, one year's texts and its standing work together, and renew the
    branch's figures version so that every cached draft is compiled again with the new words.
    The forms must be valid; writers of the branch only."""
    _require_writer(by, branch)
    with transaction.atomic():
        profile = profile_form.save(commit=False)
        profile.branch = branch
        profile.headings = heading_overrides(profile_form.headings())
        profile.save()
        # A year with nothing written gets no row; a stored year is saved even when emptied, so
        # clearing its fields clears what the drafts read.
        year_row = year_form.save(commit=False)
        year_row.branch = branch
        if year_row.pk or not year_form.is_blank():
            year_row.save()
        standing_formset.instance = branch
        standing_formset.save()
        profile_changed(branch=branch)
    return profile


# --- submission and stored files --------------------------------------------------------------


class StorageUnavailable(WorkflowError):
    """The file storage refused a write (disk full, read-only, no permission). Nothing was
    submitted and nothing stays behind; ``str()`` is the user's message."""


STORAGE_UNAVAILABLE = "服务器存储空间不足或暂时不可写，文件未能保存，本次报送没有生效，报告保持原样。请稍后再试，或联系系统管理员。"
STORAGE_UNAVAILABLE_DOWNLOAD = "服务器存储空间不足或暂时不可写，文件未能生成，请稍后再试，或联系系统管理员。"


def _version_file_name(report: Report, number: int, fmt: str) -> str:
    return f"{report.branch.code}-{report.period.code}-v{number}.{RENDERERS[fmt].extension}"


def _render_and_store(holder: ReportVersion, document: Document, report: Report, formats: Sequence[str]) -> list[str]:
    """Render ``formats`` of ``document`` and write them to storage through ``holder``'s file
    fields (whose names they take), with no transaction open: rendering takes seconds and must not
    hold a lock. Returns the stored names. A renderer that fails is logged and skipped (the file is
    rendered again on first download); a storage that cannot write removes what this call stored
    and raises ``StorageUnavailable``."""
    stored: list[str] = []
    for fmt in formats:
        try:
            content = RENDERERS[fmt].render(document)
        except Exception:  # a renderer's bug must not cost the submission
            logger.exception("Rendering %s of report %s failed; it will be retried on download", fmt, report.pk)
            continue
        field = _file_field(holder, fmt)
        try:
            field.save(_version_file_name(report, holder.number, fmt), ContentFile(content), save=False)
        except OSError as error:
            logger.error("Storing %s of report %s failed: %s", fmt, report.pk, error)
            _discard(stored)
            raise StorageUnavailable(STORAGE_UNAVAILABLE) from error
        stored.append(field.name)
    return stored


def _discard(names: Iterable[str]) -> None:
    """Remove files written for a change that did not commit (``manage.py cleanup`` finds any a
    killed process left)."""
    storage = ReportVersion._meta.get_field("docx_file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove %s after a failed write; manage.py cleanup will", name)


def _check_submittable(report: Report) -> None:
    if report.status == Report.Status.SUBMITTED:
        raise WorkflowError("该报告已报送，正在等待审阅")
    if report.status == Report.Status.APPROVED:
        raise WorkflowError("该报告已审核通过，不能再次报送")


def report_submit(*, report: Report, by: AbstractBaseUser) -> ReportVersion:
    """Freeze the report as it compiles now into version n+1 and send it for review.

    The compiled document is stored as JSON and never changes afterwards. Its DOCX and PDF are
    rendered and written to storage first, with no lock held, and the version is committed
    pointing at them: a submission is never stored without its files, and files whose submission
    did not commit are removed. A storage that cannot write (disk full) fails the submission with
    ``StorageUnavailable`` and changes nothing. If someone saves the report while its files render,
    it is compiled and rendered again (a few times at most). A renderer's failure does not undo the
    submission: that file is rendered on first download (``version_files_ensure``).
    """
    _require_writer(by, report.branch)
    for _attempt in range(3):
        current = Report.objects.select_related("branch").get(pk=report.pk)
        _check_submittable(current)
        document = compile_report(current)
        empty = empty_sections(document)
        if empty:
            names = "、".join(f"“{chinese_ordinal(n)}、{document.sections[n - 1].heading}”" for n in empty)
            raise WorkflowError(f"{names}还没有内容。每个部分都须有内容才能报送，请补充后再报送")
        number = (current.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = ReportVersion(report=current, number=number, document=document.to_json(), submitted_by=by)
        stored = _render_and_store(version, document, current, FILE_FORMATS)
        try:
            with transaction.atomic():
                locked = _locked(report)
                _check_submittable(locked)
                if locked.revision != current.revision:
                    _discard(stored)  # saved meanwhile: compile what was saved
                    continue
                version.report = locked
                version.number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
                version.save()
                locked.status = Report.Status.SUBMITTED
                locked.revision += 1
                locked.updated_by = by
                locked.save(update_fields=["status", "revision", "updated_by", "updated_at"])
                ReportEvent.objects.create(report=locked, version=version, action=ReportEvent.Action.SUBMIT, by=by)
                report_submitted.send(sender=Report, report=locked, version=version, by=by)
        except BaseException:
            _discard(stored)
            raise
        _sync(report, locked)
        return version
    raise WorkflowError("报送期间该报告一直在被修改，请稍后再报送")


def _file_field(version: ReportVersion, fmt: str):
    return {"docx": version.docx_file, "pdf": version.pdf_file}[fmt]


def version_files_ensure(*, version: ReportVersion, formats: Sequence[str] = FILE_FORMATS) -> ReportVersion:
    """Render and store whichever of the version's files are missing, from its frozen document.

    Rendered and written with no lock held; then recorded under the row's lock unless another
    request stored the same file meanwhile (ours is removed and theirs served), so a version's
    downloads stay byte-identical. ``StorageUnavailable`` when the storage cannot write.
    """
    missing = [fmt for fmt in formats if not _file_field(version, fmt)]
    if not missing:
        return version
    fresh = ReportVersion.objects.select_related("report__branch").get(pk=version.pk)
    missing = [fmt for fmt in missing if not _file_field(fresh, fmt)]
    document = Document.from_json(fresh.document)
    for fmt in missing:
        content = RENDERERS[fmt].render(document)  # a failure here is the download's 500
        field = _file_field(fresh, fmt)
        try:
            field.save(_version_file_name(fresh.report, fresh.number, fmt), ContentFile(content), save=False)
        except OSError as error:
            raise StorageUnavailable(STORAGE_UNAVAILABLE_DOWNLOAD) from error
        ours = field.name
        try:
            with transaction.atomic():
                locked = ReportVersion.objects.select_for_update().get(pk=version.pk)
                if _file_field(locked, fmt):
                    _discard([ours])  # stored by a simultaneous download: serve that one
                    setattr(fresh, field.field.name, _file_field(locked, fmt).name)
                else:
                    setattr(locked, field.field.name, ours)
                    locked.save(update_fields=[field.field.name])
        except BaseException:
            _discard([ours])
            raise
    version.docx_file, version.pdf_file = fresh.docx_file.name, fresh.pdf_file.name
    return version


# --- review -----------------------------------------------------------------------------------


def _require_submitted(locked: Report, by: AbstractBaseUser, verb: str, version_number: int | None) -> ReportVersion:
    if locked.status != Report.Status.SUBMITTED:
        if locked.status == Report.Status.DRAFT:
            raise WorkflowError(f"该报告尚未报送，不能{verb}")
        last = (
            locked.events.filter(action__in=[ReportEvent.Action.RETURN, ReportEvent.Action.APPROVE])
            .order_by("-at", "-pk")
            .first()
        )
        if last is not None and last.by_id != by.pk:
            raise WorkflowError(f"该报告已被其他审阅人处理（{locked.get_status_display()}），不能再{verb}")
        raise WorkflowError(f"该报告{locked.get_status_display()}，不能再{verb}")
    version = locked.versions.order_by("-number").first()
    if version_number is not None and version.number != version_number:
        raise WorkflowError(f"该报告已重新报送为第{version.number}版，请先查看新版本再{verb}")
    return version


def report_return(
    *,
    report: Report,
    by: AbstractBaseUser,
    comment: str,
    section_comments: dict[int, str] | None = None,
    version_number: int | None = None,
) -> ReportEvent:
    """Send a submitted report back for revision with comments, overall and per section.

    Two reviewers acting at once: the row lock and the status re-check let one win; the other gets
    a ``WorkflowError``. ``version_number`` (the version the reviewer read) guards against
    returning a newer version unseen.
    """
    _require_reviewer(by, report.branch)
    comment = comment.strip()
    sections = {
        int(number): text.strip()
        for number, text in (section_comments or {}).items()
        if int(number) in SECTION_HEADINGS and text.strip()
    }
    if not comment and not sections:
        raise ValidationError({"comment": "退回修改时请至少填写一条意见，说明需要修改什么。"})
    for text in (comment, *sections.values()):
        if len(text) > limits.COMMENT_MAX_CHARS:
            raise ValidationError(
                {"comment": f"每条意见最多 {limits.COMMENT_MAX_CHARS:,} 字（现有 {len(text):,} 字），请精简后再退回。"}
            )
    with transaction.atomic():
        locked = _locked(report)
        version = _require_submitted(locked, by, "退回", version_number)
        locked.status = Report.Status.RETURNED
        locked.revision += 1
        locked.save(update_fields=["status", "revision", "updated_at"])
        event = ReportEvent.objects.create(
            report=locked, version=version, action=ReportEvent.Action.RETURN, by=by, comment=comment
        )
        comments = [ReviewComment(version=version, event=event, section=None, text=comment, by=by)] if comment else []
        comments += [
            ReviewComment(version=version, event=event, section=number, text=text, by=by)
            for number, text in sorted(sections.items())
        ]
        ReviewComment.objects.bulk_create(comments)
        report_returned.send(sender=Report, report=locked, version=version, by=by, comment=comment)
    _sync(report, locked)
    return event


def report_approve(
    *, report: Report, by: AbstractBaseUser, comment: str = "", version_number: int | None = None
) -> ReportEvent:
    """Approve a submitted report: its latest version is final."""
    _require_reviewer(by, report.branch)
    comment = comment.strip()
    if len(comment) > limits.COMMENT_MAX_CHARS:
        raise ValidationError(
            {"comment": f"意见最多 {limits.COMMENT_MAX_CHARS:,} 字（现有 {len(comment):,} 字），请精简后再提交。"}
        )
    with transaction.atomic():
        locked = _locked(report)
        version = _require_submitted(locked, by, "审核", version_number)
        locked.status = Report.Status.APPROVED
        locked.revision += 1
        locked.save(update_fields=["status", "revision", "updated_at"])
        event = ReportEvent.objects.create(
            report=locked, version=version, action=ReportEvent.Action.APPROVE, by=by, comment=comment
        )
        if comment:
            ReviewComment.objects.create(version=version, event=event, section=None, text=comment, by=by)
        report_approved.send(sender=Report, report=locked, version=version, by=by, comment=comment)
    _sync(report, locked)
    return event
