from django.core.management.base import BaseCommand, CommandError

from branchwork.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "从 backup_data 生成的 zip 文件恢复全部数据与文件。目标数据库须已执行 migrate 且为空"
        "（没有用户和党组织）；加 --force 则清空并替换其中已有的全部数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup_data 生成的备份文件（.zip）")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时，清空并替换")
        parser.add_argument("--database", default="default", help="要恢复到的数据库别名（默认 default）")

    def handle(self, *args, **options):
        try:
            summary = backup_restore(source=options["backup"], force=options["force"], using=options["database"])
        except BackupError as error:
            raise CommandError(f"恢复失败：{error}") from error
        for name in summary.missing_files:
            self.stderr.write(self.style.WARNING(f"警告：备份时该文件已不存在，未能恢复：{name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {options['backup']} 恢复：{summary.row_total} 条数据记录，{summary.files} 个文件"
                f"（{summary.bytes / 1024 / 1024:.1f} MB）。"
            )
        )
