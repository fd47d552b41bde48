"""gunicorn's settings for the web process, every knob from the environment (docs/deploy.md).

gunicorn -c config/gunicorn.conf.py config.wsgi
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads serve the waits on PostgreSQL; processes use the cores. 2 x cores + 1 processes.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# The longest request is the full CSV/XLSX export of the public list (a streamed response
# that takes tens of seconds for 100,000 entries); a worker silent for longer is restarted.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker is replaced after this many requests (with jitter), bounding any slow leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Request line and headers: gunicorn's own limits refuse oversized ones before Django.
limit_request_line = 8190
limit_request_fields = 100
# nginx on the same host (or the load balancer's address, given in FORWARDED_ALLOW_IPS)
# may say the client used HTTPS (X-Forwarded-Proto); nobody else.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The application is loaded in each worker after the fork: the database pool and Redis
# connections are never shared between processes.
preload_app = False
