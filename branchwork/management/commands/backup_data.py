from django.core.management.base import BaseCommand, CommandError

from branchwork.backup import BackupError, backup_write, default_backup_name


class Command(BaseCommand):
    help = (
        "备份全部数据：数据库中的记录（Django JSON，自然键）与所有已存储的文件（附件、报送版本的 DOCX/PDF），"
        "写入一个 zip 文件。可在 SQLite 与 PostgreSQL 之间互相恢复（restore_data）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="备份文件路径（.zip），默认为当前目录下的 branchwork-backup-日期-时间.zip"
        )
        parser.add_argument("--database", default="default", help="要备份的数据库别名（默认 default）")

    def handle(self, *args, **options):
        target = options["output"] or default_backup_name()
        try:
            summary = backup_write(target=target, using=options["database"])
        except (BackupError, OSError) as error:
            raise CommandError(f"备份失败：{error}") from error
        for name in summary.missing_files:
            self.stderr.write(self.style.WARNING(f"警告：数据库引用的文件在存储中不存在，未能备份：{name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {target}：{summary.row_total} 条数据记录，{summary.files} 个文件"
                f"（{summary.bytes / 1024 / 1024:.1f} MB）。"
            )
        )
