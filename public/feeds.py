"""The Atom feed: published batches, approved errata and published replies of units,
newest first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from public import selectors
from publicity.enums import ErratumKind

FEED_ITEMS = 30


@dataclass(frozen=True)
class FeedItem:
    key: str
    title: str
    description: str
    link: str
    date: datetime.datetime


def _midday(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class PublicFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("安全生产公示曝光：批次与更正")
    subtitle = gettext_lazy("新公示的曝光批次和经批准的更正。")

    def link(self) -> str:
        return reverse("public:batch-archive")

    def items(self) -> list[FeedItem]:
        items: list[FeedItem] = []
        for batch in selectors.batches_public().order_by("-published_on", "-id")[:FEED_ITEMS]:
            assert batch.published_on is not None  # noqa: S101 - published batches have a date
            items.append(
                FeedItem(
                    key=f"batch-{batch.pk}",
                    title=_("公示曝光%(batch)s") % {"batch": batch.label},
                    description=_("%(outlet)s 刊登，%(date)s 公示。")
                    % {"outlet": batch.outlet, "date": batch.published_on.isoformat()},
                    link=reverse("public:batch-detail", args=[batch.pk]),
                    date=_midday(batch.published_on),
                )
            )
        for erratum in selectors.errata_public().order_by("-approved_at", "-id")[:FEED_ITEMS]:
            assert erratum.approved_at is not None  # noqa: S101 - approved errata have a time
            kind = _("更正") if erratum.kind == ErratumKind.CORRECT else _("撤回")
            items.append(
                FeedItem(
                    key=f"erratum-{erratum.pk}",
                    title=_("%(kind)s：%(unit)s（%(batch)s）")
                    % {
                        "kind": kind,
                        "unit": erratum.entry.unit_name,
                        "batch": erratum.entry.batch.label,
                    },
                    description=erratum.reason,
                    link=reverse("public:entry-detail", args=[erratum.entry_id]),
                    date=erratum.approved_at,
                )
            )
        for reply in selectors.replies_public().order_by("-decided_at", "-id")[:FEED_ITEMS]:
            assert reply.decided_at is not None  # noqa: S101 - published replies have a time
            entry = reply.case.entry  # type: ignore[attr-defined]
            items.append(
                FeedItem(
                    key=f"reply-{reply.pk}",
                    title=_("单位回应：%(unit)s（%(batch)s）")
                    % {"unit": entry.unit_name, "batch": entry.batch.label},
                    description=_("单位回应，系该单位自己的表述：%(text)s")
                    % {"text": reply.published_text},
                    link=reverse("public:entry-detail", args=[entry.pk]),
                    date=reply.decided_at,
                )
            )
        items.sort(key=lambda item: item.date, reverse=True)
        return items[:FEED_ITEMS]

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        # Atom's <summary type="html"> is read as markup once the XML is parsed: staff text
        # (an erratum's reason, a unit's name) is plain text, so it is escaped for that
        # second reading too — a reader shows "<b>" as typed, never as live markup.
        return escape(item.description)

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> datetime.datetime:
        return item.date

    def item_updateddate(self, item: FeedItem) -> datetime.datetime:
        return item.date
