"""One job of ``make bench`` in a process of its own: time, database queries, peak memory.

    python scripts/bench_jobs.py notice <batch id>
    python scripts/bench_jobs.py sweep <cases>     # the reminder sweep over that many due cases
    python scripts/bench_jobs.py export            # the CSV download of the whole list
    python scripts/bench_jobs.py export-job [csv|xlsx]  # the background job over the whole list
    python scripts/bench_jobs.py import <rows>     # a CSV of that many new units, then again

Run by scripts/bench.py with DATABASE_URL naming the benchmark's database and
DJANGO_SETTINGS_MODULE=config.settings_bench; prints one JSON line.
"""

from __future__ import annotations

import datetime
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        self.count += 1
        return execute(sql, params, many, context)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def notice(batch_id: int) -> dict[str, Any]:
    from publicity.models import Batch
    from publicity.notice import build_notice_pdf

    batch = Batch.objects.get(pk=batch_id)
    started = time.perf_counter()
    pdf = build_notice_pdf(batch)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "entries": batch.entries.count(),
        "bytes": len(pdf),
    }


def sweep(cases: int) -> dict[str, Any]:
    from django.conf import settings

    from rectification.models import Case
    from rectification.reminders import reminders_sweep

    # The day on which exactly the first ``cases`` active cases (by deadline) are due.
    deadlines = Case.objects.active().order_by("deadline").values_list("deadline", flat=True)
    last = deadlines[cases - 1]
    today = last - datetime.timedelta(days=max(settings.REMINDER_DAYS_BEFORE))
    due = Case.objects.active().filter(deadline__lte=last).count()
    from django.db import connection

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = reminders_sweep(today=today)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "due_cases": due,
        "recorded": result.recorded,
        "queries": counter.count,
    }


def export() -> dict[str, Any]:
    """The CSV of the whole list as a visitor asks for it, on an empty cache: what the view
    answers and how soon (a list this long goes to a background job: the first byte is the
    job's page, ``answer_s``); then the stream itself, timed with the threshold lifted
    (``first_byte_s``, rows a second, memory)."""
    from django.conf import settings
    from django.test import RequestFactory

    from public.views import entry_export_csv
    from publicity.cache import public_cache_invalidate

    public_cache_invalidate()  # a new cache version: no count of the list is known
    started = time.perf_counter()
    answer = entry_export_csv(RequestFactory().get("/entries/export.csv", {"scope": "listed"}))
    answer_s = round(time.perf_counter() - started, 3)
    from publicity.models import ExportJob

    ExportJob.objects.all().delete()  # the queued job is not run here: export-job times it
    settings.EXPORT_STREAM_MAX_ROWS = 10**9
    request = RequestFactory().get("/entries/export.csv", {"scope": "listed"})
    started = time.perf_counter()
    response = entry_export_csv(request)
    first = None
    lines = 0
    for chunk in response.streaming_content:  # type: ignore[attr-defined] # streamed, sync
        if first is None:
            first = time.perf_counter() - started
        lines += chunk.count(b"\n")
    return {
        "answer_status": answer.status_code,
        "answer_s": answer_s,
        "first_byte_s": round(first or 0.0, 3),
        "seconds": round(time.perf_counter() - started, 2),
        "lines": lines,
    }


def export_job(fmt: str) -> dict[str, Any]:
    """The worker's side of a large download of the whole list: the job written to its
    file, in this process (no broker)."""
    from django.utils import timezone, translation

    from public.export_jobs import export_job_key, export_job_run
    from publicity.models import ExportJob

    filters = {"scope": "listed", "sort": "newest"}
    language = translation.get_language() or "zh-hans"
    job = ExportJob.objects.create(
        # Its own key: never reused by a request for the same download.
        key="bench-" + export_job_key(filters=filters, fmt=fmt, language=language)[6:],
        filters=filters,
        format=fmt,
        language=language,
        created_at=timezone.now(),
    )
    started = time.perf_counter()
    done = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    assert done is not None  # noqa: S101 - a bench of a job that just was created
    result = {
        "format": fmt,
        "status": done.status,
        "error": done.error,
        "rows": done.row_count,
        "seconds": round(seconds, 2),
        "rows_per_s": round((done.row_count or 0) / seconds),
        "bytes": done.file.size if done.file else 0,
    }
    done.file.delete(save=False)
    done.delete()
    return result


# Codes of the generated import: "91441300BM" + seven digits + the check character, a range no
# other generator uses (bench_data's are "91", a city's code, nine digits and X).
IMPORT_CODE_PREFIX = "91441300BM"
IMPORT_NAME_PREFIX = "基准导入"


def _importer_city() -> Any:
    """The city whose clerk imports: Huizhou, the reference data's (the bench's data set is a
    province of 21 cities)."""
    from registry.models import Jurisdiction

    return Jurisdiction.objects.get(code="441300")


