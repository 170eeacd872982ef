"""Finding 5 of the third probe: an import that amplifies. A 65 KB workbook whose cells all point
at one 30,000-character shared string made 2,000 records of 60 million characters. Every import
reads through ``branchwork.spreadsheets``, whose character budget counts a shared string every
time a cell uses it: each import refuses the file in words, quickly, and stores nothing."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.ledger_imports import MEETING_COLUMNS, PUBLICITY_COLUMNS
from branchwork.org_import import MEMBER_COLUMNS, SHEET_MEMBERS
from branchwork.roster import COLUMNS as ROSTER_COLUMNS

from .factories import db_fingerprint
from .workbooks import shared_string_amplifier

pytestmark = pytest.mark.django_db

IMPORTS = [
    # (who uploads, URL name, URL arguments, posted extras, columns, the column amplified, sheet)
    ("secretary", "roster:import", ["kl"], {}, ROSTER_COLUMNS, "转往", "花名册"),
    ("secretary", "activities:ledger_import", ["kl"], {"type": "meetings"}, MEETING_COLUMNS, "主题", "Sheet1"),
    ("secretary", "activities:ledger_import", ["kl"], {"type": "publicity"}, PUBLICITY_COLUMNS, "标题", "Sheet1"),
    ("organiser", "orgadmin:import", ["hw"], {}, MEMBER_COLUMNS, "转往", SHEET_MEMBERS),
]


@pytest.mark.parametrize(
    ("who", "name", "args", "extra", "columns", "column", "sheet"), IMPORTS, ids=["roster", "meetings", "publicity", "setup"]
)
def test_a_small_file_of_one_shared_string_is_refused_and_stores_nothing(world, client, who, name, args, extra, columns, column, sheet):
    content = shared_string_amplifier(columns, column=column, rows=2000, length=30_000, sheet_title=sheet)
    assert len(content) < 100_000  # the probe's was 65 KB
    client.force_login(getattr(world, who))
    before = db_fingerprint()
    started = time.perf_counter()
    response = client.post(reverse(name, args=args), {**extra, "file": SimpleUploadedFile("表.xlsx", content)})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "文件中要导入的文字过多（超过 200 万字），请拆分后分批导入。" in response.content.decode()
    assert db_fingerprint() == before
    assert elapsed < 5, elapsed
