"""Backup and restore of everything branchwork keeps: the database's rows and the stored files.

One zip file holds
- ``manifest.json``: format, when, from which database, the migrations applied, row counts, and
  every stored file's name, size and SHA-256;
- ``data.json``: Django's JSON serialisation of every model, as ``dumpdata --natural-foreign
  --natural-primary`` writes it (users and groups by name, the rest by primary key; times to the
  microsecond, where dumpdata rounds them to the millisecond), except what a migrated
  database rebuilds itself (content types, permissions) or what is worthless after a restore
  (sessions, login-throttling records, the admin's own log);
- ``files/<name>``: every file a row refers to (attachments, submitted versions' DOCX and PDF),
  read through Django's storage API, so it works the same with local disk or S3.

The format does not depend on the database: a backup taken on SQLite restores on PostgreSQL and
the other way round. Used by ``manage.py backup_data`` and ``manage.py restore_data``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = "branchwork-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "files/"

# App labels and model labels left out of a backup (see the module's docstring).
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"}


class BackupError(Exception):
    """The backup cannot be written or restored; ``str()`` is a message for the operator."""


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    missing_files: list[str] = field(default_factory=list)

    @property
    def row_total(self) -> int:
        return sum(self.rows.values())


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows a backup holds, in a stable order."""
    chosen = []
    for model in apps.get_models():  # leaves out swapped models (auth.User if replaced, …)
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
        chosen.append(model)
    return sorted(chosen, key=lambda model: model._meta.label_lower)


def _stored_files(model_list, using: str) -> Iterator[tuple[models.FileField, str]]:
    """(field, name) of every stored file the rows refer to, each name once."""
    seen = set()
    for model in model_list:
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            names = (
                model._base_manager.using(using)
                .exclude(**{model_field.attname: ""})
                .exclude(**{f"{model_field.attname}__isnull": True})
                .order_by(model_field.attname)
                .values_list(model_field.attname, flat=True)
                .distinct()
            )
            for name in names:
                if name not in seen:
                    seen.add(name)
                    yield model_field, name


def _applied_migrations(using: str) -> dict[str, list[str]]:
    executor = MigrationExecutor(connections[using])
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(executor.recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """A transaction in which every query sees the database as of one moment (PostgreSQL's
    REPEATABLE READ; SQLite's transactions are serialisable anyway), so rows written while the
    backup runs cannot make it inconsistent."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must come before any other query of the transaction
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def backup_write(*, target: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write a backup of the database ``using`` and of the stored files to the zip ``target``.

    The zip is written beside ``target`` and renamed into place at the end, so a failed backup
    never leaves a truncated file under the expected name. Files that rows refer to but the storage
    no longer has are listed in ``Summary.missing_files`` (and the manifest) instead of failing.
    """
    target = Path(target)
    partial = target.with_name(target.name + ".part")
    summary = Summary()
    if _unapplied_migrations(using):
        raise BackupError("数据库尚未完成迁移，表结构与程序不一致：请先执行 python manage.py migrate，再备份。")
    model_list = backed_up_models()
    try:
        with _snapshot(using):
            _write_archive(partial, model_list, summary, using)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return summary


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder rounds times to the millisecond; a backup keeps them to the microsecond
    (so that restored rows equal the originals). Django's deserializer reads both."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


def _serialize_rows(stream, model_list, using: str) -> None:
    """What ``dumpdata --natural-foreign --natural-primary --all`` writes for these models (the
    same JSON, which ``loaddata`` also reads), with times to the microsecond."""
    by_app: dict = {}
    for model in model_list:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)

    def rows():
        for model in ordered:
            yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator()

    serializers.serialize(
        "json",
        rows(),
        stream=stream,
        cls=_ExactJSONEncoder,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )


def _write_archive(path: Path, model_list, summary: Summary, using: str) -> None:
    data = io.StringIO()
    _serialize_rows(data, model_list, using)
    summary.rows = {
        model._meta.label_lower: model._base_manager.using(using).count() for model in model_list
    }
    files = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(DATA, data.getvalue())
        for model_field, name in _stored_files(model_list, using):
            try:
                source = model_field.storage.open(name, "rb")
            except (FileNotFoundError, OSError):
                summary.missing_files.append(name)
                continue
            digest = hashlib.sha256()
            size = 0
            with source, archive.open(FILES + name, "w", force_zip64=True) as copy:
                while chunk := source.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    copy.write(chunk)
            files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
            summary.files += 1
            summary.bytes += size
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connections[using].vendor,
            "django": django.get_version(),
            "migrations": _applied_migrations(using),
            "rows": summary.rows,
            "files": files,
            "missing_files": summary.missing_files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))


