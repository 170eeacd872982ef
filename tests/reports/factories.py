"""Factories for the reports tests (the shared ones are in tests/factories.py)."""

import datetime

import factory

from reports.models import Report, ReportVersion
from tests.factories import BranchFactory


class ReportFactory(factory.django.DjangoModelFactory):
    """A bare report row, for tests that only need a status (the roll-up, scoping)."""

    class Meta:
        model = Report

    branch = factory.SubFactory(BranchFactory)
    year = 2022
    half = "H1"
    status = Report.Status.DRAFT
    title = factory.LazyAttribute(lambda o: f"{o.branch.name}{o.year}年上半年党建工作情况汇报")
    addressee = "**省高速公路处党总支"
    opening = "现将上半年工作情况汇报如下："
    signature = factory.LazyAttribute(lambda o: o.branch.name)
    signed_on = datetime.date(2022, 7, 1)


class ReportVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportVersion

    report = factory.SubFactory(ReportFactory)
    number = 1
    document = factory.LazyAttribute(
        lambda o: {
            "title": o.report.title,
            "addressee": o.report.addressee,
            "opening": [],
            "sections": [],
            "signature": o.report.signature,
            "date_text": "2022年7月1日",
            "file_stem": f"{o.report.branch.name}2022年上半年党建工作情况汇报",
            "meta": {},
        }
    )
