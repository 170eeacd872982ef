"""A photo upload loads the record alone — the record page's details (its evidence counts, the
heaviest query of that page) only when the page is shown again after a refused upload."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Attachment
from tests.activities.test_attachments import PNG, upload
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def upload_url(activity):
    return reverse("activities:attachment_upload", args=[activity.branch.code, activity.pk])


@pytest.mark.audited
def test_an_accepted_upload_loads_the_record_once_without_its_details(world, as_user):
    meeting = ActivityFactory(branch=world.branch, title="支部党员大会")
    client = as_user(world.secretary)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(upload_url(meeting), {"category": "photo", "file": upload("现场.png", PNG)})
    assert response.status_code == 302
    assert Attachment.objects.filter(activity=meeting).count() == 1
    loads = [query["sql"] for query in queries if query["sql"].startswith('SELECT "activities_activity"."id"')]
    assert len(loads) == 1
    assert "COUNT(" not in loads[0].upper()  # no evidence aggregates


def test_a_refused_upload_shows_the_record_page_with_its_details(world, as_user):
    meeting = ActivityFactory(branch=world.branch, title="支部党员大会")
    client = as_user(world.secretary)
    response = client.post(upload_url(meeting), {"category": "photo", "file": upload("现场.pdf", PNG)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "与扩展名“.pdf”不符" in page
    assert "支部党员大会" in page
    assert not Attachment.objects.exists()


def test_another_branchs_record_is_still_a_404(world, as_user):
    elsewhere = ActivityFactory(branch=world.sibling)
    response = as_user(world.secretary).post(
        reverse("activities:attachment_upload", args=[world.branch.code, elsewhere.pk]),
        {"category": "photo", "file": upload("现场.png", PNG)},
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()
