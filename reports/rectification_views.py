"""「列入整改台账」 from the report editor: a problem of 存在的问题 opened as an entry of the
branch's rectification ledger (``activities.rectifications``), with the item's text as the
problem. The branch is loaded through ``branchwork.access`` (reviewers above get 403); the report
itself is not changed, so a submitted report's problems may be opened too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from activities import rectifications as ledger
from activities.models import RectificationSource
from activities.rectification_forms import OpenEntryForm
from branchwork import access

from .compile import fill_text, fill_values
from .models import ReportItem
from .profile import report_facts

PROBLEMS_SECTION = 5


def item_problem_text(item: ReportItem, facts) -> str:
    """The item as it reads in the compiled report: its placeholders filled."""
    runs = fill_text(item.text, fill_values(facts)) or ()
    return "".join(run.text for run in runs).strip()


def source_key(item: ReportItem) -> str:
    return f"report-item:{item.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def report_item_rectify(request, code, period, item_pk):
    branch = access.branch_for_user(request.user, code, write=True)
    item = get_object_or_404(
        ReportItem.objects.select_related("report").filter(
            report__branch=branch, report__year=period.year, report__half=period.half, section=PROBLEMS_SECTION
        ),
        pk=item_pk,
    )
    opened = ledger.entries_of(branch).filter(source_key=source_key(item)).first()
    if opened is not None:
        messages.info(request, "该问题已列入整改台账。")
        return redirect("activities:rectification_detail", code=branch.code, pk=opened.pk)
    today = timezone.localdate()
    initial = {"title": item_problem_text(item, report_facts(branch=branch, period=period))[:200]}
    # The problem is entered in the ledger today: the deadline is checked against that day.
    form = OpenEntryForm(request.POST or None, branch=branch, found_on=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = ledger.rectification_open(
                branch=branch,
                source=RectificationSource.REPORT,
                source_ref=f"{period.label}工作总结“存在的问题”",
                source_key=source_key(item),
                problem=data["title"],
                found_on=today,
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
    return render(
        request,
        "reports/item_rectify.html",
        {"branch": branch, "period": period, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )
