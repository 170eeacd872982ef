"""The roster's member columns and their rules, declared once.

As pretix's ``ImportColumn`` (``src/pretix/base/modelimport.py``): each column names the
``Member`` field it fills and its heading in the workbooks, and ``clean(value, previous_values)``
is the rule its value keeps, raising ``ValidationError`` in words for a secretary. The member form
(``MemberForm.clean_<field>``, ``TransferOutForm``), the roster import and the set-up workbook's
党员 sheet (both through ``roster.check_member_row``) call the same ``clean``, so a rule — the
earliest date, a name's length, what a 支部职务 may be — is changed in one place and reads the
same wherever it refuses.

The rules across a branch's roster live here too: a name names one member of the branch (the
imports match rows to members by name), and a branch has one 书记 on the roll.
``tests/branchwork/test_member_rules.py`` holds the three doors to every rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Member
from .periods import chinese_date

# The Party was founded on 1 July 1921: no one joined it, or reached any stage of joining, earlier.
EARLIEST = datetime.date(1921, 7, 1)
POST_NONE = "无"  # how the workbooks write a member with no 支部职务


class MemberColumn:
    """One column: ``identifier`` is the ``Member`` field, ``verbose_name`` the heading."""

    required = False

    def __init__(self, identifier: str, verbose_name: str, *, required: bool = False) -> None:
        self.identifier = identifier
        self.verbose_name = verbose_name
        self.required = required

    @property
    def missing(self) -> str:
        return f"请填写{self.verbose_name}"

    def clean(self, value, previous_values: dict):
        """``value`` as the member stores it; ``ValidationError`` for a value the roster refuses.
        ``previous_values`` holds the columns cleaned before this one (pretix's contract)."""
        if self.required and value in (None, ""):
            raise ValidationError(self.missing)
        return value


class TextColumn(MemberColumn):
    def __init__(
        self, identifier: str, verbose_name: str, *, max_length: int, required: bool = False
    ) -> None:
        super().__init__(identifier, verbose_name, required=required)
        self.max_length = max_length

    @property
    def too_long(self) -> str:
        return f"{self.verbose_name}不能超过{self.max_length}个字"

    def clean(self, value, previous_values: dict) -> str:
        # Runs of spaces (and a name typed 李 一帅 with a full-width space) read as one space.
        value = " ".join((value or "").split())
        super().clean(value, previous_values)
        if len(value) > self.max_length:
            raise ValidationError(self.too_long)
        return value


class ChoiceColumn(MemberColumn):
    def __init__(self, identifier: str, verbose_name: str, choices, *, required: bool = False) -> None:
        super().__init__(identifier, verbose_name, required=required)
        self.choices = choices

    @property
    def allowed(self) -> list[str]:
        return [value or POST_NONE for value in self.choices.values]

    @property
    def missing(self) -> str:
        return f"请选择{self.verbose_name}"

    def clean(self, value, previous_values: dict) -> str:
        value = (value or "").strip()
        if value == POST_NONE and "" in self.choices.values:
            value = ""
        super().clean(value, previous_values)
        if value not in self.choices.values:
            allowed = "、".join(self.allowed)
            raise ValidationError(f"{self.verbose_name}“{value}”无法识别，应为{allowed}之一")
        return value


class DateColumn(MemberColumn):
    """A date of the member's life in the Party: not before 1921-07-01, not after today."""

    def clean(self, value, previous_values: dict) -> datetime.date | None:
        super().clean(value, previous_values)
        if value is None:
            return None
        if value < EARLIEST:
            raise ValidationError(
                f"{self.verbose_name}不能早于{chinese_date(EARLIEST)}（建党之日），请检查年份是否填错"
            )
        if value > timezone.localdate():
            raise ValidationError(f"{self.verbose_name}不能晚于今天")
        return value


class TransferOutColumn(DateColumn):
    """转出日期: a date like the others, and not before the member joined (``joined_on``)."""

    def clean(self, value, previous_values: dict) -> datetime.date | None:
        value = super().clean(value, previous_values)
        joined = previous_values.get("joined_on")
        if value and joined and value < joined:
            raise ValidationError(f"{self.verbose_name}不能早于入党（列为）日期（{chinese_date(joined)}）")
        return value


NAME = TextColumn("name", "姓名", max_length=50, required=True)
GENDER = ChoiceColumn("gender", "性别", Member.Gender, required=True)
STATUS = ChoiceColumn("status", "政治面貌", Member.Status, required=True)
JOINED_ON = DateColumn("joined_on", "入党（列为）日期")
POST = ChoiceColumn("post", "支部职务", Member.Post)
TRANSFERRED_OUT_ON = TransferOutColumn("transferred_out_on", "转出日期")
TRANSFERRED_TO = TextColumn("transferred_to", "转往", max_length=100)
# The dated stages of 发展党员 and transfers in: optional columns of the workbooks.
STAGE_DATES = (
    DateColumn("activist_on", "列为积极分子日期"),
    DateColumn("candidate_on", "列为发展对象日期"),
    DateColumn("full_on", "转正日期"),
    DateColumn("transferred_in_on", "转入日期"),
)
TRANSFERRED_FROM = TextColumn("transferred_from", "转自", max_length=100)

# In the order they are cleaned: 转出日期 after 入党（列为）日期, which it is held against.
COLUMNS = (
    NAME,
    GENDER,
    STATUS,
    JOINED_ON,
    POST,
    TRANSFERRED_OUT_ON,
    TRANSFERRED_TO,
    *STAGE_DATES,
    TRANSFERRED_FROM,
)
BY_FIELD = {column.identifier: column for column in COLUMNS}


def clean_value(field: str, value, previous_values: dict | None = None):
    """``value`` of ``field`` cleaned by its column (``ValidationError`` as the column raises)."""
    return BY_FIELD[field].clean(value, previous_values or {})


# --- across the branch's roster --------------------------------------------------------------


def name_problem(name: str, *, on_roster: int = 0, earlier_row: int | None = None) -> str | None:
    """A name names one member of the branch. ``on_roster``: members of the branch other than this
    one who bear ``name``; ``earlier_row``: the row of the same file that named it already."""
    if earlier_row is not None:
        return f"姓名“{name}”与第{earlier_row}行重复，同一支部的党员姓名不能相同"
    if on_roster:
        return (
            f"本支部花名册中已有“{name}”。同名党员请在姓名后加以区分，如“{name}（收费一班）”，"
            "以便 Excel 导入时按姓名对应"
        )
    return None


def holds_secretary(values: dict) -> bool:
    """Whether a member with these values is the branch's 书记 on the roll."""
    return values.get("post") == Member.Post.SECRETARY and not values.get("transferred_out_on")


def secretary_problem(values: dict, *, holders: Iterable[str]) -> str | None:
    """A branch has one 书记 on the roll: ``holders`` are the others who are."""
    holders = list(holders)
    if holds_secretary(values) and holders:
        return f"本支部已有书记“{holders[0]}”，一个支部只能有一名书记，请先修改其中一人的职务"
    return None
