"""What the security tests post: plausible form data for every URL that writes (so a refused
request is known to have been a real write), and one request in a savepoint undone afterwards."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client

from branchwork.models import Member
from tests.reports.editor import editor_data

from .factories import Scene, db_fingerprint, media_fingerprint, meetings_xlsx, pdf_upload, roster_xlsx


def member_data(name: str, scene: Scene) -> dict:
    return {"name": name, "gender": "男", "status": "正式党员", "joined_on": "2012-07-01", "post": "", "party_group": scene.kl.group.pk}


def profile_data(**fields) -> dict:
    """The 支部概况 form as the page posts it: no standing work, this year's goals left empty."""
    return {
        "year": "2022",
        "standing-TOTAL_FORMS": "0",
        "standing-INITIAL_FORMS": "0",
        "standing-MIN_NUM_FORMS": "0",
        "standing-MAX_NUM_FORMS": "20",
        **fields,
    }


def attendance_data(scene: Scene) -> dict:
    data = {f"m{m.pk}-status": "present" for m in Member.objects.filter(branch=scene.kl.branch)}
    data.update({f"m{scene.kl.member.pk}-status": "absent", f"m{scene.kl.member.pk}-reason": "出差"})
    return data


# Plausible POST data for every URL that writes: what its form would send to change something.
POST_DATA = {
    "roster:member_create": lambda s: member_data("新党员丙", s),
    "roster:member_update": lambda s: {**member_data(s.kl.member.name, s), "post": "书记", "status": "正式党员", "gender": "女"},
    "roster:member_transfer": lambda s: {"transferred_out_on": "2022-05-01", "transferred_to": "某某党支部"},
    "roster:import": lambda s: {"file": roster_xlsx()},
    "roster:group_create": lambda s: {"name": "第二党小组", "established_on": "2021-01-01"},
    "roster:group_update": lambda s: {"name": "改名的党小组", "established_on": "2020-01-01"},
    "activities:activity_create": lambda s: {"date": "2022-04-10", "title": "新的学习会", "study_form": "集体学习"},
    "activities:activity_update": lambda s: {"date": "2022-03-15", "title": "改过的主题"},
    "activities:activity_delete": lambda s: {},
    "activities:activity_attendance": lambda s: attendance_data(s),
    "activities:attachment_upload": lambda s: {"category": "photo", "file": pdf_upload("照片说明.pdf")},
    "activities:attachment_delete": lambda s: {},
    "activities:publicity_create": lambda s: {"outlet": s.hw.outlet.pk, "date": "2022-05-01", "count": 2, "title": "新稿件"},
    "activities:publicity_update": lambda s: {"outlet": s.hw.outlet.pk, "date": "2022-04-01", "count": 3, "title": "改过的稿件"},
    "activities:publicity_delete": lambda s: {},
    "activities:ledger_import": lambda s: {"type": "meetings", "file": meetings_xlsx()},
    "activities:activity_rectify": lambda s: {"title": "组织生活会查摆的问题", "deadline": "2022-06-30"},
    "activities:rectification_resolve": lambda s: {"resolved_on": "2022-05-01", "records": [s.kl.activity.pk]},
    "activities:rectification_evidence": lambda s: {"records": [s.kl.activity.pk]},
    "activities:rectification_recheck": lambda s: {"rechecked_on": "2022-05-10", "note": "经复查已整改到位"},
    "reports:report_item_rectify": lambda s: {"title": "支委会未按月召开", "deadline": "2099-12-31"},
    "activities:rule_create": lambda s: {"kind": "party_lecture", "frequency": "quarterly", "source": "处党总支通知"},
    "activities:rule_update": lambda s: {"kind": "study", "frequency": "quarterly", "source": "改过的依据"},
    "activities:rule_delete": lambda s: {},
    "activities:outlet_create": lambda s: {"name": "新媒体", "level": "省级", "unit": "篇", "sort_order": 20},
    "activities:outlet_update": lambda s: {"name": "改名的媒体", "level": "行业", "unit": "次", "sort_order": 5},
    "activities:outlet_defaults": lambda s: {},
    "activities:outlet_branch_create": lambda s: {"name": "所里的抖音号", "level": "地方", "unit": "次", "sort_order": 40},
    "activities:outlet_branch_update": lambda s: {"name": "改名的本所媒体", "level": "地方", "unit": "篇", "sort_order": 50},
    "notifications:notification_open": lambda s: {},
    "reports:report_start": lambda s: {"period": "2022"},  # a period of the scenario's records
    "reports:branch_profile": lambda s: profile_data(core_business="收费运营"),
    "reports:report_edit": lambda s: editor_data(s.reports["returned"], title="改过的标题"),
    "reports:report_submit": lambda s: {},
    "reports:report_return": lambda s: {"version": "1", "comment": "请补充"},
    "reports:report_approve": lambda s: {"version": "1", "comment": ""},
    # The administrator's pages (the unit is kl, the account kl's secretary).
    "orgadmin:unit_create": lambda s: {"parent": s.hw.organisation.pk, "level": "branch", "name": "新所党支部", "code": "newb"},
    "orgadmin:unit_update": lambda s: {"name": "改名的党支部", "addressee": ""},
    "orgadmin:unit_close": lambda s: {"closed_on": "2024-01-01"},
    "orgadmin:group_create": lambda s: {"name": "新设的党小组"},
    "orgadmin:group_update": lambda s: {"name": "改名的党小组"},
    "orgadmin:account_create": lambda s: {"name": "李一帅", "username": "li_ys", "organisation": s.hw.unit.pk, "kind": "committee"},
    "orgadmin:account_detail": lambda s: {"name-name": "改过的姓名"},
    "orgadmin:account_password": lambda s: {},
    "orgadmin:account_active": lambda s: {"active": "0"},
    # A role below the 组织员's own level (a reviewer of hw itself is appointed from above).
    "orgadmin:role_create": lambda s: {"role-organisation": s.xy.branch.pk, "role-kind": "committee"},
    "orgadmin:role_delete": lambda s: {},
    "setup": lambda s: {"name": "新的党委", "code": "newtop"},
    # Inspection: the 党委's standard (the superuser writes it here) and kl's self-score chain.
    "inspection:standard_list": lambda s: {"year": "2023"},
    "inspection:standard_detail": lambda s: {"title": "改过的考核细则", "pass_mark": "85", "excellent_mark": "95"},
    "inspection:standard_item_edit": lambda s: standard_item_data(s.inspection["manual_item"], requirement="改过的要求"),
    "inspection:standard_import": lambda s: {"year": "2023", "file": standard_xlsx()},
    "inspection:score": lambda s: {
        f"score-{s.inspection['manual_item'].pk}": "2",
        f"reason-{s.inspection['manual_item'].pk}": "换届材料齐全",
    },
    "inspection:score_submit": lambda s: {},
    "inspection:score_pass": lambda s: {"comment": ""},
    "inspection:score_return": lambda s: {"comment": "请补充材料"},
    # A deduction onto the 整改台账: nothing but the item in the URL.
    "inspection:score_item_rectify": lambda s: {},
}


