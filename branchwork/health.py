"""What ``/healthz`` checks: that the database would accept a write now, and that the file storage
can be written. A load balancer takes an instance out of rotation on a 503, so each check answers
within about a second, and a database that is only locked by a long write counts as unhealthy."""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# How long the database may take to grant the write lock before the instance counts as unhealthy.
LOCK_WAIT_MS = 1000


def database_problem() -> str | None:
    """``None`` when the database answers and would grant the write lock within a second;
    otherwise ``"unavailable"`` (no answer) or ``"locked"`` (another writer holds it)."""
    try:
        connection.ensure_connection()
    except DatabaseError:
        return "unavailable"
    try:
        if connection.vendor == "sqlite":
            return _sqlite_lock_problem()
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
                    cursor.execute(f"SET LOCAL statement_timeout = {LOCK_WAIT_MS}")
                    cursor.execute("SELECT txid_current()")  # a write's transaction id: refused on a read-only server
                else:
                    cursor.execute("SELECT 1")
                cursor.fetchone()
            transaction.set_rollback(True)
    except DatabaseError as error:
        logger.warning("Health check: the database refused a write transaction: %s", error)
        return "unavailable"
    return None


def _sqlite_lock_problem() -> str | None:
    # The transaction the app's writes begin (IMMEDIATE: the write lock), waited for one second
    # instead of SQLITE_TIMEOUT, and rolled back.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            with transaction.atomic():
                cursor.execute("SELECT 1")
                transaction.set_rollback(True)
        except DatabaseError as error:
            logger.warning("Health check: no SQLite write lock within %s ms: %s", LOCK_WAIT_MS, error)
            return "locked" if "locked" in str(error) else "unavailable"
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")
    return None


def storage_problem() -> str | None:
    """``None`` when a small file can be written to and removed from the file storage."""
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception as error:  # OSError on disk; botocore's errors on S3
        logger.warning("Health check: the file storage cannot be written: %s", error)
        return "unwritable"
    return None
