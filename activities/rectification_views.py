"""Views of the rectification ledger (整改台账): the branch's ledger and its export, one entry's
page with its resolution, evidence and re-check, and 「列入整改台账」 from a record's page.
Every branch is loaded through ``branchwork.access`` (reviewers above read, the branch writes);
what the pages show and write is in ``activities.rectifications``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branchwork import access
from branchwork.periods import period_from_query
from branchwork.spreadsheets import xlsx_response

from . import rectifications as ledger
from .models import Activity, RectificationSource
from .periods import period_range
from .rectification_forms import EvidenceForm, LedgerFilterForm, OpenEntryForm, RecheckForm, ResolveForm

PAGE_SIZE = 50


def _filters(request, branch, today):
    """The period (None: every period) and status the ledger is filtered by, and the menu."""
    periods = period_range(branch, today)
    period = None
    if request.GET.get("period"):
        period, error = period_from_query(request.GET, today, periods)
        if error:
            messages.warning(request, error.replace("已显示本半年", "已显示全部期间"))
            period = None
    form = LedgerFilterForm(request.GET or None)
    return period, form.chosen_status, form, periods


@login_required
@require_GET
def rectification_ledger(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    period, status, form, periods = _filters(request, branch, today)
    records = ledger.ledger_queryset(branch=branch, today=today, period=period, status=status)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/rectification_ledger.html",
        {
            "branch": branch,
            "today": today,
            "period": period,
            "period_choices": periods.choices(),
            "status": status,
            "form": form,
            "page": page,
            "entries": ledger.ledger_rows(page.object_list, today=today),
            "status_rows": [
                (code, ledger.STATUS_LABELS[code], count)
                for code, count in ledger.status_counts(branch=branch, today=today, period=period).items()
            ],
            "can_write": access.can_write_branch(request.user, branch),
        },
    )


@login_required
@require_GET
def rectification_export(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    period, status, _form, _periods = _filters(request, branch, today)
    records = ledger.ledger_queryset(branch=branch, today=today, period=period, status=status)
    entries = ledger.ledger_rows(records[: ledger.EXPORT_MAX_ROWS], today=today)
    content = ledger.ledger_workbook(branch=branch, entries=entries, period=period, today=today)
    return xlsx_response(content, ledger.ledger_filename(branch=branch, period=period))


def _get_entry(branch, pk: int) -> Activity:
    return get_object_or_404(
        ledger.entries_of(branch).select_related("responsible_member", "source_activity", "rechecked_by"), pk=pk
    )


def _entry_page(request, branch, entry, *, status=200, **forms):
    today = timezone.localdate()
    can_write = access.can_write_branch(request.user, branch)
    context = {
        "branch": branch,
        "entry": ledger.Entry(entry, ledger.status_of(entry, today)),
        "today": today,
        "can_write": can_write,
    }
    if can_write:
        choices = ledger.evidence_choices(entry)
        context["resolve_form"] = forms.get("resolve_form") or ResolveForm(
            choices=choices, initial={"resolved_on": entry.resolved_on or today, "records": entry.evidence_records.all()}
        )
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm(
            choices=choices, initial={"records": entry.evidence_records.all()}
        )
        context["recheck_form"] = forms.get("recheck_form") or RecheckForm(initial={"rechecked_on": today})
    return render(request, "activities/rectification_detail.html", context, status=status)


@login_required
@require_GET
def rectification_detail(request, code, pk):
    branch = access.branch_for_user(request.user, code)
    return _entry_page(request, branch, _get_entry(branch, pk))


def _entry_action(request, code, pk, *, form_for, apply, done: str, form_name: str):
    """One step on an entry (resolve, evidence, re-check): its form, the service, and back to the
    entry — with the form and its errors (400) when the step is refused."""
    branch = access.branch_for_user(request.user, code, write=True)
    entry = _get_entry(branch, pk)
    form = form_for(entry)
    if form.is_valid():
        try:
            apply(entry, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("activities:rectification_detail", code=branch.code, pk=entry.pk)
    return _entry_page(request, branch, entry, status=400, **{form_name: form})


@login_required
@require_POST
def rectification_resolve(request, code, pk):
    return _entry_action(
        request,
        code,
        pk,
        form_for=lambda entry: ResolveForm(request.POST, choices=ledger.evidence_choices(entry)),
        apply=lambda entry, data: ledger.rectification_resolve(
            entry=entry, resolved_on=data["resolved_on"], records=data["records"], by=request.user
        ),
        done="已登记整改完成，待复查销号。",
        form_name="resolve_form",
    )


@login_required
@require_POST
def rectification_evidence(request, code, pk):
    return _entry_action(
        request,
        code,
        pk,
        form_for=lambda entry: EvidenceForm(request.POST, choices=ledger.evidence_choices(entry)),
        apply=lambda entry, data: ledger.rectification_set_evidence(entry=entry, records=data["records"], by=request.user),
        done="已保存整改佐证记录。",
        form_name="evidence_form",
    )


@login_required
@require_POST
def rectification_recheck(request, code, pk):
    return _entry_action(
        request,
        code,
        pk,
        form_for=lambda entry: RecheckForm(request.POST),
        apply=lambda entry, data: ledger.rectification_recheck(
            entry=entry, rechecked_on=data["rechecked_on"], note=data["note"], by=request.user
        ),
        done="已复查销号。",
        form_name="recheck_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_rectify(request, code, pk):
    """「列入整改台账」: a problem found at this record (a 组织生活会, a 民主评议…) opened as an entry."""
    branch = access.branch_for_user(request.user, code, write=True)
    source = get_object_or_404(Activity.objects.for_branch(branch).exclude(kind=ledger.KIND), pk=pk)
    form = OpenEntryForm(request.POST or None, branch=branch, found_on=source.date)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = ledger.rectification_open(
                branch=branch,
                source=ledger.SOURCE_OF_KIND.get(source.kind, RectificationSource.OTHER),
                source_activity=source,
                problem=data["title"],
                measures=data["content"],
                deadline=data["deadline"],
                responsible_member=data["responsible_member"],
                responsible_text=data["responsible_text"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已列入整改台账。")
            return redirect("activities:rectification_detail", code=branch.code, pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "activities/rectification_open.html", {"branch": branch, "source": source, "form": form}, status=status
    )
