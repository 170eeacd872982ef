"""reports.claims.warm_up: what a gunicorn master compiles before forking, so that a worker's
first claim check compiles nothing."""

import re

from reports import claims


def test_after_the_warm_up_a_check_compiles_no_pattern(monkeypatch):
    re.purge()
    claims.warm_up()
    compiled = []
    original = re._compiler.compile

    def counting(pattern, flags):
        compiled.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(re._compiler, "compile", counting)
    assert claims._count_claims("本期召开支委会3次、支部党员大会2次，讲党课1次。") != []
    claims._kind_mentions("组织学习党史，召开支委会。")
    assert compiled == []


def test_without_it_the_first_check_compiles_them(monkeypatch):
    re.purge()
    compiled = []
    original = re._compiler.compile

    def counting(pattern, flags):
        compiled.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(re._compiler, "compile", counting)
    claims._count_claims("本期召开支委会3次。")
    assert len(compiled) > 50
