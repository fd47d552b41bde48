"""The publicity term (公示期限): how long an entry stays on the public list.

The national rule lists an entry for three years (PUBLICITY_TERM_DAYS); an official may end
it early once the unit's rectification has been verified for twelve months
(EARLY_REMOVAL_AFTER_DAYS). An entry that leaves the list keeps its page, reachable by its
link with a "removed" notice, and appears in the public removal log (``public:removal-log``).

Entries published before Gongshi kept terms (the demo city's 2008–2010 batches) have no
``listed_until``: the daily sweep leaves them alone, and only an official removes them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from publicity.cache import public_cache_invalidate_on_commit
from publicity.enums import EntryStatus
from publicity.models import Entry
from rectification.enums import CaseStatus


class TermError(Exception):
    """A removal that the rules do not allow; the message says why."""


def entry_listed_until(published_on: datetime.date) -> datetime.date:
    """The last day an entry published on ``published_on`` stays listed."""
    return published_on + datetime.timedelta(days=settings.PUBLICITY_TERM_DAYS)


def entries_term_expired(*, today: datetime.date) -> QuerySet[Entry]:
    return Entry.objects.filter(status=EntryStatus.LISTED, listed_until__lt=today)


@transaction.atomic
def entries_term_end(*, today: datetime.date) -> int:
    """End the listing of every entry whose term ran out before ``today``.

    One UPDATE whatever the number of entries; running it twice changes nothing the second
    time (the entries are no longer listed). Returns how many entries left the list.
    """
    removed = entries_term_expired(today=today).update(
        status=EntryStatus.REMOVED,
        removed_on=today,
        removal_reason=_("公示期满"),
    )
    if removed:
        public_cache_invalidate_on_commit()
    return removed


def early_removal_allowed_from(entry: Entry) -> datetime.date | None:
    """The first day an official may remove the entry early, or None while not eligible."""
    case = entry.case
    if case is None or case.closed_on is None:
        return None
    if case.status not in (CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED):
        return None
    return case.closed_on + datetime.timedelta(days=settings.EARLY_REMOVAL_AFTER_DAYS)


@transaction.atomic
def entry_remove_early(*, entry: Entry, actor: User, reason: str, today: datetime.date) -> Entry:
    """An official ends an entry's listing early after verified rectification.

    Side effects: the entry's status, removal date and reason (the printed text stays).
    """
    if not actor.has_perm("publicity.approve_batch"):
        raise TermError(_("只有审批领导可以提前移出公示名单。"))
    entry = Entry.objects.select_for_update(of=("self",)).select_related("case").get(pk=entry.pk)
    if entry.status != EntryStatus.LISTED:
        raise TermError(_("该条目已不在公示名单中。"))
    allowed_from = early_removal_allowed_from(entry)
    if allowed_from is None:
        raise TermError(_("该单位的整改尚未经复查核实，不能提前移出。"))
    if today < allowed_from:
        raise TermError(
            _("整改核实满 %(days)d 天后才能提前移出：最早 %(date)s。")
            % {"days": settings.EARLY_REMOVAL_AFTER_DAYS, "date": allowed_from.isoformat()}
        )
    if not reason.strip():
        raise TermError(_("请填写提前移出的理由。"))
    entry.status = EntryStatus.REMOVED
    entry.removed_on = today
    entry.removal_reason = _("整改核实后提前移出：%(reason)s") % {"reason": reason.strip()}
    entry.save(update_fields=["status", "removed_on", "removal_reason"])
    public_cache_invalidate_on_commit()
    return entry
