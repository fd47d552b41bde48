"""Writes of the unit's replies (单位回应): submitted through the unit's access code,
published or refused by staff. Every move goes through :func:`reply_transition`, checked by
the REPLY table (``rectification.reply_workflow``) with its history row in the same
transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.uploads import CheckedFile, evidence_check
from core.workflow import UNIT_ACTOR, Actor
from rectification.enums import CaseStatus
from rectification.models import Case, Reply
from rectification.permissions import cases_visible_to
from rectification.personal_data import personal_data_listed
from rectification.reply_workflow import REPLY, ReplyError, reply_personal_data
from rectification.signals import case_changed
from registry.history import history_record_transition

__all__ = [
    "ReplyError",
    "reply_personal_data",
    "reply_publish",
    "reply_refuse",
    "reply_submit",
    "reply_transition",
]


def reply_transition(
    *,
    reply: Reply,
    move: str,
    actor: Actor,
    text: str = "",
    reason: str = "",
    personal_data_confirmed: bool = False,
) -> Reply:
    """Make ``move`` on a reply if the REPLY table allows it.

    ``actor`` is ``UNIT_ACTOR`` for ``submit`` (the unit, through its access code) and the
    member of staff for ``publish`` and ``refuse``, who must see the reply's case (its
    scope decides who moderates). ``text`` is the reply for ``submit`` and, for
    ``publish``, the text the public will read (personal data taken out); blank publishes
    the unit's words unchanged. ``reason`` is why a reply is refused. A text to publish
    that still holds what looks like personal data (``reply_personal_data``) is published
    only with ``personal_data_confirmed``.

    Side effects: a new reply row (``submit``), or the status with ``decided_at``,
    ``decided_by`` and ``published_text`` or ``refusal_reason`` (saved with
    ``update_fields``); one history row, which for a publication confirmed with personal
    data in it says so and lists that data; after a publication commits, ``case_changed``
    so the public pages show the reply.
    """
    user = actor if isinstance(actor, User) else None
    if user is not None and not cases_visible_to(user).filter(pk=reply.case_id).exists():
        raise ReplyError(_("该回应不在您的管辖范围内。"))
    if move == "publish":
        text = text.strip() or reply.text
    fields: dict[str, Any]
    if move == "submit":
        fields = {"text": text.strip()}
    else:
        fields = {"decided_at": timezone.now(), "decided_by": user}
        if move == "publish":
            fields["published_text"] = text
        else:
            fields["refusal_reason"] = reason.strip()
    done = REPLY.apply(
        reply,
        move,
        actor,
        values={"text": text, "reason": reason, "personal_data_confirmed": personal_data_confirmed},
        fields=fields,
    )
    # What the moderator confirmed the public may read (checked on the text published).
    confirmed = reply_personal_data(reply, text) if move == "publish" else []
    comments = [reply.refusal_reason] if move == "refuse" else []
    if move == "publish" and reply.published_text != reply.text:
        comments.append(_("公开的文本经工作人员删改。"))
    extra_changes: dict[str, dict[str, Any]] = {}
    if confirmed:
        # In the site's language, as the history's other texts: it reads the same for everyone.
        with override(settings.LANGUAGE_CODE):
            listed = personal_data_listed(confirmed)
            label = str(_("确认公开的个人信息"))
            comments.append(
                _("经确认，公开的文本含有可能的个人信息：%(items)s。") % {"items": listed}
            )
        # Kept apart from the comment, kind by kind, for whoever audits publications.
        extra_changes["personal_data_confirmed"] = {
            "label": label,
            "old": "",
            "new": listed,
            "kinds": sorted({item.kind for item in confirmed}),
        }
    history_record_transition(
        obj=reply,
        actor=user,
        transition=done,
        comment="".join(comments),
        extra_changes=extra_changes,
    )
    if move == "publish":
        case_id = reply.case_id
        # Announced to the layers above: the public entry page and its API show the reply.
        transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id))
    return reply


@transaction.atomic
def reply_submit(
    *, case: Case, text: str, attachment: UploadedFile | CheckedFile | None = None
) -> Reply:
    """The unit's reply to its entry, sent through its access code, awaiting moderation.

    Side effects: a reply row with its checked attachment, if any; a history row.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in CaseStatus.active():
        raise ReplyError(_("该整改跟踪已结束，不能再提交回应。"))
    reply = Reply(case=locked)
    if attachment is not None:
        checked = attachment if isinstance(attachment, CheckedFile) else evidence_check(attachment)
        reply.attachment = checked.content  # type: ignore[assignment]
        reply.attachment_name = checked.original_name
        reply.attachment_type = checked.content_type
        reply.attachment_size = checked.size
        reply.attachment_sha256 = checked.sha256
    return reply_transition(reply=reply, move="submit", actor=UNIT_ACTOR, text=text)


def _locked(reply: Reply) -> Reply:
    # With its case: the publish guard reads the responsible person's name from it.
    return Reply.objects.select_for_update(of=("self",)).select_related("case").get(pk=reply.pk)


@transaction.atomic
def reply_publish(
    *,
    reply: Reply,
    actor: User,
    published_text: str = "",
    personal_data_confirmed: bool = False,
) -> Reply:
    """Publish a reply beside the unit's entry; ``published_text`` is the unit's words with
    personal data taken out (blank: as submitted). The original stays with staff. A text
    that still looks to hold personal data needs ``personal_data_confirmed``.

    Side effects: see :func:`reply_transition`.
    """
    published = reply_transition(
        reply=_locked(reply),
        move="publish",
        actor=actor,
        text=published_text,
        personal_data_confirmed=personal_data_confirmed,
    )
    reply.status = published.status
    return published


@transaction.atomic
def reply_refuse(*, reply: Reply, actor: User, reason: str) -> Reply:
    """Refuse to publish a reply, with the reason the unit reads on its page.

    Side effects: see :func:`reply_transition`.
    """
    refused = reply_transition(reply=_locked(reply), move="refuse", actor=actor, reason=reason)
    reply.status = refused.status
    return refused
