"""Reads of the rectification app: work queues, a case's timeline, the inbox, the dashboard
panel. ``select_related``/``prefetch_related`` are decided here, once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import JSONObject, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pages import COUNT_BOUND, bounded_count, bounded_counts
from core.role_grants import role_grant_notice
from rectification.enums import CaseStatus, EventKind, ReminderDelivery, ReplyStatus
from rectification.models import (
    AccessCode,
    Case,
    Event,
    EventEvidence,
    InboxMessage,
    Reminder,
    Reply,
    overdue_condition,
)
from rectification.permissions import (
    CASE_JURISDICTION_PATH,
    cases_visible_to,
    replies_visible_to,
)
from rectification.reminder_texts import reminder_shown
from rectification.workflows import STAFF_ONLY_TEXT
from registry.permissions import scope_to_user, sees_whole_tree

# The work queues a case list can show; the first a role sees is QUEUE_DEFAULT's.
QUEUE_ACTIVE = "active"
QUEUE_APPLICATIONS = "applications"
QUEUE_OVERDUE = "overdue"
QUEUE_SUPERVISION = "supervision"
QUEUE_UNDELIVERABLE = "undeliverable"
QUEUES = (
    QUEUE_ACTIVE,
    QUEUE_APPLICATIONS,
    QUEUE_OVERDUE,
    QUEUE_SUPERVISION,
    QUEUE_UNDELIVERABLE,
)


def queue_default(user: User | AnonymousUser) -> str:
    """The queue of the work the user's permissions are for: supervision, re-inspection, or
    the cases in hand."""
    if user.has_perm("rectification.supervise_case") and not user.is_superuser:
        return QUEUE_SUPERVISION
    if user.has_perm("rectification.reinspect_case") and not user.is_superuser:
        return QUEUE_APPLICATIONS
    return QUEUE_ACTIVE


def queue_labels() -> dict[str, str]:
    return {
        QUEUE_ACTIVE: _("在办"),
        QUEUE_APPLICATIONS: _("待复查申请"),
        QUEUE_OVERDUE: _("逾期"),
        QUEUE_SUPERVISION: _("逾期及上报督查"),
        QUEUE_UNDELIVERABLE: _("提醒无法送达"),
    }


def _awaiting_contact(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases a reminder of which reached no one (no liaison, no e-mail) and that still have
    no responsible person's e-mail: someone should add a contact. ``Case.awaiting_contact``,
    which the database keeps: found by the reminders, the queue read 100,000 cases of a
    province to keep a city's 5,000."""
    return cases.filter(awaiting_contact=True)


# The dashboard's count of escalated cases (it links to the supervision queue).
ESCALATED = "escalated"


def queue_cases(cases: QuerySet[Case], queue: str, today: datetime.date) -> QuerySet[Case]:
    """The one definition of each work queue (``QUEUES``, and ``ESCALATED`` for the
    dashboard) over ``cases``, the cases a user may see (``cases_visible_to``): the list, the
    dashboard's counts and the queue tests read it. Every queue holds active cases only, so
    each is a range of the active cases' partial indexes, never a scan of the finished ones.
    """
    active = cases.filter(status__in=CaseStatus.active())
    if queue == QUEUE_APPLICATIONS:
        return active.filter(status=CaseStatus.REINSPECTION_REQUESTED)
    if queue == QUEUE_OVERDUE:
        return active.filter(overdue_condition(today))
    if queue == QUEUE_SUPERVISION:
        return active.filter(overdue_condition(today) | Q(escalated_at__isnull=False))
    if queue == ESCALATED:
        return active.filter(escalated_at__isnull=False)
    if queue == QUEUE_UNDELIVERABLE:
        return _awaiting_contact(active)
    return active


