from django.core.management.base import BaseCommand

from branchwork.cleanup import GRACE, orphans, remove


class Command(BaseCommand):
    help = (
        "列出并删除孤立文件：存储中没有任何数据记录引用的文件（报送中断、进程被终止时留下的），"
        "以及被中断的上传留在临时目录中的文件。只处理一小时以前的文件；加 --dry-run 只列出不删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, dry_run=False, **options):
        found = orphans()
        labels = {"storage": "存储中的孤立文件", "upload": "上传临时文件"}
        for orphan in found:
            if not dry_run:
                remove(orphan)
            self.stdout.write(f"{labels[orphan.kind]}：{orphan.name}（{orphan.size:,} 字节）")
        total = sum(orphan.size for orphan in found)
        verb = "发现" if dry_run else "已删除"
        hours = int(GRACE.total_seconds() // 3600)
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {len(found)} 个孤立文件，共 {total / 1024 / 1024:.1f} MB（只计 {hours} 小时以前的文件）。")
        )
