"""`manage.py backup` and `manage.py restore`: the round trip loses nothing."""

import hashlib
import io
import json
import re
import tarfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from targets.models import Target, TargetValue
from tasks.models import EvidenceFile, MonthlyReport, ProgressReport, Task
from tests.personas import PersonasTestCase
from units import audit
from units.models import AuditEvent


def table_fingerprints(where=None):
    """Row count and a checksum of every table, read with SQL, independent of dumpdata.
    `where`: {table: SQL condition} to leave some rows out."""
    where = where or {}
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            width = len(cursor.description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            condition = f" WHERE {where[table]}" if table in where else ""
            cursor.execute(f"SELECT * FROM {quoted}{condition} ORDER BY {order}")
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def file_fingerprints(root):
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def empty_everything():
    if connection.vendor == "postgresql":
        # Inside the test's transaction: fire the deferred FK checks so TRUNCATE is allowed.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


class BackupRestoreTests(PersonasTestCase):
    def setUp(self):
        super().setUp()
        self.backup_dir = Path(settings.MEDIA_ROOT).parent / "backups"
        report = MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=5, status="approved")
        target = Target.objects.filter(plan=self.plan).first()
        value = TargetValue(target=target, unit=self.jxj, report=report, month=5, value=Decimal("12.5"),
                            note="含 emoji 🚀 与 <b>标签</b>", source="统计局")
        value.save()
        value.value = Decimal("13.0000")
        value.save()  # a second history row
        task = Task.objects.filter(plan=self.plan).first()
        progress = ProgressReport.objects.create(report=report, task=task, work_done="已完成招商 3 场",
                                                 needs_coordination=True, coordination_matter="用地指标")
        evidence = EvidenceFile(progress=progress, original_name="会议纪要.pdf", content_type="application/pdf", size=9)
        evidence.file.save("a1b2c3.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        evidence.save()
        audit.record(AuditEvent.Action.APPROVE, user=self.staff, obj=report, changes={"status": ["submitted", "approved"]})
        audit.record(AuditEvent.Action.UPLOAD, user=self.jxj_liaison, obj=evidence)

    def backup(self):
        out = io.StringIO()
        call_command("backup", output_dir=str(self.backup_dir), stdout=out)
        return Path(out.getvalue().strip())

    def test_the_round_trip_loses_nothing(self):
        archive = self.backup()
        tables_before = table_fingerprints()
        files_before = file_fingerprints(settings.MEDIA_ROOT)
        self.assertGreater(tables_before["units_auditevent"][0], 2)
        self.assertGreater(tables_before["targets_historicaltargetvalue"][0], 1)
        self.assertEqual(len(files_before), 1)
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.Action.BACKUP).get().object_repr,
                         archive.name.removesuffix(".tar.gz"))

        self.assertTrue(archive.is_file())
        self.assertEqual(archive.parent, self.backup_dir)
        self.assertRegex(archive.name, r"^wuhan_plan-backup-\d{8}-\d{6}\.tar\.gz$")

        empty_everything()
        self.assertEqual(MonthlyReport.objects.count(), 0)
        self.assertEqual(AuditEvent.objects.count(), 0)
        self.assertEqual(file_fingerprints(settings.MEDIA_ROOT), {})

        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        self.assertIn("校验一致", out.getvalue())
        self.maxDiff = None
        self.assertEqual(table_fingerprints({"units_auditevent": "action <> 'restore_backup'"}), tables_before)
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.Action.RESTORE_BACKUP).get().object_repr,
                         archive.name)
        self.assertEqual(file_fingerprints(settings.MEDIA_ROOT), files_before)
        # The restored audit log is still append-only.
        event = AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).get()
        with self.assertRaises(PermissionError):
            event.save()
        self.assertEqual(EvidenceFile.objects.get().file.read(), b"%PDF-1.4\n")

    def test_the_manifest_counts_and_checksums_every_table_and_file(self):
        archive = self.backup()
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            names = tar.getnames()
            dumped = tar.extractfile("data/units.AuditEvent.jsonexact").read()
        self.assertEqual(manifest["tables"]["units.AuditEvent"]["rows"], AuditEvent.objects.count())
        self.assertEqual(manifest["tables"]["units.AuditEvent"]["sha256"], hashlib.sha256(dumped).hexdigest())
        self.assertEqual(manifest["tables"]["tasks.MonthlyReport"]["rows"], 1)
        [(path, entry)] = manifest["files"].items()
        self.assertIn(f"media/{path}", names)
        self.assertEqual(entry["size"], 9)
        self.assertEqual(archive.stat().st_mode & 0o077, 0)

    def test_restore_refuses_a_database_that_is_not_empty(self):
        archive = self.backup()
        before = table_fingerprints()
        with self.assertRaisesMessage(CommandError, "数据库不是空的"):
            call_command("restore", str(archive))
        self.assertEqual(table_fingerprints(), before)

    def test_restore_refuses_a_damaged_archive_and_changes_nothing(self):
        archive = self.backup()
        tampered = archive.with_name("tampered.tar.gz")
        with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
            for member in src.getmembers():
                data = src.extractfile(member).read()
                if member.name == "data/units.AuditEvent.jsonexact":
                    data = re.sub(rb'"username": "staff"', b'"username": "nobody"', data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
        empty_everything()
        with self.assertRaisesMessage(CommandError, "units.AuditEvent 的校验和不符"):
            call_command("restore", str(tampered))
        self.assertEqual(AuditEvent.objects.count(), 0)
        with self.assertRaisesMessage(CommandError, "找不到备份文件"):
            call_command("restore", str(archive.with_name("missing.tar.gz")))

    def test_restore_refuses_an_archive_with_a_path_outside(self):
        evil = self.backup_dir / "evil.tar.gz"
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(evil, "w:gz") as tar:
            info = tarfile.TarInfo("../../escaped.txt")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
        empty_everything()
        with self.assertRaises(CommandError):
            call_command("restore", str(evil))
        self.assertFalse((self.backup_dir.parent.parent / "escaped.txt").exists())
