"""The profile page's year (年度目标、主题活动、工作成效、自查问题): whatever the secretary writes
for the year is stored and read by the report, whichever field it is in."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports.models import ProfileYear
from reports.profile import report_facts
from tests.factories import ActivityFactory
from tests.security.posting import profile_data

pytestmark = pytest.mark.django_db
URL = reverse("reports:branch_profile", args=["kl"])
ACHIEVED = "主题党日活动增强了党员的归属感、责任感和荣誉感"
PROBLEM = "党建与业务工作融合方面，工作措施和力度不够"


@pytest.fixture(autouse=True)
def _records_since_2022(world):
    """The year menu, and so the page, offers 2022 once the branch has a record in it."""
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1))


def _stored_year(world) -> ProfileYear:
    return ProfileYear.objects.create(
        branch=world.branch, year=2022, goals="争创先进", campaigns="“学术质量年”", achievements=ACHIEVED, problems=PROBLEM
    )


def _year_facts(world):
    return report_facts(branch=world.branch, period=Period.parse("2022H1")).profile


def test_achievements_and_problems_alone_are_stored_and_reported(world, as_user):
    data = profile_data(**{"year-achievements": ACHIEVED, "year-problems": PROBLEM})

    response = as_user(world.secretary).post(URL, data)

    assert response.status_code == 302
    row = ProfileYear.objects.get(branch=world.branch, year=2022)
    assert (row.goals, row.campaigns, row.achievements, row.problems) == ("", "", ACHIEVED, PROBLEM)
    profile = _year_facts(world)
    assert profile.achievements == (ACHIEVED,) and profile.problems == (PROBLEM,)


def test_an_empty_year_stores_no_row(world, as_user):
    data = profile_data(unit_name="kl所", **{"year-goals": "  ", "year-achievements": "\n"})

    assert as_user(world.secretary).post(URL, data).status_code == 302
    assert not ProfileYear.objects.filter(branch=world.branch).exists()


def test_clearing_every_field_of_a_year_empties_its_texts(world, as_user):
    _stored_year(world)

    assert as_user(world.secretary).post(URL, profile_data()).status_code == 302

    row = ProfileYear.objects.get(branch=world.branch, year=2022)
    assert (row.goals, row.campaigns, row.achievements, row.problems) == ("", "", "", "")
    profile = _year_facts(world)
    assert (profile.goals, profile.campaigns, profile.achievements, profile.problems) == ("", (), (), ())


def test_the_page_shows_every_stored_field_of_the_year(world, as_user):
    _stored_year(world)

    page = as_user(world.secretary).get(URL, {"year": "2022"}).content.decode()

    assert 'value="争创先进"' in page
    for text in ("“学术质量年”", ACHIEVED, PROBLEM):
        assert f">\n{text}</textarea>" in page
