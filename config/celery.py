"""The Celery application. Settings come from Django's settings (the CELERY_ names);
the beat schedule is code, here, so exactly one definition exists."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongshi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # The home page's live counts: refreshed every few minutes so a busy front page
    # costs no COUNT queries.
    "refresh-site-counts": {
        "task": "publicity.refresh_site_counts",
        "schedule": crontab(minute="*/5"),
    },
}
