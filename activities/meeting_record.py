"""What a meeting record says beyond its topic and content: the vote on a decision (表决情况) and
whether the chair (主持人) and the recorder (记录人) were among those present.

A vote is kept on the record as ``Activity.vote``, a small dict — ``matter`` (表决事项), then the
counts ``expected`` (应到, members with a vote), ``present`` (实到), ``for``/``against``/``abstain``
(同意/反对/弃权) — or ``{}`` when nothing was put to a vote. The record form shows it as six fields
(``vote_form_fields``: ``vote`` itself takes the matter, ``vote_expected`` … the counts); the record page, the printed 会议记录 and its Word file show
``vote_text``. A chair or recorder not among those present is a warning, never a block: the
secretary may have typed a title with the name, or the attendance may still be incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

COUNTS = (
    ("expected", "应到人数", "有表决权的党员（或委员）人数"),
    ("present", "实到人数", "到会的有表决权的人数"),
    ("for", "同意", ""),
    ("against", "反对", ""),
    ("abstain", "弃权", ""),
)
PREFIX = "vote_"


def vote_text(vote: dict | None) -> tuple[str, ...]:
    """The vote as printed: 「表决事项：……」, 「应到9人，实到8人；同意8票，反对0票，弃权0票」."""
    if not vote:
        return ()
    lines = []
    if vote.get("matter"):
        lines.append(f"表决事项：{vote['matter']}")
    counts = []
    if vote.get("expected") is not None:
        counts.append(f"应到{vote['expected']}人")
    if vote.get("present") is not None:
        counts.append(f"实到{vote['present']}人")
    ballots = [f"{label}{vote[key]}票" for key, label, _help in COUNTS[2:] if vote.get(key) is not None]
    text = "，".join(counts)
    if ballots:
        text += ("；" if text else "") + "，".join(ballots)
    if text:
        lines.append(text)
    return tuple(lines)


def vote_form_fields(vote: dict | None) -> dict[str, forms.Field]:
    """The form fields of a vote, filled from the record's: ``vote`` (the matter), ``vote_expected`` …"""
    vote = vote or {}
    fields: dict[str, forms.Field] = {
        "vote": forms.CharField(
            label="表决事项",
            required=False,
            max_length=200,
            initial=vote.get("matter", ""),
            help_text="会议对决定事项进行表决时填写，如：接收张某某为中共预备党员；未表决的会议不填。",
            error_messages={"max_length": "表决事项不能超过 %(limit_value)d 个字"},
        )
    }
    for key, label, help_text in COUNTS:
        fields[f"{PREFIX}{key}"] = forms.IntegerField(
            label=f"表决：{label}",
            required=False,
            min_value=0,
            max_value=100000,
            initial=vote.get(key),
            help_text=help_text,
            error_messages={
                "invalid": f"{label}应为整数",
                "min_value": f"{label}不能为负数",
                "max_value": f"{label}不能超过 %(limit_value)s",
            },
        )
    return fields


def clean_vote(data: dict) -> tuple[dict, dict[str, str]]:
    """The vote from a form's cleaned data, and errors by field name (``vote_present`` …).
    Nothing filled in: ``{}``, no vote."""
    matter = data.get("vote")
    matter = matter.strip() if isinstance(matter, str) else ""
    counts = {key: data.get(f"{PREFIX}{key}") for key, _label, _help in COUNTS}
    if not matter and all(value is None for value in counts.values()):
        return {}, {}
    errors: dict[str, str] = {}
    if not matter:
        errors["vote"] = "填写了表决票数时，请写明表决事项"
    for key, label, _help in COUNTS[:3]:
        if counts[key] is None:
            errors[f"{PREFIX}{key}"] = f"请填写{label}"
    expected, present = counts["expected"], counts["present"]
    if expected is not None and present is not None and present > expected:
        errors[f"{PREFIX}present"] = "实到人数不能多于应到人数"
    cast = sum(counts[key] or 0 for key in ("for", "against", "abstain"))
    if present is not None and cast > present:
        errors[f"{PREFIX}for"] = f"同意、反对、弃权合计{cast}票，多于实到的{present}人"
    vote = {"matter": matter, **{key: value for key, value in counts.items() if value is not None}}
    return vote, errors


@dataclass(frozen=True)
class PresenceWarning:
    role: str  # 主持人 / 记录人
    name: str
    message: str


def presence_warnings(activity, attendance) -> list[PresenceWarning]:
    """Warnings for a chair or recorder who is not among those present, once attendance is
    recorded. The typed name matches a present member when it contains the member's name
    (「支部书记王建国」 is 王建国)."""
    rows = list(attendance)
    if not rows:
        return []
    present = [row.member.name for row in rows if row.present]
    absent = [row.member.name for row in rows if not row.present]
    warnings = []
    for role, typed in (("主持人", activity.host), ("记录人", activity.recorder)):
        typed = (typed or "").strip()
        if not typed or any(name and name in typed for name in present):
            continue
        if any(name and name in typed for name in absent):
            message = f"{role}“{typed}”在出席登记中为缺席，请核对出席情况或{role}"
        else:
            message = f"{role}“{typed}”不在出席人员中，请核对出席情况或{role}姓名"
        warnings.append(PresenceWarning(role, typed, message))
    return warnings
