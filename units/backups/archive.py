"""Backup and restore of the whole system: every table and every uploaded file.

An archive is a .tar.gz holding
    manifest.json             row count and sha256 of each table's dump, sha256 of each file
    data/<app.Model>.jsonexact  `dumpdata --all` of one model or link table (natural keys off,
                              ordered by pk), in units.backups.serializer's format
    media/<path>              the files under MEDIA_ROOT
Used by the `backup` and `restore` management commands, which both leave an audit event.

loaddata saves rows with Model.save_base(raw=True), not Model.save(), so the append-only
AuditEvent loads like any other table (its save() refusing a set pk is not involved), and
auto_now_add times and django-simple-history rows come back as they were.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from units.models import AuditEvent

FORMAT_VERSION = 1
# Filled by `migrate` itself, so present in an otherwise empty database; restore replaces them.
MIGRATE_CREATED = {"contenttypes.ContentType", "auth.Permission"}
# Loaded last: saving a PeriodicTask touches this one-row table through a signal.
LOAD_LAST = ["django_celery_beat.PeriodicTasks"]
DUMP_FORMAT = "jsonexact"


def _register_format():
    if DUMP_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(DUMP_FORMAT, "units.backups.serializer")


class BackupError(Exception):
    pass


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backed_up_models():
    """Every concrete table Django manages, the many-to-many link tables included."""
    return sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy),
        key=lambda m: m._meta.label,
    )


def dump_model(model, path, using=DEFAULT_DB_ALIAS):
    _register_format()
    call_command(
        "dumpdata", model._meta.label, all=True, format=DUMP_FORMAT, output=str(path),
        database=using, verbosity=0,
    )
    return sha256_file(path)


def media_files(root):
    root = Path(root)
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _dump_tables(directory, using):
    tables = {}
    for model in backed_up_models():
        label = model._meta.label
        path = Path(directory) / f"{label}.{DUMP_FORMAT}"
        digest = dump_model(model, path, using)
        tables[label] = {"rows": model._base_manager.using(using).count(), "sha256": digest}
    return tables


def create_backup(output_dir=None, using=DEFAULT_DB_ALIAS):
    """Write the archive and return its path. The tables are read in one transaction
    (REPEATABLE READ on PostgreSQL), so they agree with one another."""
    output_dir = Path(output_dir or settings.BACKUP_DIR)
    output_dir.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # Recorded before the dump, so that the archive holds the record of its own making.
    _record(AuditEvent.Action.BACKUP, f"wuhan_plan-backup-{stamp}", using)
    with tempfile.TemporaryDirectory(prefix="wuhan-backup-") as work:
        data_dir = Path(work) / "data"
        data_dir.mkdir()
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            tables = _dump_tables(data_dir, using)
            files = {}
            media_root = Path(settings.MEDIA_ROOT)
            for relative in media_files(media_root):
                path = media_root / relative
                files[relative] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
        manifest = {
            "format": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "tables": tables,
            "files": files,
        }
        name = f"wuhan_plan-backup-{stamp}.tar.gz"
        archive = output_dir / name
        counter = 1
        while archive.exists():
            counter += 1
            archive = output_dir / f"wuhan_plan-backup-{stamp}-{counter}.tar.gz"
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            payload = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(payload))
            for label in tables:
                tar.add(data_dir / f"{label}.{DUMP_FORMAT}", arcname=f"data/{label}.{DUMP_FORMAT}")
            for relative in files:
                tar.add(media_root / relative, arcname=f"media/{relative}")
        os.chmod(partial, 0o600)
        os.replace(partial, archive)
    return archive


def _record(action, what, using):
    AuditEvent.objects.using(using).create(action=action, username="manage.py", object_type="backup",
                                           object_repr=what[:300])


def _extract(archive, into):
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"归档中含有不允许的条目：{member.name}")
            tar.extractall(into, filter="data")  # refuses absolute paths and ../
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from exc
    manifest_path = Path(into) / "manifest.json"
    if not manifest_path.exists():
        raise BackupError("备份文件中没有 manifest.json，不是本系统的备份。")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("备份格式版本不符。")
    return manifest


def _verify_archive(manifest, root):
    for label, entry in manifest["tables"].items():
        path = root / "data" / f"{label}.{DUMP_FORMAT}"
        if not path.exists() or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"备份中数据表 {label} 的校验和不符，备份文件已损坏。")
    for relative, entry in manifest["files"].items():
        path = root / "media" / relative
        if not path.exists() or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"备份中文件 {relative} 的校验和不符，备份文件已损坏。")


def non_empty_tables(using=DEFAULT_DB_ALIAS):
    return [
        m._meta.label for m in backed_up_models()
        if m._meta.label not in MIGRATE_CREATED and m._base_manager.using(using).exists()
    ]


def restore_backup(archive, using=DEFAULT_DB_ALIAS):
    """Load an archive into an empty database and MEDIA_ROOT; verify every table and file
    against the manifest. Any failure rolls the database back. Returns the manifest."""
    from django.contrib.contenttypes.models import ContentType

    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    busy = non_empty_tables(using)
    if busy:
        raise BackupError(
            "数据库不是空的，拒绝恢复（以免覆盖现有数据）。请恢复到新建并已 migrate 的空数据库。"
            f"已有数据的表：{', '.join(busy[:10])}{' …' if len(busy) > 10 else ''}"
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="wuhan-restore-") as work:
        root = Path(work)
        manifest = _extract(archive, root)
        _verify_archive(manifest, root)
        known = {m._meta.label: m for m in backed_up_models()}
        unknown = sorted(set(manifest["tables"]) - set(known))
        if unknown:
            raise BackupError(f"备份中有本系统当前版本没有的数据表：{', '.join(unknown)}。请先升级系统再恢复。")
        for relative, entry in manifest["files"].items():
            target = media_root / relative
            if target.exists() and sha256_file(target) != entry["sha256"]:
                raise BackupError(f"上传文件目录中已有不同的同名文件：{relative}")

        order = sorted(manifest["tables"], key=lambda label: (label in LOAD_LAST, label))
        fixtures = [str(root / "data" / f"{label}.{DUMP_FORMAT}") for label in order if manifest["tables"][label]["rows"]]
        with transaction.atomic(using=using):
            if connections[using].vendor == "postgresql":
                # Rows refer to rows in files loaded later; check the keys at commit.
                with connections[using].cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            ContentType.objects.using(using).all().delete()  # with the permissions; reloaded with their ids
            ContentType.objects.clear_cache()
            if fixtures:
                _register_format()
                call_command("loaddata", *fixtures, database=using, verbosity=0)
            ContentType.objects.clear_cache()
            check_dir = root / "check"
            check_dir.mkdir()
            for label, entry in manifest["tables"].items():
                model = known[label]
                rows = model._base_manager.using(using).count()
                digest = dump_model(model, check_dir / f"{label}.{DUMP_FORMAT}", using)
                if rows != entry["rows"] or digest != entry["sha256"]:
                    raise BackupError(f"恢复后数据表 {label} 与备份不一致（{rows} 行，备份 {entry['rows']} 行）。")
            for relative in manifest["files"]:
                target = media_root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    shutil.copyfile(root / "media" / relative, target)
                    os.chmod(target, getattr(settings, "FILE_UPLOAD_PERMISSIONS", None) or 0o640)
                if sha256_file(target) != manifest["files"][relative]["sha256"]:
                    raise BackupError(f"恢复后文件 {relative} 校验和不符。")
    # After the check: the restored log continues with the record of the restore.
    _record(AuditEvent.Action.RESTORE_BACKUP, archive.name, using)
    return manifest
