"""The import's steps, moved by the IMPORT table (registry.workflows): upload, check (a job),
confirm, apply all or nothing (a job); progress in the cache for the page to poll."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import rows_insert
from core.jobs import job_send_on_commit
from core.workflow import SYSTEM_ACTOR
from registry.data import EnterpriseData
from registry.history import history_record_transition
from registry.importing.checking import check_file
from registry.models import EnterpriseImport, EnterpriseImportRow, Industry, Jurisdiction
from registry.services import (
    EnterpriseWrite,
    EnterpriseWriteRefused,
    RegistryError,
    enterprises_write_many,
)
from registry.workflows import IMPORT

logger = logging.getLogger(__name__)


def progress_key(import_id: int) -> str:
    return f"registry:enterprise-import:{import_id}:progress"


def progress_set(import_id: int, *, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(import_id), {"phase": phase, "done": done, "total": total}, 3600)


def progress_get(import_id: int) -> dict[str, Any] | None:
    return cache.get(progress_key(import_id))


# --- The import's steps ----------------------------------------------------------------------


def import_transition(
    *,
    enterprise_import: EnterpriseImport,
    move: str,
    actor: User | None,
    values: dict[str, Any] | None = None,
) -> EnterpriseImport:
    """Make ``move`` on an import if the IMPORT table allows it: saves ``status`` and
    ``values`` with ``update_fields`` and the history row, in the caller's transaction."""
    done = IMPORT.apply(
        enterprise_import, move, SYSTEM_ACTOR if actor is None else actor, fields=values
    )
    history_record_transition(obj=enterprise_import, actor=actor, transition=done)
    return enterprise_import


@transaction.atomic
def enterprise_import_start(*, actor: User, upload: UploadedFile) -> EnterpriseImport:
    """Keep the uploaded file and queue the check of its rows (after commit)."""
    IMPORT.check(EnterpriseImport(), "upload", actor)
    enterprise_import = EnterpriseImport.objects.create(
        uploaded_by=actor, file=upload, original_name=(upload.name or "import")[:255]
    )
    progress_set(enterprise_import.pk, phase="check", done=0, total=0)
    job_send_on_commit("registry.enterprise_import_check", import_id=enterprise_import.pk)
    return enterprise_import


def enterprise_import_check(*, import_id: int) -> EnterpriseImport | None:
    """Check every row of an uploaded file; writes only the import's own row and its checked
    rows (EnterpriseImportRow, a chunk at a time), in one transaction. Safe to rerun."""
    enterprise_import = (
        EnterpriseImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    )
    if enterprise_import is None or enterprise_import.status != EnterpriseImport.Status.CHECKING:
        return enterprise_import
    with enterprise_import.file.open("rb") as source:
        content = source.read()
    kept = 0

    def keep(chunk: list[dict[str, Any]]) -> None:
        nonlocal kept
        kept += len(chunk)
        rows_insert(
            EnterpriseImportRow,
            [
                {"row": row["row"], "fields": row["fields"], "existing_id": row["existing_id"]}
                for row in chunk
            ],
            same={"enterprise_import_id": import_id},
        )

    with transaction.atomic():
        # Locked while its rows are written: a second run waits, then finds it checked.
        locked = EnterpriseImport.objects.select_for_update().get(pk=import_id)
        if locked.status != EnterpriseImport.Status.CHECKING:
            return locked
        _cleaned, errors = check_file(
            name=enterprise_import.original_name,
            content=content,
            user=enterprise_import.uploaded_by,
            progress=lambda done, total: progress_set(
                import_id, phase="check", done=done, total=total
            ),
            keep=keep,
        )
        return import_transition(
            enterprise_import=locked,
            move="check_failed" if errors or not kept else "checked",
            actor=None,
            values={"errors": errors},
        )


