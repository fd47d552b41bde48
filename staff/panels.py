"""The dashboard's count panels in one shape, for the one panel template
(templates/staff/_panel.html): a title linking to its queue, and a count per kind of work
that waits, each linking to the list that shows it.

Each app's selector says what waits (``dashboard_panel``); this module only words and links
it, so the three panels look and read alike.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def panel_item(label: str, count: int, url: str, *, alert: bool = False) -> dict[str, Any]:
    return {"label": label, "count": count, "url": url, "alert": alert}


def publicity_panel(counts: dict[str, int]) -> dict[str, Any]:
    """The publication panel from ``publicity.selectors.dashboard_panel``: only the work that
    waits is listed."""
    batches = reverse("publicity:batch-list")
    approvals = reverse("publicity:approval-queue")
    objections = reverse("publicity:objection-queue")
    n = counts
    wording = [
        ("drafts", ngettext("个批次草稿", "个批次草稿", n["drafts"]), f"{batches}?status=draft"),
        (
            "returned",
            ngettext("个批次被退回", "个批次被退回", n["returned"]),
            f"{batches}?status=returned",
        ),
        ("to_approve", ngettext("个批次待审批", "个批次待审批", n["to_approve"]), approvals),
        (
            "errata_to_decide",
            ngettext("份更正待审批", "份更正待审批", n["errata_to_decide"]),
            approvals,
        ),
        (
            "open_objections",
            ngettext("件异议待决定", "件异议待决定", n["open_objections"]),
            objections,
        ),
        (
            "ready_to_finalise",
            ngettext(
                "个批次告知期已满，可定稿", "个批次告知期已满，可定稿", n["ready_to_finalise"]
            ),
            f"{batches}?status=approved",
        ),
        (
            "to_publish",
            ngettext("个批次已定稿待发布", "个批次已定稿待发布", n["to_publish"]),
            f"{batches}?status=finalised",
        ),
    ]
    return {
        "key": "publicity",
        "title": _("公示曝光"),
        "url": batches,
        "items": [
            panel_item(label, counts[key], url) for key, label, url in wording if counts[key]
        ],
        "empty": _("公示曝光方面暂无待办事项。"),
        "links": [{"url": batches, "label": _("全部公示批次")}],
    }


def rectification_panel(panel: dict[str, Any]) -> dict[str, Any]:
    """The rectification panel from ``rectification.selectors.dashboard_panel``, with the
    inbox's unread messages as its last count."""
    unread = panel_item(
        _("条未读消息"), panel["unread"], panel["inbox_url"], alert=panel["unread"] > 0
    )
    replies = panel.get("replies")
    reply_items = (
        [panel_item(replies["label"], replies["count"], replies["url"], alert=replies["alert"])]
        if replies
        else []
    )
    return {
        "key": "rectification",
        "title": panel["title"],
        "url": panel["queue_url"],
        "items": [*panel["items"], *reply_items, unread],
    }


def submission_panel(panel: dict[str, Any]) -> dict[str, Any] | None:
    """The submissions panel from ``publicity.submissions.selectors.dashboard_panel``; none
    for staff who do not triage (an empty panel)."""
    if not panel:
        return None
    return {
        "key": "submissions",
        "title": panel["title"],
        "url": panel["queue_url"],
        "items": panel["items"],
    }


def undeliverable_panel(cases: list[Any], total: int) -> dict[str, Any] | None:
    """The reminders that reached no one, from
    ``rectification.selectors.undeliverable_reminders``: one line per case, linking to its
    contact form. None when there are none (nothing to do, no panel)."""
    if not cases:
        return None
    queue = reverse("rectification:case-list") + "?queue=undeliverable"
    items = [
        panel_item(
            ngettext(
                "次提醒无人接收：%(unit)s（%(department)s）",
                "次提醒无人接收：%(unit)s（%(department)s）",
                case.undeliverable,
            )
            % {"unit": case.enterprise.name, "department": case.department.name},
            case.undeliverable,
            reverse("rectification:case-detail", args=[case.pk]) + "#contact",
            alert=True,
        )
        for case in cases
    ]
    links = []
    if total > len(cases):
        links.append({"url": queue, "label": _("全部 %(count)d 件") % {"count": total}})
    return {
        "key": "undeliverable",
        "title": _("无法送达的提醒"),
        "url": queue,
        "items": items,
        "links": links,
    }
