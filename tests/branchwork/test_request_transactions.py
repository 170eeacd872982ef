"""Which requests run in a transaction (``branchwork.middleware.WriteTransactionMiddleware``).

On SQLite a transaction begins ``IMMEDIATE``, taking the one write lock: a read wrapped in one
held it for as long as the read took (a book of meeting records: a minute), and every login and
save meanwhile failed with ``database is locked``. Reads now run in autocommit mode; every write
is still one transaction. (``tests/robustness/test_sqlite_writers.py`` shows both on a real file.)
"""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity

pytestmark = pytest.mark.django_db


def transaction_statements(queries) -> list[str]:
    # In the test's own transaction a request's atomic block is a savepoint; outside one, a BEGIN.
    return [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"BEGIN", "SAVEPOINT"}]


@pytest.mark.parametrize(
    "name", ["activities:branch_home", "activities:activity_list", "activities:ledger_index"]
)
def test_a_page_read_opens_no_transaction(world, as_user, name):
    client = as_user(world.secretary)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=["kl"]))
    assert response.status_code == 200
    assert transaction_statements(queries) == []


def test_the_login_page_opens_no_transaction(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    assert transaction_statements(queries) == []


@pytest.mark.audited
def test_a_save_runs_in_one_transaction_begun_before_its_first_query(world, as_user):
    client = as_user(world.secretary)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("activities:activity_create", args=["kl", "study"]),
            {"date": "2022-03-15", "title": "三月理论学习", "materials": "党章"},
        )
    assert response.status_code == 302
    assert Activity.objects.filter(title="三月理论学习").exists()
    statements = [q["sql"].split()[0].upper() for q in queries]
    # (Before it: only reading the session and the user, as the middleware above it does.)
    begin, end = statements.index("SAVEPOINT"), len(statements) - 1 - statements[::-1].index("RELEASE")
    writes = [i for i, verb in enumerate(statements) if verb in {"INSERT", "UPDATE", "DELETE"}]
    assert writes and begin < min(writes) and max(writes) < end
    assert set(statements[:begin]) == {"SELECT"}


def test_a_404_raised_after_a_write_rolls_the_write_back_and_the_page_still_renders(
    world, as_user, monkeypatch
):
    from activities import services

    create = services.activity_create

    def create_then_fail(**kwargs):
        create(**kwargs)  # really written, in the request's transaction
        raise Http404("记录不存在")

    monkeypatch.setattr(services, "activity_create", create_then_fail)
    client = as_user(world.secretary)

    response = client.post(
        reverse("activities:activity_create", args=["kl", "study"]),
        {"date": "2022-03-15", "title": "三月理论学习", "materials": "党章"},
    )

    # The 404 page (its context processors query the database) renders after the rollback.
    assert response.status_code == 404
    assert not Activity.objects.filter(title="三月理论学习").exists()


def test_an_upload_writes_its_file_outside_any_transaction(world, as_user, monkeypatch):
    """The file is written with no transaction open (on SQLite: no write lock held while a
    20 MB file goes to the storage); only the row is written in one."""
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import ActivityFactory

    meeting = ActivityFactory(branch=world.branch, kind="study")
    depth_at_write = []
    real_save = FileSystemStorage._save

    def save(self, name, content):
        depth_at_write.append(len(connection.savepoint_ids))
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    baseline = len(connection.savepoint_ids)  # the test's own transaction
    client = as_user(world.secretary)
    response = client.post(
        reverse("activities:attachment_upload", args=["kl", meeting.pk]),
        {"category": "minutes", "file": SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")},
    )
    assert response.status_code == 302
    assert depth_at_write == [baseline]
    assert meeting.attachments.count() == 1
