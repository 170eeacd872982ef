"""The objects the security tests attack: one branch's records of every sort, its general
branch's registries, and reports in the states the workflow pages need.

Built with the real services where they exist (so the objects are what the app itself makes),
with the reports' version files stored small and fake: rendering a PDF costs half a second and
these tests are about who may reach what, not about layout.
"""

from __future__ import annotations

import datetime
import functools
import os
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from activities import services as activity_services
from activities.ledger_imports import MEETING_COLUMNS
from activities.models import Activity, Attachment, ComplianceRule, Outlet, PublicityEntry
from branchwork.models import Member, Organisation, PartyGroup, Role
from branchwork.periods import Period
from branchwork.roster import COLUMNS as ROSTER_COLUMNS
from notifications.models import Notification
from reports import services as report_services
from reports.models import Report, ReportItem
from tests.factories import (
    AttendanceFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    report_written,
    xlsx_bytes,
)

D = datetime.date

# The smallest file the attachment check accepts as a PDF (it sniffs the bytes, not the name).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

H1 = Period(2022, "H1")
H2 = Period(2022, "H2")


@dataclass
class BranchObjects:
    branch: Organisation
    group: PartyGroup
    member: Member
    activity: Activity
    attachment: Attachment
    publicity: PublicityEntry
    outlet: Outlet  # the branch's own
    rectification: Activity  # an entry of the 整改台账, resolved and awaiting its re-check
    problem_item: ReportItem | None = None  # an item of 存在的问题 in its 2022H1 report


@dataclass
class OrgObjects:
    organisation: Organisation
    outlet: Outlet
    rule: ComplianceRule
    # For the administrator's pages: a branch below, an account there and a role it holds.
    unit: Organisation | None = None
    account: object = None
    role: Role | None = None
    notification: Notification | None = None  # one of its reviewer's


