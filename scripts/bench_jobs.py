"""One job of ``make bench`` in a process of its own: time, database queries, peak memory.

    python scripts/bench_jobs.py notice <batch id>
    python scripts/bench_jobs.py sweep <cases>     # the reminder sweep over that many due cases
    python scripts/bench_jobs.py export            # the CSV download of the whole list
    python scripts/bench_jobs.py export-job [csv|xlsx]  # the background job over the whole list

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
    from django.test import RequestFactory

    from publicity.public.views import entry_export_csv

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
        "first_byte_s": round(first or 0.0, 3),
        "seconds": round(time.perf_counter() - started, 2),
        "lines": lines,
    }


def export_job(fmt: str) -> dict[str, Any]:
    """The worker's side of a large download of the whole list: the job written to its
    file, in this process (no broker)."""
    from django.utils import timezone, translation

    from publicity.models import ExportJob
    from publicity.public.export_jobs import export_job_key, export_job_run

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
    else:
        print(__doc__)
        return 2
    result["peak_mb"] = round(peak_mb(), 1)
    print("BENCH_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
