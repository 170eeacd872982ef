"""Give organisations without any outlet the default registry, so their branches can record news.

For deployments set up before new organisations were given one: only a 党委 or 党总支 with no
outlet registered at it, above it or below it is seeded (a registry already in use — the demo's,
say — is left alone). Safe to run again.
"""

from django.core.management.base import BaseCommand

from activities.outlets import organisations_without_outlets, outlets_seed_defaults


class Command(BaseCommand):
    help = "为尚无任何宣传媒体的党委、党总支登记默认宣传媒体名录（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将要登记的党组织，不写入")

    def handle(self, *args, dry_run=False, **options):
        organisations = organisations_without_outlets()
        if not organisations:
            self.stdout.write("所有党组织均已有宣传媒体名录，无需登记。")
            return
        for organisation in organisations:
            if dry_run:
                self.stdout.write(f"将为{organisation.name}（{organisation.code}）登记默认宣传媒体")
                continue
            created = outlets_seed_defaults(organisation=organisation)
            self.stdout.write(f"已为{organisation.name}（{organisation.code}）登记{len(created)}个默认宣传媒体")