def _with_overdue(queryset: QuerySet[Case], today: datetime.date) -> QuerySet[Case]:
    return queryset.annotate(
        overdue=SqlCase(
            When(overdue_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def case_queue(
    *, user: User | AnonymousUser, queue: str, today: datetime.date | None = None
) -> QuerySet[Case]:
    """The active cases of one work queue that the user may see, soonest deadline first (the
    order of the active cases' deadline index)."""
    today = today or timezone.localdate()
    cases = queue_cases(cases_visible_to(user, today), queue, today)
    # Whether the unit has its letter (and so its access code) yet: a case without one
    # cannot hear from its unit through the website.
    letter_issued = Exists(AccessCode.objects.filter(case=OuterRef("pk"), revoked_at__isnull=True))
    return (
        _with_overdue(cases.select_related("enterprise", "place", "department"), today)
        .annotate(letter_issued=letter_issued)
        .order_by("deadline", "id")
    )


def case_detail_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "enterprise__jurisdiction", "enterprise__industry", "place", "department"
    ).prefetch_related("findings")


def case_timeline(*, case: Case, public_only: bool = False) -> list[Event]:
    """A case's events, oldest first, each with its actor and evidence. ``public_only`` is
    what the public entry page shows."""
    events = case.events.select_related("actor", "reminder").prefetch_related(
        Prefetch("evidence", queryset=EventEvidence.objects.order_by("id"))
    )
    if public_only:
        events = events.filter(is_public=True)
    rows = list(events.order_by("at", "id"))
    if public_only:
        _without_staff_only_text(rows)
    for event in rows:
        if event.reminder is not None:
            # For reading only, never saved: the reminder in the reader's language.
            event.text = reminder_shown(event.reminder)[0]
    return rows


def _without_staff_only_text(events: list[Event]) -> None:
    # These rows are for reading only and never saved: the public sees that the event
    # happened, the text stays with staff (workflows.STAFF_ONLY_TEXT).
    for event in events:
        if event.kind in STAFF_ONLY_TEXT:
            event.text = ""


def case_public_events(*, case_id: int) -> list[Event]:
    """The events of a case the public sees, oldest first, without the text of those whose
    text stays with staff (the public entry page; one query)."""
    rows = list(Event.objects.filter(case_id=case_id, is_public=True).order_by("at", "id"))
    _without_staff_only_text(rows)
    return rows


def case_unit_submissions(*, case: Case) -> list[Event]:
    """What the unit sent through its access code (evidence and applications), oldest first,
    with their files: the unit sees them again on its page. Staff record theirs with an
    actor; the unit's have none."""
    return list(
        case.events.filter(
            actor__isnull=True,
            kind__in=[EventKind.PROGRESS, EventKind.REINSPECTION_REQUESTED],
        )
        .prefetch_related(Prefetch("evidence", queryset=EventEvidence.objects.order_by("id")))
        .order_by("at", "id")
    )


def case_replies(*, case: Case) -> list[Reply]:
    """Every reply of a case, oldest first (the unit's page and the staff case page)."""
    return list(case.replies.select_related("decided_by").order_by("submitted_at", "id"))


def case_public_replies(*, case_id: int) -> list[Reply]:
    """The published replies of a case, oldest first (the public entry page; one query)."""
    return list(Reply.objects.published().filter(case_id=case_id).order_by("decided_at", "id"))


def case_published_replies_array(case_field: str) -> ArraySubquery:
    """The published replies of the case in the outer query's ``case_field``, as a list of
    ``{"date": "YYYY-MM-DD", "text": ...}`` oldest first: an annotation, so a public list or
    page shows them in its own query."""
    replies = (
        Reply.objects.published()
        .filter(case_id=OuterRef(case_field))
        .order_by("decided_at", "id")
        .values(json=JSONObject(date=TruncDate("decided_at"), text=F("published_text")))
    )
    return ArraySubquery(replies)


def replies_pending(*, user: User | AnonymousUser) -> QuerySet[Reply]:
    """The replies awaiting moderation in the user's scope, oldest first."""
    if not user.has_perm("rectification.moderate_reply"):
        return Reply.objects.none()
    return (
        replies_visible_to(user)
        .filter(status=ReplyStatus.SUBMITTED)
        .select_related("case__enterprise", "case__place", "case__department")
        .defer("case__enterprise__name_bigrams")
        .order_by("submitted_at", "id")
    )


def reply_detail_queryset() -> QuerySet[Reply]:
    return Reply.objects.select_related(
        "case__enterprise__jurisdiction", "case__place", "case__department", "decided_by"
    )


def case_evidence(*, case: Case, evidence_id: int) -> EventEvidence | None:
    return EventEvidence.objects.filter(pk=evidence_id, event__case=case).first()


def inbox_messages(*, user: User | AnonymousUser) -> QuerySet[InboxMessage]:
    if not user.is_authenticated:
        return InboxMessage.objects.none()
    return (
        InboxMessage.objects.filter(recipient=user)
        .select_related(
            "case__enterprise",
            "reminder",
            "role_grant__user",
            "role_grant__group",
            "role_grant__requested_by",
            "role_grant__decided_by",
        )
        .order_by("-created_at", "-id")
    )


def inbox_messages_shown(messages: Iterable[InboxMessage]) -> None:
    """Give each message ``shown_subject`` and ``shown_body`` in the reader's language: a
    reminder's are written from its facts; the stored text is the site language's."""
    for message in messages:
        if message.reminder is not None:
            subject, body = reminder_shown(message.reminder)
        elif message.role_grant is not None:
            subject, body = role_grant_notice(message.role_grant)
        else:
            subject, body = message.subject, message.body
        message.shown_subject, message.shown_body = subject, body  # type: ignore[attr-defined]


def inbox_unread_count(*, user: User | AnonymousUser) -> int:
    """For the header's inbox link."""
    if not user.is_authenticated:
        return 0
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()


def dashboard_panel(*, user: User | AnonymousUser) -> dict[str, Any]:
    """The counts on a staff member's dashboard, by role, each linking to its queue.

    Each count is its queue's own query (:func:`queue_cases`) counted up to
    ``core.pages.COUNT_BOUND`` + 1 (the panel shows "1,000+" beyond), all in one query, plus
    the inbox's count (and the user's permissions and, for a liaison, department, read once
    per request). Which counts show follows the CASE table's moves the user's permissions
    allow; only those are counted.
    """
    today = timezone.localdate()
    superuser = user.is_authenticated and user.is_superuser
    progress = user.has_perm("rectification.record_case_progress")
    reinspect = user.has_perm("rectification.reinspect_case")
    supervise = user.has_perm("rectification.supervise_case")
    area = user.has_perm("rectification.view_area_cases")
    moderate = user.has_perm("rectification.moderate_reply")
    shown: list[tuple[str, str, str, bool]] = []  # (count, label, queue linked, alert)
    if superuser or (progress and not area):
        shown.append((QUEUE_ACTIVE, _("本部门在办整改"), QUEUE_ACTIVE, False))
    elif area and not supervise:
        shown.append((QUEUE_ACTIVE, _("在办整改"), QUEUE_ACTIVE, False))
    if progress or reinspect:
        shown.append((QUEUE_APPLICATIONS, _("待复查申请"), QUEUE_APPLICATIONS, False))
    if superuser or not supervise or progress or reinspect:
        shown.append((QUEUE_OVERDUE, _("逾期未整改"), QUEUE_OVERDUE, True))
    if supervise:
        shown.append((QUEUE_SUPERVISION, _("逾期及上报督查"), QUEUE_SUPERVISION, True))
        shown.append((ESCALATED, _("已上报督查"), QUEUE_SUPERVISION, True))
    visible = cases_visible_to(user, today)
    counted: dict[str, QuerySet[Any]] = {
        key: queue_cases(visible, key, today) for key, *_rest in shown
    }
    if moderate:
        counted["replies"] = Reply.objects.filter(
            status=ReplyStatus.SUBMITTED, case__in=visible.values("pk")
        )
    counts = bounded_counts(counted)
    base = reverse("rectification:case-list")

    items = [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "url": f"{base}?queue={queue}",
            "alert": alert and counts[key] > 0,
        }
        for key, label, queue, alert in shown
    ]
    replies = None
    if moderate:
        replies = {
            "label": _("待审核回应"),
            "count": counts["replies"],
            "url": reverse("rectification:reply-list"),
            "alert": counts["replies"] > 0,
        }
    return {
        "title": _("整改跟踪"),
        "items": items,
        "replies": replies,
        "unread": inbox_unread_count(user=user),
        "inbox_url": reverse("rectification:inbox"),
        "queue_url": base,
    }


# The whole tree's undeliverable queue up to this many cases is ranked whole; past it, its
# cases are found by walking the newest reminders.
UNDELIVERABLE_RANKED_UP_TO = COUNT_BOUND


def undeliverable_reminders(*, user: User, limit: int) -> tuple[list[Any], int]:
    """The active cases the user may see whose reminders reached no one and that still have
    no responsible e-mail (the dashboard's "无法送达的提醒"): the first ``limit``, latest
    undeliverable reminder first, each annotated with ``undeliverable`` (how many of its
    reminders reached no one); and how many such cases there are."""
    today = timezone.localdate()
    queryset = queue_cases(cases_visible_to(user, today), QUEUE_UNDELIVERABLE, today)
    total = bounded_count(queryset)
    if not total:
        return [], 0
    undeliverable = Reminder.objects.filter(delivery=ReminderDelivery.UNDELIVERABLE)
    rows = queryset.select_related("enterprise", "department").defer("enterprise__name_bigrams")
    shown: list[Case] | None = None
    if total > UNDELIVERABLE_RANKED_UP_TO and sees_whole_tree(user):
        # The whole tree's long queue (a province's: most undeliverable reminders are its):
        # the cases of the latest reminders, walked newest first from their index (a case's
        # first is its latest); ranking each of 100,000 cases by its latest took 0.9 s.
        walked = limit * 20
        latest = list(
            undeliverable.filter(case__in=queryset.values("pk"))
            .order_by("-sent_at", "case_id")
            .values_list("case_id", flat=True)[:walked]
        )
        first = list(dict.fromkeys(latest))[:limit]
        if len(first) == limit or len(latest) < walked:
            by_pk = {case.pk: case for case in rows.filter(pk__in=first)}
            shown = [by_pk[pk] for pk in first if pk in by_pk]
        # Else a few cases hold all the latest reminders: ranked whole, below.
    if shown is None:
        # A part (a city's, a district's) or a short queue: a range of the cases' own index
        # (Case.awaiting_contact), each ranked by its latest undeliverable reminder. Walking
        # the province's newest reminders for a city's passed 125,000 of them (0.2 s).
        last = undeliverable.filter(case=OuterRef("pk")).order_by("-sent_at").values("sent_at")
        shown = list(
            rows.annotate(last_undeliverable=Subquery(last[:1])).order_by(
                "-last_undeliverable", "id"
            )[:limit]
        )
    counts = dict(
        undeliverable.filter(case__in=[case.pk for case in shown])
        .values("case")
        .annotate(n=Count("id"))
        .values_list("case", "n")
    )
    for case in shown:
        case.undeliverable = counts.get(case.pk, 0)  # type: ignore[attr-defined]
    return shown, total


def cases_due_soon(
    *, user: User, today: datetime.date, days: int, limit: int
) -> tuple[list[Case], int]:
    """Active cases in the user's area whose deadline falls within the next ``days`` days:
    the first ``limit`` by deadline, and how many there are (up to ``COUNT_BOUND`` + 1)."""
    queryset = scope_to_user(
        Case.objects.active().filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
        ),
        user,
        CASE_JURISDICTION_PATH,
    )
    rows = list(
        queryset.select_related("enterprise", "department")
        .defer("enterprise__name_bigrams")
        .order_by("deadline", "id")[:limit]
    )
    return rows, len(rows) if len(rows) < limit else bounded_count(queryset)