def standard_item_data(item, **changes) -> dict:
    data = {
        "code": item.code,
        "category": item.category,
        "requirement": item.requirement,
        "points": str(item.points),
        "deduction": item.deduction,
        "method": item.method,
        "frequency": item.frequency,
        "materials": item.materials,
        "basis": item.basis,
        "measure": item.measure,
        "params_text": "",
        "deduct_each": str(item.deduct_each),
    }
    if item.is_veto:
        data["is_veto"] = "on"
    data.update(changes)
    return data


def standard_xlsx():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspection.standards import COLUMNS, SHEET
    from tests.factories import xlsx_bytes

    row = ["1.1", "三会一课", "支委会每月召开", 6, "", "", "月度", "", "条例", "否", "合规日历", '{"kinds": ["支委会"]}', 1]
    return SimpleUploadedFile("细则.xlsx", xlsx_bytes(COLUMNS, [row], sheet_title=SHEET))


def _rows_written() -> int | None:
    """How many rows this connection has inserted, updated or deleted since it opened (SQLite's
    ``total_changes``, rows of rolled-back savepoints included); None on other databases."""
    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    return connection.connection.total_changes


def attempt(client: Client, method: str, url: str, data: dict | None, db_before: str):
    """One request in a savepoint rolled back afterwards, so every attempt meets the same data
    (``db_before``, the fingerprint taken once). Returns (response, database changed, stored
    files changed).

    A request that wrote no row at all (SQLite counts every row written, ``_rows_written``)
    left the data as the savepoint found it, which is ``db_before``: only a request that wrote
    is fingerprinted, to tell a real change from a rewrite of the same values or a session."""
    media_before = media_fingerprint()
    written_before = _rows_written()
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data or {})
        written = _rows_written()
        db_changed = (written is None or written != written_before) and db_fingerprint() != db_before
        transaction.set_rollback(True)
    if response.streaming:
        # Read through the client's wrapper, which closes the file without closing the database
        # connection (response.close() alone would, on PostgreSQL, inside the test transaction).
        b"".join(response.streaming_content)
    return response, db_changed, media_fingerprint() != media_before