def import_csv(rows: int) -> bytes:
    """``rows`` units as a clerk would fill the template: every fifth without a credit code
    (matched by name and place on re-import), places by name or code, industries by name."""
    import csv
    import io

    from registry.enums import JurisdictionLevel
    from registry.importing import COLUMNS
    from registry.models import Industry, Jurisdiction
    from registry.validators import credit_code_check_character

    # Huizhou's townships: the importer is Huizhou's (a city's clerk imports its own units).
    townships = list(
        Jurisdiction.objects.filter(
            level=JurisdictionLevel.TOWNSHIP, path__startswith=_importer_city().path
        )
        .select_related("parent")
        .order_by("code")
    )
    industries = list(Industry.objects.order_by("code").values_list("name", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in COLUMNS])
    for i in range(rows):
        place = townships[i % len(townships)]
        # A township's name given with its district's (names repeat across districts).
        full_name = f"{place.parent.name if place.parent else ''}{place.name}"
        first17 = f"{IMPORT_CODE_PREFIX}{i:07d}"
        writer.writerow(
            [
                f"{IMPORT_NAME_PREFIX}{place.name}第{i:06d}号五金制品有限公司",
                "" if i % 5 == 4 else first17 + credit_code_check_character(first17),
                "张三",
                f"惠州市{full_name}工业路{i % 997 + 1}号",
                place.code if i % 2 else full_name,
                industries[i % len(industries)],
                ("证照齐全", "证照不全", "无证照")[i % 3],
                "在营",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def enterprise_import(rows: int) -> dict[str, Any]:
    """The bulk import as its two jobs run it (``enterprise_import_check``, the person's
    confirmation, ``enterprise_import_apply``), twice over the same file: first every row new,
    then every row an update. Cleans up after itself (units, their audit rows, the imports)."""
    from django.contrib.auth.models import Group, User
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.db import connection, transaction

    from core import roles
    from registry.importing import (
        enterprise_import_apply,
        enterprise_import_check,
        import_transition,
    )
    from registry.models import (
        AuditRecord,
        Enterprise,
        EnterpriseImport,
        StaffProfile,
    )

    content = import_csv(rows)
    # A city-level inspector, as the bureau's clerks are (not a superuser: the scoping is read).
    actor, _created = User.objects.get_or_create(
        username="bench-importer", defaults={"is_staff": True}
    )
    actor.groups.add(Group.objects.get(name=roles.INSPECTOR))
    StaffProfile.objects.get_or_create(
        user=actor,
        defaults={"jurisdiction": _importer_city()},
    )
    result: dict[str, Any] = {"rows": rows, "csv_mb": round(len(content) / 2**20, 1)}
    imports: list[int] = []
    try:
        for run in ("create", "update"):
            enterprise_import = EnterpriseImport.objects.create(
                uploaded_by=actor,
                file=ContentFile(content, name="bench-import.csv"),
                original_name="bench-import.csv",
            )
            imports.append(enterprise_import.pk)
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                checked = enterprise_import_check(import_id=enterprise_import.pk)
            assert checked is not None  # noqa: S101 - a bench precondition
            check_s = time.perf_counter() - started
            check_queries = counter.count
            if checked.status != EnterpriseImport.Status.READY:
                result[run] = {"status": checked.status, "errors": checked.errors[:3]}
                break
            # The person's confirmation, without sending the job to a broker: applied here.
            with transaction.atomic():
                import_transition(enterprise_import=checked, move="confirm", actor=actor)
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                applied = enterprise_import_apply(import_id=enterprise_import.pk)
            assert applied is not None  # noqa: S101 - a bench precondition
            apply_s = time.perf_counter() - started
            result[run] = {
                "status": applied.status,
                "created": applied.created_count,
                "updated": applied.updated_count,
                "check_s": round(check_s, 2),
                "apply_s": round(apply_s, 2),
                "seconds": round(check_s + apply_s, 2),
                "check_queries": check_queries,
                "apply_queries": counter.count,
                "queries": check_queries + counter.count,
                "peak_mb_so_far": round(peak_mb(), 1),
            }
            if applied.status != EnterpriseImport.Status.APPLIED:
                result[run]["errors"] = applied.errors[:3]
                break
    finally:
        units = Enterprise.objects.filter(name__startswith=IMPORT_NAME_PREFIX)
        for model, ids in (
            (Enterprise, list(units.values_list("pk", flat=True))),
            (EnterpriseImport, imports),
        ):
            AuditRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids
            )._raw_delete(AuditRecord.objects.db)
        units._raw_delete(units.db)
        for enterprise_import in EnterpriseImport.objects.filter(pk__in=imports):
            enterprise_import.file.delete(save=False)
            enterprise_import.delete()
    result["seconds"] = result.get("create", {}).get("seconds")
    return result


def main() -> int:
    import django

    django.setup()
    job, *args = sys.argv[1:]
    if job == "notice":
        result = notice(int(args[0]))
    elif job == "sweep":
        result = sweep(int(args[0]))
    elif job == "export":
        result = export()
    elif job == "export-job":
        result = export_job(args[0] if args else "csv")
    elif job == "import":
        result = enterprise_import(int(args[0]))
    else:
        print(__doc__)
        return 2
    result["peak_mb"] = round(peak_mb(), 1)
    print("BENCH_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
