"""The inspection box of the branch home page (registered with activities in ``InspectionConfig``):
links to the self-score of the year and of the half shown, and no query."""

import datetime
from dataclasses import dataclass

from activities.pages import HomePanel
from branchwork.models import Organisation
from branchwork.periods import Period


@dataclass(frozen=True)
class InspectionPanel:
    periods: list[Period]


def branch_home_panel(*, branch: Organisation, period: Period, today: datetime.date, can_write: bool) -> HomePanel:
    periods = [Period(period.year)] + ([period] if period.half else [])
    return HomePanel("inspection/_branch_panel.html", InspectionPanel(periods))
