"""How much text one field, one report and one printed book may hold — in one place.

Every limit is far above what a real record reaches and low enough that every file a reader can
make from it renders in seconds (``make bench-worst`` times each at these limits; README
「单次请求的限额」 lists them for users). Measured before choosing (characters):

- the reference half-year report (``seed-half-year-report-2022H1.txt``): 4,306 in all, its longest
  paragraph 1,126;
- the demo data: the longest record text 64 (a warning education's basis), the longest profile
  text 176 (a standing work's measures);
- printing: a meeting record at every limit is about 0.5 s of CPU as a PDF; a book of meeting
  records or the ledger's table about 0.1 ms of CPU a printed character; Word files 40 ms a record.

Short fields (names, titles, places) are ``CharField``s whose ``max_length`` is their limit; the
long texts below are ``TextField``s given ``**chars(limit)``: the limit goes into the form (the
browser's ``maxlength`` and the form's check) and into the model's validation (``full_clean``), which
the services and every import run, so a too-long text is refused the same way everywhere, in Chinese.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator

# A record's text (activities.Activity).
RECORD_CONTENT_MAX_CHARS = 5_000  # 内容: the meeting's minutes
RECORD_TEXT_MAX_CHARS = 2_000  # 决定事项, 学习材料
RECORD_NOTE_MAX_CHARS = 1_000  # 具体活动形式, 依据的上级文件

# The files of one record (会议记录 scans, photos, materials): a meeting has a few, a 主题党日 a few
# dozen photos at most. The record's page lists every one, so without a limit it grew with each
# upload (the writes benchmark's records, given a photo a few seconds, reached hundreds).
RECORD_MAX_ATTACHMENTS = 50

# The branch profile (reports.BranchProfile, ProfileYear, StandingWork).
PROFILE_TEXT_MAX_CHARS = 1_000
PROFILE_MEASURES_MAX_CHARS = 2_000

# Reports: one item (and the opening), the whole report, items; reviewers' comments.
REPORT_ITEM_MAX_CHARS = 5_000
REPORT_MAX_CHARS = 60_000
REPORT_MAX_ITEMS = 200
COMMENT_MAX_CHARS = 5_000

# A period's meeting records printed at once (the PDF book; the ZIP of Word files), and the
# 三会一课 ledger printed as a table. Printed characters count everything a record prints: its
# texts, title, place, host, and its attendance (names, absence reasons) — a book of 100 short
# records with 60 people each was measured at 27 s of CPU, short lines costing more than prose
# (about 9,000 printed characters a second of CPU at worst, a book's or a table's).
MINUTES_BOOK_MAX_RECORDS = 100
MINUTES_BOOK_MAX_CHARS = 40_000
# In the PDF book each record also costs a page of its own, counted as this many characters
# (measured: about 0.05 s of CPU a record besides 0.08 ms a printed character).
MINUTES_BOOK_RECORD_CHARS = 300
LEDGER_PDF_MAX_CHARS = 30_000

# The supporting-material pack (支撑材料, inspection.pack) of a year or a half-year: records read
# at once; the printed characters of its 会议记录 and record sheets in the PDF (counted as the
# book's, each record another MINUTES_BOOK_RECORD_CHARS); images placed on its pages (each is
# decoded and scaled); the attachments' bytes the ZIP packs (copied as they are, photos and
# Office files not compressed again), and up to which size the ZIP is kept in the cache (a larger
# one is written to a temporary file on every download). Measured (benchmarks/pack_bench.py,
# 2026-12-05, CPU time on a loaded 2-core machine): kl's 2022H1 pack, 88 records and about 33,000
# printed characters, is 104 pages in 4.1 s by record category, 137 pages in 4.5 s by the demo's
# 39-item standard (81 of the records back its items, the other 7 in its appendix); at the limits (``pack_bench.py --worst``: 106 short
# 支委会 records with 15 attending each, the costliest per character, and 60 photos of 12
# megapixels) the PDF is 197 pages in 8.9 s and the ZIP 5.4 s (45,000 characters took 9.9 s).
# The ZIP prints each item's record sheets too (a record sheet printed again in a later folder only
# while the ZIP prints no more than PACK_MAX_RECORDS records): kl's 2022H1 ZIP 3.7 s with 28 sheets
# in 11 folders (2026-12-05, idle machine); 300 record sheets (``pack_bench.py --sheets``) 6.3 s.
PACK_MAX_RECORDS = 300
PACK_MAX_CHARS = 40_000
PACK_MAX_IMAGES = 60
PACK_MAX_ATTACHMENT_BYTES = 300 * 1024 * 1024
PACK_CACHED_ZIP_BYTES = 32 * 1024 * 1024


class MaxCharsValidator(MaxLengthValidator):
    message = "不能超过 %(limit_value)s 字（现有 %(show_value)s 字），请精简后再保存"

    def __init__(self, limit_value, message=None):
        super().__init__(limit_value, message)

    def __call__(self, value):
        # Thousands separators, as the rest of the app writes numbers.
        if self.compare(self.clean(value), self.limit_value):
            from django.core.exceptions import ValidationError

            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit_value": f"{self.limit_value:,}", "show_value": f"{len(value):,}", "value": value},
            )


def chars(limit: int) -> dict:
    """``max_length`` and its validator, for a ``TextField``: ``models.TextField(…, **chars(N))``."""
    return {"max_length": limit, "validators": [MaxCharsValidator(limit)]}
