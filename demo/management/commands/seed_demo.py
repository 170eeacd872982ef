from django.core.management.base import BaseCommand
from django.db import transaction

from demo.inspection import seed_inspection
from demo.organisations import seed_organisations
from demo.profiles import seed_profiles
from demo.records import seed_activities


class Command(BaseCommand):
    help = (
        "写入演示数据（可重复运行，结果相同）：参考报告的党组织、花名册、账号与 kl所党支部 2022 年上半年的工作记录，"
        "以及一个记录较少、没有党小组和宣传稿件的研究所党支部"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = seed_organisations()
            seed_profiles()
            seed_activities()
            seed_inspection()

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（用户名 / 密码 / 角色）："))
        for username, password, description in logins:
            self.stdout.write(f"  {username:<14} {password:<16} {description}")