@transaction.atomic
def enterprise_import_confirm(*, actor: User, enterprise_import: EnterpriseImport) -> None:
    """The person confirmed the preview: queue the all-or-nothing write."""
    locked = EnterpriseImport.objects.select_for_update().get(pk=enterprise_import.pk)
    import_transition(enterprise_import=locked, move="confirm", actor=actor)
    progress_set(locked.pk, phase="apply", done=0, total=locked.checked_rows.count())
    job_send_on_commit("registry.enterprise_import_apply", import_id=locked.pk)


def enterprise_import_apply(*, import_id: int) -> EnterpriseImport | None:
    """Write every checked row in one transaction, or none; safe to run twice (only an import
    still in APPLYING is applied, and the status moves in the same transaction)."""
    try:
        with transaction.atomic():
            enterprise_import = (
                EnterpriseImport.objects.select_for_update()
                .select_related("uploaded_by")
                .filter(pk=import_id)
                .first()
            )
            if (
                enterprise_import is None
                or enterprise_import.status != EnterpriseImport.Status.APPLYING
            ):
                return enterprise_import
            created, updated = _apply_rows(enterprise_import)
            return import_transition(
                enterprise_import=enterprise_import,
                move="applied",
                actor=None,
                values={
                    "created_count": created,
                    "updated_count": updated,
                    "finished_at": timezone.now(),
                },
            )
    except (RegistryError, IntegrityError) as error:
        # Something changed since the preview (a code registered meanwhile, say): nothing was
        # written; the person sees why and can upload again. An IntegrityError is the same
        # news arriving between a chunk's check and its write (the unique code index).
        if isinstance(error, IntegrityError):
            logger.warning("enterprise import %s refused by the database: %s", import_id, error)
        message = (
            str(error)
            if isinstance(error, RegistryError)
            else _("导入期间有单位被同时登记或修改，没有导入任何一行。请重新上传。")
        )
        with transaction.atomic():
            return import_transition(
                enterprise_import=EnterpriseImport.objects.select_for_update().get(pk=import_id),
                move="apply_failed",
                actor=None,
                values={
                    "errors": [{"row": getattr(error, "row", 0), "column": "", "message": message}],
                    "finished_at": timezone.now(),
                },
            )


def _apply_rows(enterprise_import: EnterpriseImport) -> tuple[int, int]:
    """Write the checked rows a chunk at a time (``ENTERPRISE_IMPORT_CHUNK_ROWS``), read in
    the file's order by the row number (never all at once), each chunk in a fixed number of
    queries, all in the caller's transaction."""
    actor = enterprise_import.uploaded_by
    places = {p.pk: p for p in Jurisdiction.objects.all()}
    industries = {i.pk: i for i in Industry.objects.all()}
    checked_rows = enterprise_import.checked_rows.order_by("row")
    total = checked_rows.count()
    size = settings.ENTERPRISE_IMPORT_CHUNK_ROWS
    created = updated = last_row = 0
    for start in range(0, total, size):
        chunk = list(
            checked_rows.filter(row__gt=last_row).values_list("row", "fields", "existing_id")[:size]
        )
        last_row = chunk[-1][0]
        writes = [
            EnterpriseWrite(
                data=EnterpriseData(
                    name=fields["name"],
                    credit_code=fields["credit_code"],
                    legal_representative=fields["legal_representative"],
                    address=fields["address"],
                    jurisdiction=places[fields["jurisdiction"]],
                    industry=industries[fields["industry"]],
                    licence_status=fields["licence_status"],
                    operating_status=fields["operating_status"],
                ),
                enterprise_id=existing_id,
            )
            for _row, fields, existing_id in chunk
        ]
        try:
            chunk_created, chunk_updated = enterprises_write_many(actor=actor, writes=writes)
        except EnterpriseWriteRefused as error:
            raise RegistryError(
                _("第%(row)d行：%(message)s 没有导入任何一行。")
                % {"row": chunk[error.index][0], "message": error}
            ) from error
        created += chunk_created
        updated += chunk_updated
        progress_set(enterprise_import.pk, phase="apply", done=start + len(chunk), total=total)
    progress_set(enterprise_import.pk, phase="apply", done=total, total=total)
    return created, updated
