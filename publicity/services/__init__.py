"""Writes of the publicity app, by concern: ``batches`` (the batch workflow), ``entries``
(composing, and the entry workflow), ``objections``, ``errata``, ``documents`` (letters,
notice, preview), ``outbox`` (the jobs a committed move must have run), ``media`` and
``site``. The workflow tables they check are in ``publicity.workflows``.

The names below are the app's write interface, so callers import them from here.
"""

from publicity.errors import PublicationError
from publicity.services.batches import (
    batch_approve,
    batch_check,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_reopen,
    batch_return,
    batch_submit,
    batch_transition,
)
from publicity.services.documents import (
    letters_build,
    notice_build,
    notice_job_run,
    preview_build,
    preview_ready,
    preview_request,
)
from publicity.services.entries import (
    entries_term_end,
    entry_add,
    entry_move,
    entry_remove,
    entry_remove_early,
    entry_transition,
    entry_update,
)
from publicity.services.errata import erratum_create, erratum_decide
from publicity.services.media import media_report_create
from publicity.services.objections import objection_decide, objection_record
from publicity.services.outbox import (
    outbox_dispatch,
    outbox_jobs_redispatch,
    outbox_start,
    publication_job_dispatch,
    publication_job_start,
    publication_jobs_redispatch,
)
from publicity.services.site import site_tallies_compact, site_tallies_recount

__all__ = [
    "PublicationError",
    "batch_approve",
    "batch_check",
    "batch_create",
    "batch_finalise",
    "batch_publish",
    "batch_reopen",
    "batch_return",
    "batch_submit",
    "batch_transition",
    "entries_term_end",
    "entry_add",
    "entry_move",
    "entry_remove",
    "entry_remove_early",
    "entry_transition",
    "entry_update",
    "erratum_create",
    "erratum_decide",
    "letters_build",
    "media_report_create",
    "notice_build",
    "notice_job_run",
    "objection_decide",
    "objection_record",
    "outbox_dispatch",
    "outbox_jobs_redispatch",
    "outbox_start",
    "preview_build",
    "preview_ready",
    "preview_request",
    "publication_job_dispatch",
    "publication_job_start",
    "publication_jobs_redispatch",
    "site_tallies_compact",
    "site_tallies_recount",
]
