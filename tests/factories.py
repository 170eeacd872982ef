"""factory_boy factories for every model tests build on."""

import datetime
import io
import struct

import factory
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from activities.models import Activity, ActivityKind, Attendance, Outlet, PublicityEntry
from branchwork.models import Member, Organisation, PartyGroup, Role

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"第{n}党委")
    code = factory.Sequence(lambda n: f"c{n}")
    level = Organisation.Level.COMMITTEE


class GeneralBranchFactory(CommitteeFactory):
    name = factory.Sequence(lambda n: f"第{n}党总支")
    code = factory.Sequence(lambda n: f"g{n}")
    level = Organisation.Level.GENERAL_BRANCH
    parent = factory.SubFactory(CommitteeFactory)


class BranchFactory(CommitteeFactory):
    name = factory.Sequence(lambda n: f"第{n}党支部")
    code = factory.Sequence(lambda n: f"b{n}")
    level = Organisation.Level.BRANCH
    parent = factory.SubFactory(GeneralBranchFactory)


class PartyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Member.Gender.MALE
    status = Member.Status.FULL
    joined_on = datetime.date(2010, 7, 1)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(BranchFactory)
    kind = Role.Kind.SECRETARY


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity counted as its own kind (and as ``also`` kinds, if given)."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory)
    kind = "study"
    date = datetime.date(2022, 3, 15)
    title = factory.Sequence(lambda n: f"学习会{n}")

    @factory.post_generation
    def also(self, create, extracted, **kwargs):
        if create:
            for code in {self.kind, *(extracted or ())}:
                ActivityKind.objects.get_or_create(activity=self, kind=code)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)
    present = True


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    organisation = factory.SubFactory(GeneralBranchFactory)
    name = factory.Sequence(lambda n: f"媒体{n}")
    level = Outlet.Level.PROVINCIAL
    unit = Outlet.Unit.PIECE


class PublicityEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicityEntry

    branch = factory.SubFactory(BranchFactory)
    outlet = factory.SubFactory(OutletFactory)
    date = datetime.date(2022, 3, 1)
    count = 1
    title = factory.Sequence(lambda n: f"稿件{n}")


def xlsx_bytes(header, rows, *, sheet_title: str | None = None) -> bytes:
    """An Excel workbook of one sheet: ``header`` then ``rows``, as a user would upload it."""
    workbook = Workbook()
    sheet = workbook.active
    if sheet_title:
        sheet.title = sheet_title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_written(branch, period, by):
    """A report started as a secretary starts one, with a written item in each section the period's
    records left empty — as the secretary must before submitting (empty sections are refused)."""
    from reports import services
    from reports.models import SECTION_HEADINGS

    report = services.report_create(branch=branch, period=period, by=by)
    items = [
        services.ItemInput(section=item.section, text=item.text, numbered=item.numbered, pk=item.pk, origin=item.origin)
        for item in report.items.all()
    ]
    filled = {item.section for item in items}
    items += [
        services.ItemInput(section=number, text="按照上级党组织部署，认真抓好本部分各项工作。")
        for number in SECTION_HEADINGS
        if number not in filled
    ]
    return report_saved(report, items, by)


def report_saved(report, items, by):
    """``report`` saved as its editor saves it, its header kept and its items now ``items`` (each
    an ``ItemInput`` or a report item kept as it is)."""
    from reports import services

    inputs = [
        item if isinstance(item, services.ItemInput)
        else services.ItemInput(section=item.section, text=item.text, numbered=item.numbered, pk=item.pk, origin=item.origin)
        for item in items
    ]
    return services.report_save(
        report=report,
        expected_revision=report.revision,
        title=report.title,
        addressee=report.addressee,
        opening=report.opening,
        signature=report.signature,
        signed_on=report.signed_on,
        items=inputs,
        by=by,
    )


def ole_bytes(stream: str = "WordDocument", size: int = 4096) -> bytes:
    """A minimal OLE compound file (what .doc and .xls files are) holding one stream named
    ``stream`` of ``size`` bytes (at least 4096, so that it lives in ordinary sectors)."""
    sector, free, end, fat_sector, no_stream = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    data_sectors = -(-max(size, 4096) // sector)
    if 2 + data_sectors > sector // 4:
        raise ValueError("stream too large for this one-FAT-sector file")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # the FAT is sector 0
    fat = [fat_sector, end] + [3 + n for n in range(data_sectors - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, no_stream, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, no_stream, 2, max(size, 4096))
    directory = directory.ljust(sector, b"\x00")
    body = b"\x01" * (data_sectors * sector)
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body
