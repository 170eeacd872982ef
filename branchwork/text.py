"""Characters no stored text may hold.

People paste from Word, WPS and WeChat, and the paste can carry invisible control characters.
PostgreSQL cannot store U+0000 at all (a save fails), and XML — so the DOCX report, the Excel
ledgers and the roster export — cannot hold the other C0 controls or U+FFFE/U+FFFF. They are never
meant as text, so they are taken out of every submitted value before any form sees it
(``branchwork.middleware.StripControlCharactersMiddleware``); tab, line feed and carriage return
stay.
"""

import re

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def strip_control_characters(text: str) -> str:
    return UNSTORABLE.sub("", text)
