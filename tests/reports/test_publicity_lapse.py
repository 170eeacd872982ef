"""「上半年未发布新闻宣传稿件」 is a branch's lapse only where it publishes: every 党总支 starts with
the default outlets, so a five-member company branch that never wrote a piece was told it, in 五
and 六, for having outlets it never chose."""

import datetime

import pytest

from branchwork.periods import Period
from reports.compile import compile_defaults
from tests.factories import BranchFactory, OutletFactory, PublicityEntryFactory

pytestmark = pytest.mark.django_db

H1 = Period.parse("2023H1")


def _draft(branch) -> str:
    return compile_defaults(branch=branch, period=H1).plain_text()


def test_a_branch_that_never_published_is_not_told_it_published_nothing():
    branch = BranchFactory()
    OutletFactory(organisation=branch.parent)

    assert "未发布新闻宣传稿件" not in _draft(branch)


def test_a_branch_that_published_before_and_stopped_is_told_so():
    branch = BranchFactory()
    PublicityEntryFactory(branch=branch, outlet=OutletFactory(organisation=branch.parent), date=datetime.date(2022, 9, 1))

    assert "上半年未发布新闻宣传稿件" in _draft(branch)
