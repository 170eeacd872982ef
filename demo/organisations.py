"""Demo organisations.

- The reference report's: 省高速公路服务中心党委 → **省高速公路处党总支 → kl所党支部 (the reference
  branch), xy所党支部 and 处机关党支部, with party groups and about 30 members across all four
  statuses.
- A branch of another kind: 省社会科学院党委 → 历史研究所党支部, ten members, no party groups, no
  publicity, a few records; its roster moved in 2022 (a transfer in, an activist, a 转正).

One login per role. Idempotent: every row is found by its natural key and written only when it
differs, and passwords are reset to the values below, so running it twice leaves identical data.
``demo.records`` builds on it: it looks branches up by code, secretaries by post, and party
groups by branch.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import models, transaction

from branchwork.models import Member, Organisation, PartyGroup, Role

D = datetime.date
FULL, PROBATIONARY = Member.Status.FULL, Member.Status.PROBATIONARY
CANDIDATE, ACTIVIST = Member.Status.CANDIDATE, Member.Status.ACTIVIST

ORGANISATIONS = [
    # code, name, level, parent code, addressee
    ("center", "省高速公路服务中心党委", Organisation.Level.COMMITTEE, None, ""),
    ("hw", "**省高速公路处党总支", Organisation.Level.GENERAL_BRANCH, "center", ""),
    ("kl", "kl所党支部", Organisation.Level.BRANCH, "hw", ""),
    ("xy", "xy所党支部", Organisation.Level.BRANCH, "hw", ""),
    ("jg", "处机关党支部", Organisation.Level.BRANCH, "hw", ""),
    ("skw", "省社会科学院党委", Organisation.Level.COMMITTEE, None, ""),
    ("lsy", "历史研究所党支部", Organisation.Level.BRANCH, "skw", ""),
]

PARTY_GROUPS = {
    "kl": [
        ("收费一班党小组", D(2019, 1, 1)),
        ("收费二班党小组", D(2019, 1, 1)),
        ("综合党小组", D(2019, 1, 1)),
    ],
    "xy": [("收费党小组", D(2019, 1, 1)), ("机电养护党小组", D(2020, 3, 1))],
    "jg": [("机关党小组", D(2019, 1, 1))],
}

# name, gender, status, joined_on, post, party group, transferred out on, transferred to
MEMBERS = {
    "kl": [
        ("王建国", "男", FULL, D(2003, 7, 1), "书记", "综合党小组", None, ""),
        ("李红梅", "女", FULL, D(2006, 6, 18), "副书记", "综合党小组", None, ""),
        ("张志强", "男", FULL, D(2009, 12, 20), "组织委员", "收费一班党小组", None, ""),
        ("刘芳", "女", FULL, D(2011, 7, 1), "宣传委员", "收费二班党小组", None, ""),
        ("陈明", "男", FULL, D(2010, 11, 26), "纪检委员", "收费一班党小组", None, ""),
        ("杨晓燕", "女", FULL, D(2014, 6, 25), "", "收费一班党小组", None, ""),
        ("赵磊", "男", FULL, D(2015, 7, 1), "", "收费二班党小组", None, ""),
        ("黄丽娟", "女", FULL, D(2017, 5, 4), "", "收费二班党小组", None, ""),
        (
            "周涛",
            "男",
            FULL,
            D(2012, 3, 12),
            "",
            "收费一班党小组",
            D(2023, 3, 15),
            "**省高速公路处xy所党支部",
        ),
        ("吴静", "女", FULL, D(2019, 11, 8), "", "综合党小组", None, ""),
        ("孙浩", "男", PROBATIONARY, D(2021, 7, 1), "", "收费二班党小组", None, ""),
        ("马晓龙", "男", PROBATIONARY, D(2021, 12, 20), "", "收费一班党小组", None, ""),
        ("朱婷", "女", CANDIDATE, D(2021, 6, 15), "", "综合党小组", None, ""),
        ("胡斌", "男", ACTIVIST, D(2021, 3, 10), "", "收费二班党小组", None, ""),
    ],
    "xy": [
        ("赵卫东", "男", FULL, D(2004, 7, 1), "书记", "收费党小组", None, ""),
        ("钱秀英", "女", FULL, D(2008, 6, 30), "组织委员", "收费党小组", None, ""),
        ("孙立新", "男", FULL, D(2013, 10, 12), "纪检委员", "机电养护党小组", None, ""),
        ("李娜", "女", FULL, D(2016, 6, 28), "", "收费党小组", None, ""),
        ("周建华", "男", PROBATIONARY, D(2022, 6, 28), "", "机电养护党小组", None, ""),
        ("吴晓峰", "男", CANDIDATE, D(2021, 9, 1), "", "机电养护党小组", None, ""),
        ("郑琳", "女", ACTIVIST, D(2022, 3, 18), "", "收费党小组", None, ""),
        ("冯刚", "男", FULL, D(2007, 7, 1), "", "收费党小组", D(2021, 9, 30), "省路政处党总支"),
    ],
    "jg": [
        ("陈志刚", "男", FULL, D(2001, 7, 1), "书记", "机关党小组", None, ""),
        ("褚海燕", "女", FULL, D(2005, 12, 1), "副书记", "机关党小组", None, ""),
        ("卫国强", "男", FULL, D(2009, 7, 1), "宣传委员", "机关党小组", None, ""),
        ("蒋丽", "女", FULL, D(2012, 6, 20), "", "机关党小组", None, ""),
        ("沈涛", "男", FULL, D(2018, 7, 1), "", "机关党小组", None, ""),
        ("韩雪", "女", PROBATIONARY, D(2022, 1, 10), "", "机关党小组", None, ""),
        ("杨帆", "男", CANDIDATE, D(2021, 11, 5), "", "机关党小组", None, ""),
        ("秦月", "女", ACTIVIST, D(2022, 4, 2), "", "机关党小组", None, ""),
    ],
    "lsy": [
        ("林振华", "男", FULL, D(2002, 6, 28), "书记", None, None, ""),
        ("吴雅琴", "女", FULL, D(2008, 12, 15), "组织委员", None, None, ""),
        ("何明远", "男", FULL, D(2011, 5, 20), "纪检委员", None, None, ""),
        ("郭晓东", "男", FULL, D(2006, 7, 1), "", None, None, ""),
        ("许静怡", "女", FULL, D(2013, 11, 8), "", None, None, ""),
        ("邓文博", "男", FULL, D(2015, 6, 30), "", None, None, ""),
        ("曹丽华", "女", FULL, D(2017, 7, 1), "", None, None, ""),
        ("彭宇", "男", FULL, D(2021, 6, 18), "", None, None, ""),
        ("宋佳", "女", FULL, D(2016, 5, 4), "", None, None, ""),
        ("梁思远", "男", ACTIVIST, D(2022, 4, 15), "", None, None, ""),
    ],
}

# Roster facts beyond the columns above: the stages of 发展党员 and transfers in, each dated.
MEMBER_DATES = {
    ("lsy", "彭宇"): {"full_on": D(2022, 6, 24)},
    ("lsy", "宋佳"): {"transferred_in_on": D(2022, 3, 1), "transferred_from": "省社会科学院文学研究所党支部"},
    ("lsy", "梁思远"): {"activist_on": D(2022, 4, 15)},
}
STAGE_FIELDS = ("activist_on", "candidate_on", "full_on", "transferred_in_on", "transferred_from")

# username, password, full name, organisation code, role kind, description
USERS = [
    ("kl_shuji", "Hongqi-kl-2022", "王建国", "kl", Role.Kind.SECRETARY, "kl所党支部书记"),
    ("kl_zhiwei", "Hongqi-zw-2022", "李红梅", "kl", Role.Kind.COMMITTEE, "kl所党支部支委（副书记）"),
    ("xy_shuji", "Hongqi-xy-2022", "赵卫东", "xy", Role.Kind.SECRETARY, "xy所党支部书记"),
    ("jg_shuji", "Hongqi-jg-2022", "陈志刚", "jg", Role.Kind.SECRETARY, "处机关党支部书记"),
    ("hw_shenyue", "Hongqi-hw-2022", "何国平", "hw", Role.Kind.REVIEWER, "**省高速公路处党总支审阅人"),
    ("lsy_shuji", "Hongqi-lsy-2022", "林振华", "lsy", Role.Kind.SECRETARY, "历史研究所党支部书记（记录较少的支部）"),
    ("skw_shenyue", "Hongqi-skw-2022", "赵文澜", "skw", Role.Kind.REVIEWER, "省社会科学院党委审阅人"),
]
ADMIN = ("admin", "Hongqi-admin-2022", "系统管理员", "系统管理员（可进入“系统管理”维护党组织、账号与角色）")


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """update_or_create that writes only when something differs, so a second run changes nothing
    (not even ``updated_at``)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def _user(username: str, password: str, full_name: str, **flags):
    User = get_user_model()
    values = {"first_name": full_name, "last_name": "", "is_active": True, **flags}
    user = _upsert(User, {"username": username}, values)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_organisations() -> list[tuple[str, str, str]]:
    """Create or refresh the demo organisation; returns (username, password, description) logins."""
    orgs: dict[str, Organisation] = {}
    for code, name, level, parent, addressee in ORGANISATIONS:
        orgs[code] = _upsert(
            Organisation,
            {"code": code},
            {"name": name, "level": level, "parent": orgs.get(parent), "addressee": addressee},
        )

    for code, groups in PARTY_GROUPS.items():
        for name, established in groups:
            _upsert(
                PartyGroup,
                {"branch": orgs[code], "name": name},
                {"established_on": established, "dissolved_on": None},
            )

    for code, rows in MEMBERS.items():
        branch = orgs[code]
        groups = {group.name: group for group in PartyGroup.objects.filter(branch=branch)}
        for name, gender, status, joined, post, group, out_on, out_to in rows:
            dates = MEMBER_DATES.get((code, name), {})
            _upsert(
                Member,
                {"branch": branch, "name": name},
                {
                    "gender": gender,
                    "status": status,
                    "joined_on": joined,
                    "post": post,
                    "party_group": groups[group] if group else None,
                    "transferred_out_on": out_on,
                    "transferred_to": out_to,
                    **{field: dates.get(field, "" if field == "transferred_from" else None) for field in STAGE_FIELDS},
                },
            )

    logins = []
    for username, password, full_name, code, kind, description in USERS:
        user = _user(username, password, full_name, is_staff=False, is_superuser=False)
        Role.objects.get_or_create(user=user, organisation=orgs[code], kind=kind)
        # A demo account has exactly the role it is described with.
        Role.objects.filter(user=user).exclude(organisation=orgs[code], kind=kind).delete()
        logins.append((username, password, description))

    username, password, full_name, description = ADMIN
    _user(username, password, full_name, is_staff=True, is_superuser=True)
    logins.append((username, password, description))
    return logins
