"""reports.claims.warm_up: what a gunicorn master compiles before forking, so that a worker's
first claim check compiles nothing."""

import re

import pytest

from reports import claims

SENTENCE = "本期召开支委会3次、支部党员大会2次，讲党课1次，组织学习党史。"


@pytest.fixture
def compiled(monkeypatch):
    """The patterns ``re`` compiles from here on, with every cache of them emptied first."""
    claims._compiled.cache_clear()
    re.purge()
    patterns = []
    original = re._compiler.compile

    def counting(pattern, flags):
        patterns.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(re._compiler, "compile", counting)
    return patterns


def test_after_the_warm_up_a_check_compiles_no_pattern(compiled):
    claims.warm_up()
    warmed = len(compiled)
    assert warmed > 50
    assert claims._count_claims(SENTENCE) != []
    assert claims._kind_mentions(SENTENCE) != []
    assert len(compiled) == warmed


def test_without_it_the_first_check_compiles_them(compiled):
    claims._count_claims(SENTENCE)
    assert len(compiled) > 50