def pdf_upload(name: str = "会议纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def org_objects(organisation: Organisation) -> OrgObjects:
    outlet = OutletFactory(organisation=organisation, name=f"{organisation.code}工作简报")
    rule = ComplianceRule.objects.create(
        organisation=organisation, kind="study", frequency=ComplianceRule.Frequency.MONTHLY, source="本单位通知"
    )
    return OrgObjects(organisation, outlet, rule)


def branch_objects(branch: Organisation, *, outlet: Outlet, by) -> BranchObjects:
    group = PartyGroupFactory(branch=branch, name=f"{branch.code}第一党小组", established_on=D(2020, 1, 1))
    member = MemberFactory(branch=branch, name=f"{branch.code}王书记", post=Member.Post.SECRETARY, party_group=group)
    other = MemberFactory(branch=branch, name=f"{branch.code}李党员", party_group=group)
    activity = activity_services.activity_create(
        branch=branch, kind="study", by=by, date=D(2022, 3, 15), title="学习党的二十大精神", content="集中学习"
    )
    for person in (member, other):
        AttendanceFactory(activity=activity, member=person, present=True)
    attachment = activity_services.attachment_add(
        activity=activity, upload=pdf_upload(), category=Attachment.Category.MINUTES, by=by
    )
    publicity = PublicityEntry.objects.create(
        branch=branch, outlet=outlet, date=D(2022, 4, 1), count=1, title="春运保通纪实", created_by=by
    )
    own_outlet = OutletFactory(organisation=branch, name=f"{branch.code}所微信公众号")
    rectification = activity_services.activity_create(
        branch=branch, kind="rectification", by=by, date=D(2022, 2, 25), title="台账记录不规范",
        is_resolved=True, resolved_on=D(2022, 4, 1),
    )
    return BranchObjects(branch, group, member, activity, attachment, publicity, own_outlet, rectification)


def _store_fake_files(version) -> None:
    """Give a version stored files so that downloading it renders nothing."""
    version.docx_file.save(f"v{version.pk}.docx", ContentFile(b"PK fake docx"), save=False)
    version.pdf_file.save(f"v{version.pk}.pdf", ContentFile(PDF_BYTES), save=False)
    version.save(update_fields=["docx_file", "pdf_file"])


def workflow_reports(branch: Organisation, *, secretary, reviewer) -> dict[str, Report]:
    """2022H1 returned with version 1 (editable, submittable, has a version); 2022H2 submitted
    (reviewable). Submitting renders no files in tests (tests/conftest.py): fake ones are stored."""
    returned = report_written(branch, H1, secretary)
    version = report_services.report_submit(report=returned, by=secretary)
    _store_fake_files(version)
    report_services.report_return(report=returned, by=reviewer, comment="请补充第五部分")
    submitted = report_written(branch, H2, secretary)
    _store_fake_files(report_services.report_submit(report=submitted, by=secretary))
    return {"returned": returned, "submitted": submitted}


def inspection_scores(world) -> dict:
    """The 党委's 2022 standard (the shipped example); kl's 2022H1 self-score saved with every
    manual item scored (so it can be submitted), and its 2022H2 submitted to the 党总支."""
    from inspection.services import SELF, Entry, score_save, score_submit
    from inspection.standards import standard_from_example

    standard = standard_from_example(organisation=world.committee, year=2022, by=None)
    manual = {item.pk: Entry("1", "对照材料自评") for item in standard.items.filter(measure="manual")}
    for period in (H1, H2):
        score_save(branch=world.branch, period=period, step=SELF, entries=manual, by=world.secretary, today=D(2023, 1, 10))
    score_submit(branch=world.branch, period=H2, by=world.secretary, today=D(2023, 1, 10))
    return {"standard": standard, "manual_item": standard.items.get(code="1.3")}


@dataclass
class Scene:
    """Everything the matrix attacks: kl's records and hw's registries, kl's reports, and the
    same of the sibling branch xy and of another 党总支 lz, for wrong-tenant ids."""

    world: object
    kl: BranchObjects
    hw: OrgObjects
    reports: dict
    xy: BranchObjects
    lz: OrgObjects
    inspection: dict

    def objects(self, branch: BranchObjects, org: OrgObjects) -> dict:
        """Model → the instance to put in a URL."""
        return {
            Activity: branch.activity,
            (Activity, "rectification"): branch.rectification,
            ReportItem: branch.problem_item,
            Attachment: branch.attachment,
            Member: branch.member,
            PartyGroup: branch.group,
            PublicityEntry: branch.publicity,
            Outlet: org.outlet,
            (Outlet, "branch"): branch.outlet,
            ComplianceRule: org.rule,
            Organisation: org.unit,
            get_user_model(): org.account,
            Role: org.role,
            Notification: org.notification,
        }


def administered_objects(objects: OrgObjects, *, branch: Organisation, account) -> OrgObjects:
    """A branch below the organisation, an account of it, and a second role of that account (one
    an administrator can take away: an account keeps at least one)."""
    objects.unit, objects.account = branch, account
    objects.role = Role.objects.create(user=account, organisation=branch, kind=Role.Kind.COMMITTEE)
    return objects


def build_scene(world) -> Scene:
    hw = administered_objects(org_objects(world.general), branch=world.branch, account=world.secretary)
    lz = administered_objects(org_objects(world.other_general), branch=world.far, account=world.far_secretary)
    kl = branch_objects(world.branch, outlet=hw.outlet, by=world.secretary)
    xy = branch_objects(world.sibling, outlet=hw.outlet, by=world.sibling_secretary)
    reports = workflow_reports(world.branch, secretary=world.secretary, reviewer=world.reviewer)
    kl.problem_item = reports["returned"].items.filter(section=5).first()
    xy.problem_item = ReportItem.objects.create(
        report=Report.objects.create(
            branch=world.sibling, year=2022, half="H1", title="t", addressee="a", opening="o", signature="s", signed_on=D(2022, 7, 1)
        ),
        section=5,
        text="党员学习教育形式单一。",
    )
    # Submitting told hw's reviewer; lz's reviewer has a notification of their own.
    hw.notification = Notification.objects.filter(recipient=world.reviewer).unread().latest("pk")
    lz.notification = Notification.objects.create(
        recipient=world.outsider_reviewer,
        event=Notification.Event.SUBMITTED,
        report=reports["submitted"],
        version_number=1,
        text="另一党总支的消息",
    )
    return Scene(world, kl, hw, reports, xy, lz, inspection_scores(world))


# --- Excel files for the imports ---------------------------------------------------------------


def roster_xlsx(name: str = "新党员甲") -> SimpleUploadedFile:
    row = {column: "" for column in ROSTER_COLUMNS}
    row.update({"姓名": name, "性别": "女", "政治面貌": "正式党员", "入党（列为）日期": "2015-07-01", "支部职务": "无"})
    return SimpleUploadedFile("花名册.xlsx", xlsx_bytes(ROSTER_COLUMNS, [[row[c] for c in ROSTER_COLUMNS]]))


def meetings_xlsx(title: str = "导入的学习会") -> SimpleUploadedFile:
    row = dict.fromkeys(MEETING_COLUMNS)
    row.update({"类型": "理论学习会", "日期": D(2022, 4, 20), "主题": title})
    return SimpleUploadedFile("台账.xlsx", xlsx_bytes(MEETING_COLUMNS, [[row[c] for c in MEETING_COLUMNS]]))


# --- did anything change? ----------------------------------------------------------------------

FINGERPRINT_APPS = ("branchwork", "activities", "reports", "inspection", "notifications")


def _fingerprinted_models():
    models = [model for label in FINGERPRINT_APPS for model in apps.get_app_config(label).get_models()]
    return [*models, get_user_model()]


@functools.cache
def _fingerprint_queries() -> tuple[tuple[str, str], ...]:
    """Per model, the SQL reading every column of every row of its table in primary-key order
    (plain SQL: the matrix takes a fingerprint around each of its thousand requests, and building
    the same ORM queries each time cost more than running them)."""
    quote = connection.ops.quote_name
    queries = []
    for model in _fingerprinted_models():
        meta = model._meta
        columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
        queries.append((meta.label, f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"))
    return tuple(queries)


class Rows:
    """Every row of the fingerprinted tables, as read: equal to another reading when no row was
    inserted, updated or deleted in between. (Compared as read, not hashed: the matrix reads them
    around each of its thousand requests, and hashing their text took a third of it.)"""

    __slots__ = ("tables",)
    __hash__ = None

    def __init__(self, tables: tuple[tuple[str, list[tuple]], ...]):
        self.tables = tables

    def __eq__(self, other) -> bool:
        return isinstance(other, Rows) and self.tables == other.tables

    def __repr__(self) -> str:
        return f"<rows: {', '.join(f'{label} {len(rows)}' for label, rows in self.tables if rows)}>"


def db_fingerprint() -> Rows:
    """Every row of every app model and of the users: any insert, update or delete changes it.
    (Sessions are left out: logging in writes them, and they are not records.)"""
    with connection.cursor() as cursor:
        tables = []
        for label, sql in _fingerprint_queries():
            cursor.execute(sql)
            tables.append((label, cursor.fetchall()))
    return Rows(tuple(tables))


def media_fingerprint() -> frozenset[tuple[str, int]]:
    """Each stored file's path under MEDIA_ROOT and its size."""
    root = settings.MEDIA_ROOT
    return frozenset(
        (os.path.relpath(os.path.join(folder, name), root), os.path.getsize(os.path.join(folder, name)))
        for folder, _folders, names in os.walk(root)
        for name in names
    )
