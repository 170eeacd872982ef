"""How people are named: one 姓名, stored whole in ``first_name`` with ``last_name`` empty, and
shown everywhere through ``person_name`` (the template filter ``person_name`` calls it), so a
secretary is 「李一帅」, never Django's 「一帅 李」.

Below the models on purpose: ``Role.__str__`` names its user, and the accounts services (which
import the models) use the same words, so this module imports nothing of branchwork's."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def person_name(user) -> str:
    """How a person is named on every page: the whole Chinese name, else the login name.

    Accounts made before names were entered whole may still hold 姓 in ``last_name`` and 名 in
    ``first_name``: they read surname first, without a space, as Chinese names do."""
    if user is None:
        return ""
    return whole_name(user) or user.get_username()


def person_label(user) -> str:
    """A name with the login name, where both are needed to tell people apart: 李一帅（li_ys）."""
    name = whole_name(user)
    return f"{name}（{user.get_username()}）" if name else user.get_username()


def whole_name(user) -> str:
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not last:
        return first
    # Chinese names read surname first without a space; a Western name keeps its order.
    return f"{last}{first}" if _CJK.search(last + first) else f"{first} {last}".strip()
