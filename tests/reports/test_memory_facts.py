"""The facts in memory (``tests/memory.py``) read as the same records saved: the pure tests of the
claim check and the compile step may trust them."""

import datetime

import pytest

from activities.models import Outlet
from reports.claims import check_paragraph
from reports.compile import fill_text, fill_values
from reports.profile import report_facts
from tests.factories import (
    ActivityFactory,
    BranchFactory,
    CommitteeFactory,
    OutletFactory,
    PublicityEntryFactory,
)
from tests.memory import Piece, facts_of, record
from tests.reports.test_claims import H1, PLANTED, TRUE, YEAR, pilot_records

D = datetime.date


def _save(records, pieces):
    branch = BranchFactory(name="试点党支部", parent=CommitteeFactory())
    for r in records:
        ActivityFactory(
            branch=branch, kind=r.kind, date=r.date, title=r.title, headcount=r.headcount, year_of=r.year_of,
            is_resolved=r.is_resolved, resolved_on=r.resolved_on, deadline=r.deadline, also=r.memory_kinds[1:],
        )
    for piece in pieces:
        outlet = OutletFactory(organisation=branch.parent, name=piece.outlet, level=piece.level, unit=piece.unit)
        PublicityEntryFactory(branch=branch, outlet=outlet, date=piece.date, count=piece.count)
    return branch


def _reading(facts) -> dict:
    """What the facts say, without the ids of the rows behind it (saved rows have other ids)."""
    return {
        "kinds": {code: tally.count for code, tally in facts.kinds.items()},
        "heads": {code: tally.count for code, tally in facts.heads.items()},
        "publicity": [(o.name, o.level, o.unit, o.count, len(o.publicity_ids)) for o in facts.publicity],
        "details": [(d.kind, d.date, d.title) for d in facts.details],
        "org_life": [(d.kind, d.date) for d in facts.org_life],
        "appraisal": [(d.kind, d.date) for d in facts.democratic_appraisal],
        "open": [n.name for n in facts.open_rectifications],
        "found": len(facts.rectifications_found),
        "as_of": facts.as_of,
        "deadlines": sorted(facts.rectification_deadlines.values()),
        "evidence_gaps": len(facts.evidence_gaps),
    }


@pytest.mark.django_db
def test_the_same_records_read_alike_in_memory_and_saved():
    records, pieces = pilot_records()
    records += [
        record("org_life", D(2022, 2, 25), also=("democratic_appraisal",), year_of=2021),
        record("rectification", D(2021, 12, 1), title="去年查摆的问题", deadline=D(2022, 4, 30)),
        record("rectification", D(2022, 3, 2), title="已整改的问题", is_resolved=True, resolved_on=D(2022, 5, 1)),
        record("study", D(2022, 8, 10)),  # the second half
    ]
    pieces = [*pieces, Piece("新华网", D(2022, 9, 1), count=2, level=Outlet.Level.CENTRAL, unit=Outlet.Unit.TIMES)]
    branch = _save(records, pieces)

    for period in (H1, YEAR):
        memory, saved = facts_of(records, period=period, pieces=pieces), report_facts(branch=branch, period=period)
        assert _reading(memory) == _reading(saved), period
        for section, sentence, *_ in [*PLANTED, *TRUE]:
            assert [(f.rule, f.message) for f in check_paragraph(fill_text(sentence, fill_values(memory)) or (), section=section, facts=memory)] == [
                (f.rule, f.message) for f in check_paragraph(fill_text(sentence, fill_values(saved)) or (), section=section, facts=saved)
            ], (period, sentence)
