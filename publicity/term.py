"""The publicity term (公示期限): how long an entry stays on the public list.

The national rule lists an entry for three years; an official may end it early once the
unit's rectification has been verified for twelve months. Both are the rules of the entry's
authority (``registry.authorities``: its ``publicity_term_days`` and
``early_removal_after_days``, the deployment's PUBLICITY_TERM_DAYS and EARLY_REMOVAL_AFTER_DAYS
where it sets none). An entry that leaves the list keeps its page, reachable by its
link with a "removed" notice, and appears in the public removal log (``public:removal-log``).

Entries published before Gongshi kept terms (the demo city's 2008–2010 batches) have no
``listed_until``: the daily sweep leaves them alone, and only an official removes them.

The rules are here; the moves (end of term, early removal) are the entry workflow's
(publicity.workflows.ENTRY, publicity.services.entries).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from publicity.enums import EntryStatus
from publicity.errors import PublicationError
from publicity.models import Entry
from rectification.enums import CaseStatus
from registry.authorities import AuthorityRules, authority_for

# The term's refusals are the publication workflow's.
TermError = PublicationError


def entry_listed_until(published_on: datetime.date, rules: AuthorityRules) -> datetime.date:
    """The last day an entry published on ``published_on`` under ``rules`` stays listed."""
    return published_on + datetime.timedelta(days=rules.publicity_term_days)


def entries_term_expired(*, today: datetime.date) -> QuerySet[Entry]:
    return Entry.objects.filter(status=EntryStatus.LISTED, listed_until__lt=today)


def early_removal_allowed_from(entry: Entry) -> datetime.date | None:
    """The first day an official may remove the entry early, or None while not eligible."""
    case = entry.case
    if case is None or case.closed_on is None:
        return None
    if case.status not in (CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED):
        return None
    days = authority_for(entry.district).early_removal_after_days
    return case.closed_on + datetime.timedelta(days=days)
