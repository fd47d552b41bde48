"""Settings of ``make bench``: production's (DEBUG off, the same cache, database pool and
middleware), plus two views that exist only here (``config.urls_bench``): a bare "hello"
view, the ceiling of any Django page on this machine, and the list's database floor, one
SQL query for the same rows the public list shows.

``PUBLIC_PAGE_CACHE=false`` (read by config.settings) runs the same site with the public
page cache off, for the "no cache" figures.
"""

from config.settings import *  # noqa: F403 - the production settings, amended below
from config.settings import REST_FRAMEWORK

DEBUG = False
ROOT_URLCONF = "config.urls_bench"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# wrk sends far more than a person would: the API's per-client throttle would answer 429.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"public_api": "100000000/minute"}  # type: ignore[assignment]
# The reminder sweep's emails go nowhere: the figure is the sweep's, not an SMTP server's.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# Staff pages are measured logged in (a session minted by the bench): no second factor.
OTP_REQUIRED = False
