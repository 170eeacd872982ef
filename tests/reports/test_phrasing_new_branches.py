"""Phrasing bugs QA found in the drafts of two branches of kinds the repo had not seen (a university
graduate-student branch, a factory workshop branch): each sentence read as a Chinese official would
write it, and nothing in it that the branch's records do not say."""

import datetime

from activities.kinds import KINDS
from activities.selectors import Detail
from reports.placeholders import phrase_one

D = datetime.date


def _detail(kind: str, title: str, **fields) -> Detail:
    return Detail(id=1, kind=kind, date=D(2026, 3, 6), title=title, **fields)


# --- a title that says its own study verb -----------------------------------------------------------


def test_a_study_title_with_its_own_study_verb_gets_no_second_one():
    study = KINDS["study"]
    assert phrase_one(study, _detail("study", "集中学习党的二十届四中全会精神", place="材料学院楼B201")) == (
        "3月6日，在材料学院楼B201召开理论学习会，集中学习党的二十届四中全会精神"
    )
    assert phrase_one(study, _detail("study", "专题研讨习近平总书记关于教育、科技、人才的重要论述")) == (
        "3月6日，召开理论学习会，专题研讨习近平总书记关于教育、科技、人才的重要论述"
    )
    assert phrase_one(study, _detail("study", "传达学习全国两会精神")).endswith("召开理论学习会，传达学习全国两会精神")
    assert phrase_one(study, _detail("study", "学习《中国共产党章程》")).endswith("召开理论学习会，学习《中国共产党章程》")
    # A title without a verb of its own still gets the phrasing's.
    assert phrase_one(study, _detail("study", "党的二十届四中全会精神")).endswith("召开理论学习会，学习党的二十届四中全会精神")
