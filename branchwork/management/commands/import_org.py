"""``python manage.py import_org FILE.xlsx [--under CODE] [--dry-run]``

Sets up organisations, accounts and members from the setup workbook (``branchwork.org_import``),
as the upload on the organisation page does: it prints what the file would create and change per
sheet, or every problem with its sheet and row; without ``--dry-run`` it then writes it all in one
transaction and prints each new account's initial password, once. Run from the command line the
import acts for the whole deployment (``--under`` limits it to one organisation and its subtree);
its audit-log entries name 系统 as the actor.
"""

import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branchwork.models import Organisation
from branchwork.org_import import import_passwords_reveal, org_import, read_workbook
from branchwork.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = "用组织设置 Excel 文件（组织、账号、党员三个工作表）一次导入党组织、账号和党员"

    def add_arguments(self, parser):
        parser.add_argument("file", help="组织设置模板填好的 .xlsx 文件")
        parser.add_argument("--under", metavar="CODE", help="只在该党组织（党委或党总支的代码）及其下级中导入")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将新建和修改的内容，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        upload = io.BytesIO(path.read_bytes())
        upload.name = path.name
        scope = None
        if options["under"]:
            scope = Organisation.objects.exclude(level=Organisation.Level.BRANCH).filter(code=options["under"]).first()
            if scope is None:
                raise CommandError(f"没有代码为“{options['under']}”的党委或党总支。")
        try:
            workbook = read_workbook(upload)
        except SpreadsheetError as problem:
            raise CommandError(str(problem)) from None

        outcome = org_import(workbook=workbook, scope=scope, by=None, commit=not options["dry_run"])
        plan = outcome.plan
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有 {len(plan.errors)} 处问题，没有导入任何内容。请改正后重新运行。")
        for sheet in plan.summary("已" if outcome.applied else "将"):
            self.stdout.write(f"“{sheet['sheet']}”表：{sheet['headline']}")
            for line in sheet["created"]:
                self.stdout.write(f"  + {line}")
            for line in sheet["changed"]:
                self.stdout.write(f"  ~ {line}")
        if not outcome.applied:
            self.stdout.write("（试运行：没有写入任何内容）" if plan.changes else "文件中的内容与系统中的完全一致，无需导入。")
            return
        self.stdout.write(self.style.SUCCESS(f"导入完成：共 {plan.changes} 项改动。"))
        issued = import_passwords_reveal(user_ids=outcome.new_user_ids, by=None)
        if issued:
            self.stdout.write("新账号的初始密码（只显示这一次，请交给本人；首次登录须改为自己的密码）：")
            self.stdout.write("  姓名\t用户名\t初始密码\t角色")
            for account in issued:
                self.stdout.write(f"  {account.name}\t{account.username}\t{account.password}\t{account.roles}")
