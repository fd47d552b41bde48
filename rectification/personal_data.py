"""Personal data a unit may leave in its reply (单位回应) before it is published: phone numbers,
resident ID numbers, e-mail addresses and the case's responsible person's name.

Pure functions: the moderation page marks what they find, and the REPLY table's publish move
asks them again on the server, so a reply that still holds such data is published only when
the moderator confirms it (``rectification.reply_workflow``). They point out what looks like
personal data; the moderator decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# What each kind is called on the page and in the history, in order of display.
KIND_LABELS = {
    "mobile": _("手机号码"),
    "landline": _("固定电话"),
    "id_number": _("身份证号码"),
    "email": _("电子邮箱"),
    "name": _("责任人姓名"),
}

# A separator people type inside a number: a space (also the ideographic one) or a dash.
_SEP = r"[ \u3000\-]?"
_PATTERNS = [
    # Resident ID (GB 11643): area code, date of birth, sequence, check digit or X. First, so
    # that its digits are not taken for a phone number.
    (
        "id_number",
        re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
            r"(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
        ),
    ),
    # A mainland mobile number, with or without +86, its digits grouped by spaces or dashes.
    (
        "mobile",
        re.compile(r"(?<![0-9])(?:\+?86" + _SEP + r")?1[3-9](?:" + _SEP + r"\d){9}(?![0-9])"),
    ),
    # A landline with its area code: 0752-1234567, 0752 1234 5678, (0752)12345678.
    (
        "landline",
        re.compile(
            r"(?<![0-9])(?:[(（]0\d{2,3}[)）]" + _SEP + r"|0\d{2,3}" + _SEP + r")"
            r"\d{3,4}" + _SEP + r"\d{4}(?:" + _SEP + r"(?:转|ext\.?|#)\s?\d{1,5})?(?![0-9])"
        ),
    ),
    (
        "email",
        re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
    ),
]
# A name field may hold more than one name, or a title after it: 李四、王五 / 李四（科长）.
_NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+|[(（][^)）]*[)）]")


@dataclass(frozen=True)
class PersonalData:
    """One piece of what looks like personal data, at ``text[start:end]``."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def personal_names(*fields: str) -> list[str]:
    """The names held in fields such as a case's responsible person (two characters or more:
    a single character would mark half the reply)."""
    names: list[str] = []
    for value in fields:
        for part in _NAME_SEPARATORS.split(value or ""):
            part = part.strip()
            if len(part) >= 2 and part not in names:
                names.append(part)
    return names


def personal_data_found(text: str, *, names: Iterable[str] = ()) -> list[PersonalData]:
    """What in ``text`` looks like personal data, in the order it appears; ``names`` are
    people's names to look for (``personal_names``). Where two findings overlap, the one
    found first in the order of ``_PATTERNS`` (then the longer) is kept."""
    candidates: list[PersonalData] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            candidates.append(PersonalData(kind, match.group(), match.start(), match.end()))
    for name in names:
        for match in re.finditer(re.escape(name), text):
            candidates.append(PersonalData("name", name, match.start(), match.end()))
    kept: list[PersonalData] = []
    for found in candidates:  # earlier kinds win an overlap
        if not any(found.start < other.end and other.start < found.end for other in kept):
            kept.append(found)
    return sorted(kept, key=lambda found: found.start)


def personal_data_listed(found: Iterable[PersonalData]) -> str:
    """The findings as one line: "手机号码 13800138000、电子邮箱 a@b.cn" (each value once)."""
    separator = pgettext("list separator", "、")
    seen: list[tuple[str, str]] = []
    for item in found:
        if (item.kind, item.text) not in seen:
            seen.append((item.kind, item.text))
    ordered = sorted(seen, key=lambda pair: list(KIND_LABELS).index(pair[0]))
    return separator.join(f"{KIND_LABELS[kind]} {text}" for kind, text in ordered)


def personal_data_marked(text: str, found: Iterable[PersonalData]) -> SafeString:
    """``text`` escaped for HTML, each finding in a ``<mark>`` that names its kind."""
    parts: list[str] = []
    position = 0
    for item in sorted(found, key=lambda item: item.start):
        parts.append(escape(text[position : item.start]))
        parts.append(
            f'<mark class="personal-data" title="{escape(item.label)}">'
            f"{escape(text[item.start : item.end])}</mark>"
        )
        position = item.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text escaped above
