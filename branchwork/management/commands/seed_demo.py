from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "写入演示数据（可重复运行，结果相同）：参考报告的党组织、花名册、账号与 kl所党支部 2022 年上半年的工作记录"

    def handle(self, *args, **options):
        from activities.demo import seed_activities
        from branchwork.demo import seed_organisations

        with transaction.atomic():
            logins = seed_organisations()
            seed_activities()

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（用户名 / 密码 / 角色）："))
        for username, password, description in logins:
            self.stdout.write(f"  {username:<14} {password:<16} {description}")
