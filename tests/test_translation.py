"""The English catalogue is complete: every Chinese string of the site has its English."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(text: str):
    """(flags, {keyword: text}) for each entry of a .po file, obsolete ones left out."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = ""
            if key is not None:
                fields[key] += "".join(QUOTED.findall(line))
        if fields.get("msgid"):
            yield flags, fields


def test_english_catalogue_translates_every_string():
    untranslated = []
    fuzzy = []
    for flags, fields in entries(CATALOGUE.read_text(encoding="utf-8")):
        if "fuzzy" in flags:
            fuzzy.append(fields["msgid"])
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        if not translations or not all(translations):
            untranslated.append(fields["msgid"])
    assert untranslated == []
    assert fuzzy == []


def test_english_catalogue_is_compiled_from_the_current_po():
    """The committed .mo (what Django reads) says what the .po says, string for string."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for _flags, fields in entries(CATALOGUE.read_text(encoding="utf-8")):
        if "msgid_plural" in fields:
            continue
        msgid = decode(fields["msgid"])
        if "msgctxt" in fields:
            found = mo.pgettext(decode(fields["msgctxt"]), msgid)
        else:
            found = mo.gettext(msgid)
        if found != decode(fields["msgstr"]):
            stale.append(msgid)
    assert stale == []


def decode(po_text: str) -> str:
    """A .po string's escapes (\\n, \\", \\\\) as the characters they stand for."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), po_text)


def test_english_catalogue_po_holds_every_compiled_string():
    """The .po is the source of the .mo: a merge that empties it must not pass unseen, since
    the next compilemessages would then drop every English string from the site."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    in_po = set()
    for _flags, fields in entries(CATALOGUE.read_text(encoding="utf-8")):
        msgid = decode(fields["msgid"])
        if "msgctxt" in fields:
            msgid = f"{decode(fields['msgctxt'])}\x04{msgid}"
        in_po.add(msgid)
    # GNUTranslations keeps plural entries under (msgid, index) keys.
    in_mo = {key if isinstance(key, str) else key[0] for key in mo._catalog if key}
    assert sorted(in_mo - in_po) == []
    assert len(in_po) > 1000
