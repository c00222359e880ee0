"""The compiled translations match their .po sources and every Dutch string is translated."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "src" / "circulair" / "web" / "locale"


def test_dutch_catalogue_is_complete_and_compiled() -> None:
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()
    mo = polib.mofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in po if not e.msgid_plural and not e.obsolete}
    assert source <= compiled, "django.mo is stale: compile the .po (see docs/i18n.md)"
