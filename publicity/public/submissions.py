"""Reports and consultations (举报投诉 / 咨询) from the public, and their staff triage.

Every write to a Submission goes through a service here. The submitter's name and contact are
stored only on a non-anonymous submission (a database constraint) and shown only to staff
holding ``publicity.view_submitter_identity``; nothing public reads them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit_hit
from publicity.enums import SubmissionKind, SubmissionStatus
from publicity.models import Submission
from registry.models import Jurisdiction
from registry.permissions import is_city_wide, user_jurisdiction

# No 0/O, 1/I/L: a code read out over the phone is typed back right.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_GROUPS = 4
TRACKING_GROUP_LENGTH = 4  # 16 characters of a 31-letter alphabet: about 79 bits

ALLOWED = {
    SubmissionStatus.RECEIVED: {SubmissionStatus.IN_PROGRESS, SubmissionStatus.ANSWERED},
    SubmissionStatus.IN_PROGRESS: {SubmissionStatus.ANSWERED, SubmissionStatus.CLOSED},
    SubmissionStatus.ANSWERED: {SubmissionStatus.CLOSED, SubmissionStatus.IN_PROGRESS},
    SubmissionStatus.CLOSED: set(),
}


class SubmissionError(Exception):
    """A submission change that cannot be made; the message says why."""


def tracking_code_new() -> str:
    groups = (
        "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_GROUP_LENGTH))
        for _ in range(TRACKING_GROUPS)
    )
    return "-".join(groups)


def tracking_code_normalise(code: str) -> str:
    """What a person typed, as stored: upper case, groups of four joined by hyphens."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(letters) != TRACKING_GROUPS * TRACKING_GROUP_LENGTH:
        return code.strip().upper()
    size = TRACKING_GROUP_LENGTH
    return "-".join(letters[i : i + size] for i in range(0, len(letters), size))


def submission_rate_limited(*, client: str) -> bool:
    """Count one submission from ``client``; True once it went over the hourly limit.

    A fixed one-hour window in Redis, shared by every web process.
    """
    return rate_limit_hit(
        f"public:submission-rate:{client}",
        limit=settings.PUBLIC_SUBMISSIONS_PER_HOUR,
        window=3600,
    )


@transaction.atomic
def submission_create(
    *,
    kind: str,
    subject: str,
    body: str,
    unit_name: str = "",
    district: Jurisdiction | None = None,
    is_anonymous: bool,
    submitter_name: str = "",
    submitter_contact: str = "",
) -> Submission:
    """Receive a report or consultation and give it a fresh tracking code.

    Side effects: one Submission row, status "received". An anonymous one keeps no identity,
    whatever was typed into the name and contact fields.
    """
    if kind not in SubmissionKind.values:
        raise SubmissionError(_("请选择举报投诉或咨询。"))
    if is_anonymous:
        submitter_name, submitter_contact = "", ""
    elif not submitter_contact.strip():
        raise SubmissionError(_("实名提交请留下联系方式，或选择匿名提交。"))
    for _attempt in range(5):
        try:
            # A savepoint per attempt: a clash of codes (1 in 10^23) only retries that insert.
            with transaction.atomic():
                return Submission.objects.create(
                    kind=kind,
                    tracking_code=tracking_code_new(),
                    subject=subject.strip(),
                    body=body.strip(),
                    unit_name=unit_name.strip(),
                    district=district,
                    is_anonymous=is_anonymous,
                    submitter_name=submitter_name.strip(),
                    submitter_contact=submitter_contact.strip(),
                )
        except IntegrityError:
            continue
    raise SubmissionError(_("暂时无法生成查询码，请稍后再试。"))


def submission_by_code(*, code: str) -> Submission | None:
    """A submission by its tracking code, for its public status page."""
    return (
        Submission.objects.only(
            "kind", "tracking_code", "subject", "status", "public_reply", "replied_at", "created_at"
        )
        .filter(tracking_code=tracking_code_normalise(code))
        .first()
    )


# --- Staff triage -------------------------------------------------------------------------


def submissions_for_staff(*, user: User | AnonymousUser) -> QuerySet[Submission]:
    """Submissions a staff member may triage: city-wide staff all, district staff their
    district's (one with no district is the city's to route)."""
    queryset = Submission.objects.select_related("district", "assigned_to")
    if is_city_wide(user):
        return queryset
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return queryset.none()
    return queryset.filter(district__path__startswith=jurisdiction.path)


def submission_assignees() -> QuerySet[User]:
    """Active staff who may triage submissions."""
    codename = "change_submission"
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                user_permissions__codename=codename,
                user_permissions__content_type__app_label="publicity",
            )
            | Q(
                groups__permissions__codename=codename,
                groups__permissions__content_type__app_label="publicity",
            )
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def submission_assign(*, submission: Submission, assignee: User, actor: User) -> Submission:
    """Give a submission to a staff member to handle.

    Side effects: ``assigned_to`` set; a received submission moves to "in progress".
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status == SubmissionStatus.CLOSED:
        raise SubmissionError(_("已办结的举报咨询不能再分派。"))
    if not submission_assignees().filter(pk=assignee.pk).exists():
        raise SubmissionError(_("%(name)s 没有处理举报咨询的权限。") % {"name": assignee})
    submission.assigned_to = assignee
    fields = ["assigned_to"]
    if submission.status == SubmissionStatus.RECEIVED:
        submission.status = SubmissionStatus.IN_PROGRESS
        fields.append("status")
    submission.save(update_fields=fields)
    return submission


@transaction.atomic
def submission_reply(*, submission: Submission, reply: str, status: str, actor: User) -> Submission:
    """Record the public reply and move the submission on (ALLOWED).

    Side effects: ``public_reply`` and ``replied_at`` set; the status moved. The reply is
    public: anyone with the tracking code reads it.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    target = SubmissionStatus(status)
    if target != submission.status and target not in ALLOWED[SubmissionStatus(submission.status)]:
        raise SubmissionError(
            _("不能从“%(from)s”改为“%(to)s”。")
            % {"from": submission.get_status_display(), "to": target.label}
        )
    if target in {SubmissionStatus.ANSWERED, SubmissionStatus.CLOSED} and not reply.strip():
        raise SubmissionError(_("答复或办结前请填写答复内容。"))
    submission.public_reply = reply.strip()
    submission.replied_at = timezone.now() if reply.strip() else None
    submission.status = target
    if submission.assigned_to_id is None:
        submission.assigned_to = actor
    submission.save(update_fields=["public_reply", "replied_at", "status", "assigned_to"])
    return submission
