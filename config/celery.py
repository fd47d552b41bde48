"""The Celery application. Settings come from Django's settings (the CELERY_ names);
the beat schedule is code, here, so exactly one definition exists."""

import datetime
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402 - after the settings module is named

app = Celery("gongshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # A worker says it is alive; /healthz reports the age of the last one (core/health.py).
    "worker-heartbeat": {
        "task": "core.heartbeat",
        "schedule": crontab(minute="*"),
    },
    # The home page's figures are tallies the database keeps, a row per change: merged every
    # few minutes so reading them stays a few rows (publicity.services.site).
    "compact-site-tallies": {
        "task": "publicity.compact_site_tallies",
        "schedule": crontab(minute="*/5"),
    },
    # Rectification reminders and escalations, once a day before office hours. Each reminder
    # is sent once however often this runs (rectification/reminders.py).
    "rectification-send-reminders": {
        "task": "rectification.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Letters, notices and large downloads whose job was committed but not (or not finally)
    # run: the outbox sweep sends them again, so a broker outage at commit loses nothing and
    # a job whose worker died (its lease ran out, core.jobs) runs again within seconds.
    # A sweep not run within its interval (no worker) is dropped rather than piled up.
    "dispatch-publication-jobs": {
        "task": "publicity.dispatch_publication_jobs",
        "schedule": datetime.timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS),
        "options": {"expires": settings.OUTBOX_SWEEP_SECONDS},
    },
    # The rectification notice letter (with the unit's access code) of each newly opened case.
    "issue-missing-letters": {
        "task": "rectification.issue_missing_letters",
        "schedule": crontab(minute="*"),
    },
    # The publicity term: entries listed past their term leave the public list (publicity/term.py).
    "end-expired-listings": {
        "task": "publicity.end_expired_listings",
        "schedule": crontab(hour=0, minute=30),
    },
    # Files of large downloads of the public list, after EXPORT_FILE_RETENTION_HOURS.
    "purge-exports": {
        "task": "publicity.purge_exports",
        "schedule": crontab(minute=45),
    },
    # Evidence a person attached to a form they never submitted, after a day.
    "purge-pending-uploads": {
        "task": "registry.purge_pending_uploads",
        "schedule": crontab(minute=15),
    },
}
