"""What a meeting record says beyond its topic and content: the vote on a decision (表决情况) and
whether the chair (主持人) and the recorder (记录人) were among those present.

A vote is kept on the record in the columns ``vote_matter`` (表决事项) and ``vote_expected``,
``vote_present``, ``vote_for``, ``vote_against``, ``vote_abstain`` (应到/实到 members with a vote,
同意/反对/弃权). A matter alone is a vote whose counts were not recorded; counts need a matter,
and must add up (``vote_errors``). The record page, the printed 会议记录 and its Word file show
``vote_text``. A chair or recorder not among those present is a warning, never a block: the
secretary may have typed a title with the name, or the attendance may still be incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTS = (
    ("vote_expected", "应到人数"),
    ("vote_present", "实到人数"),
    ("vote_for", "同意"),
    ("vote_against", "反对"),
    ("vote_abstain", "弃权"),
)


def _value(source, name: str):
    return source.get(name) if isinstance(source, dict) else getattr(source, name)


def has_vote(source) -> bool:
    return bool((_value(source, "vote_matter") or "").strip()) or any(
        _value(source, name) is not None for name, _label in COUNTS
    )


def vote_text(source) -> tuple[str, ...]:
    """The vote as printed (a record, or a form's cleaned data): 「表决事项：……」 and
    「应到9人，实到8人；同意8票，反对0票，弃权0票」."""
    if not has_vote(source):
        return ()
    lines = []
    matter = (_value(source, "vote_matter") or "").strip()
    if matter:
        lines.append(f"表决事项：{matter}")
    heads = [
        f"{label[:2]}{_value(source, name)}人" for name, label in COUNTS[:2] if _value(source, name) is not None
    ]
    ballots = [f"{label}{_value(source, name)}票" for name, label in COUNTS[2:] if _value(source, name) is not None]
    text = "，".join(heads)
    if ballots:
        text += ("；" if text else "") + "，".join(ballots)
    if text:
        lines.append(text)
    return tuple(lines)


def vote_errors(data: dict) -> dict[str, str]:
    """What does not add up in a vote as typed (a form's cleaned data), by field name."""
    if not has_vote(data):
        return {}
    errors: dict[str, str] = {}
    counts = {name: data.get(name) for name, _label in COUNTS}
    if not (data.get("vote_matter") or "").strip():
        errors["vote_matter"] = "填写了表决票数时，请写明表决事项"
    expected, present = counts["vote_expected"], counts["vote_present"]
    if expected is not None and present is not None and present > expected:
        errors["vote_present"] = "实到人数不能多于应到人数"
    cast = sum(counts[name] or 0 for name in ("vote_for", "vote_against", "vote_abstain"))
    ceiling = present if present is not None else expected
    if ceiling is not None and cast > ceiling:
        errors["vote_for"] = f"同意、反对、弃权合计{cast}票，多于{'实到' if present is not None else '应到'}的{ceiling}人"
    return errors


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