# --- restore -----------------------------------------------------------------------------------


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """No users and no organisations: nothing anybody entered (everything hangs on those two).
    What ``migrate`` itself writes (default compliance rules, content types) does not count."""
    from .models import Organisation

    return not (
        get_user_model()._base_manager.using(using).exists() or Organisation._base_manager.using(using).exists()
    )


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError("这不是 branchwork 的备份文件（缺少 manifest.json）。") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("这不是 branchwork 的备份文件。")
    if manifest.get("version") != VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('version')} 不受支持，本程序只能恢复版本 {VERSION}。")
    return manifest


def _unapplied_migrations(using: str) -> list:
    executor = MigrationExecutor(connections[using])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _check_schema(manifest: dict, using: str) -> None:
    if _unapplied_migrations(using):
        raise BackupError("目标数据库尚未完成迁移：请先执行 python manage.py migrate，再恢复。")
    applied = _applied_migrations(using)
    newer = [
        f"{app_label}.{name}"
        for app_label, names in manifest.get("migrations", {}).items()
        for name in names
        if name not in applied.get(app_label, [])
    ]
    if newer:
        raise BackupError(
            "备份来自更新版本的 branchwork（本程序缺少迁移 "
            + "、".join(newer[:5])
            + ("…" if len(newer) > 5 else "")
            + "）。请先把应用升级到与备份相同或更新的版本，执行 migrate 后再恢复。"
        )


def _load_rows(data: bytes, using: str) -> set[type[models.Model]]:
    """What ``loaddata`` does, from memory: save every object raw (no ``save()`` overrides, signals
    flagged ``raw``), resolve forward references, check constraints, reset sequences."""
    connection = connections[using]
    loaded: set[type[models.Model]] = set()
    with connection.constraint_checks_disabled():
        deferred = []
        for obj in serializers.deserialize("json", data, using=using, handle_forward_references=True):
            obj.save(using=using)
            loaded.add(type(obj.object))
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return loaded


def backup_restore(*, source: str | os.PathLike, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Restore the backup ``source`` into the database ``using`` and the file storage.

    The database must be migrated to the backup's version or later, and empty (see
    ``database_is_empty``) unless ``force``: then everything in it is replaced. Rows are restored in
    one transaction; files are written through the storage API inside it, so a failure leaves the
    database as it was (a file already written stays, and is simply rewritten by the next attempt).
    """
    summary = Summary()
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"无法读取备份文件：{error}") from None
    with archive:
        manifest = _read_manifest(archive)
        _check_schema(manifest, using)
        if not force and not database_is_empty(using):
            raise BackupError(
                "目标数据库中已有数据（用户或党组织）。恢复会清空并替换其中的全部数据；"
                "确认要这样做，请加 --force 重新执行。"
            )
        expected = {entry["name"]: entry for entry in manifest.get("files", [])}
        data = archive.read(DATA)
        try:
            _restore_rows_and_files(archive, data, expected, summary, using)
        finally:
            # Content types were recreated with new ids (kept on success, rolled back on failure):
            # either way the ids cached in this process are stale.
            ContentType.objects.clear_cache()
    return summary


def _restore_rows_and_files(
    archive: zipfile.ZipFile, data: bytes, expected: dict, summary: Summary, using: str
) -> None:
    with transaction.atomic(using=using):
        # Empty every table first (also what migrate seeded, which the backup holds as well);
        # content types and permissions are rebuilt at once, as after migrate. (PostgreSQL cannot
        # truncate a table with constraint checks still pending, when called inside a transaction
        # that wrote before: run them now.)
        connections[using].check_constraints()
        call_command("flush", interactive=False, allow_cascade=True, database=using, verbosity=0)
        ContentType.objects.clear_cache()  # natural keys must find the new rows, not cached ids
        loaded = sorted(_load_rows(data, using), key=lambda model: model._meta.label_lower)
        # Rows are loaded raw, without signals, with their figure versions: a version always stands
        # for the same data, so a copy cached under a restored version is still right.
        summary.rows = {model._meta.label_lower: model._base_manager.using(using).count() for model in loaded}
        for model_field, name in _stored_files(loaded, using):
            entry = expected.get(name)
            if entry is None:
                summary.missing_files.append(name)
                continue
            content = archive.read(FILES + name)
            if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                raise BackupError(f"备份中的文件 {name} 已损坏（校验值不符），未恢复任何数据。")
            _store(model_field.storage, name, content)
            summary.files += 1
            summary.bytes += len(content)


def _store(storage, name: str, content: bytes) -> None:
    """Write ``content`` under exactly ``name`` (the rows refer to it), replacing a different file
    of that name and leaving an identical one alone."""
    if storage.exists(name):
        with storage.open(name, "rb") as existing:
            if existing.read() == content:
                return
        storage.delete(name)
    stored = storage.save(name, ContentFile(content))
    if stored != name:
        raise BackupError(f"文件存储把 {name} 保存成了 {stored}，无法恢复到原来的名称。")


def default_backup_name(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now)
    return f"branchwork-backup-{now:%Y%m%d-%H%M%S}.zip"
