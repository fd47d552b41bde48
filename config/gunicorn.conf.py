"""gunicorn's settings for the web process, every knob from the environment (docs/deploy.md).

gunicorn -c config/gunicorn.conf.py config.wsgi
"""

import multiprocessing
import os
import sys
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class DrainingThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, recycled and stopped without losing a request.

    gunicorn 23's gthread worker, once it reaches max_requests (or is sent SIGTERM on a
    reload or stop), leaves its loop at once: a connection it had accepted but not yet read
    a request from, and a keep-alive connection whose client was sending its next request,
    are closed unanswered, and the client gets a reset or an empty reply (a POST is lost, not
    retried). Measured here: 31 restarts and 107 socket errors in a one-minute load test
    (gunicorn issues #3038, #3380).

    This worker drains instead: it stops accepting (the listening socket stays with the
    other workers and the replacement the arbiter starts), answers every request that
    arrives on a connection it holds with ``Connection: close``, lets its idle keep-alive
    connections reach their keepalive timeout as always, and leaves once it holds no
    connection with a request in hand; at the latest after graceful_timeout.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # gunicorn's own recycling (alive = False in the middle of the loop) is replaced by
        # the drain: it never triggers, and this worker counts against the same limit.
        self.recycle_after: int = self.max_requests  # type: ignore[has-type]  # gunicorn is untyped
        self.max_requests = sys.maxsize
        self.drain_wanted = False
        self.draining_since: float | None = None

    def handle_request(self, req: Any, conn: Any) -> bool:
        keepalive: bool = super().handle_request(req, conn)
        if self.nr >= self.recycle_after:
            self.drain_wanted = True  # acted on by the main loop (murder_keepalived)
        return keepalive

    def handle_exit(self, sig: int, frame: Any) -> None:
        # SIGTERM (a reload, a stop): drain as for a recycle, within graceful_timeout (after
        # which the arbiter kills the worker anyway).
        self.drain_wanted = True

    def murder_keepalived(self) -> None:
        # Called by the main loop on every turn: the one thread that owns the poller.
        if self.drain_wanted and self.draining_since is None:
            self._start_drain()
        super().murder_keepalived()

    def _start_drain(self) -> None:
        self.log.info("Worker drains: %s requests served; no new connections.", self.nr)
        self.draining_since = time.monotonic()
        # Every response from now on says "Connection: close" (gthread closes a connection
        # once it holds max_keepalived keep-alive connections).
        self.max_keepalived = 0
        with self._lock:
            for listener in self.sockets:
                try:
                    self.poller.unregister(listener)
                except (KeyError, ValueError):
                    pass

    def is_parent_alive(self) -> bool:
        # Asked by the main loop on every turn; False leaves the loop (then gthread waits for
        # the requests in hand, closes what is left, and the worker exits).
        if self.draining_since is not None and self._drained(self.draining_since):
            self.log.info("Worker drained: exiting.")
            return False
        return bool(super().is_parent_alive())

    def _drained(self, since: float) -> bool:
        elapsed = time.monotonic() - since
        if elapsed >= self.cfg.graceful_timeout:
            return True
        if self.futures:  # a request is being served
            return False
        # No connection left; or only connections that sent nothing for a keepalive period
        # (idle keep-alive connections are closed at that age anyway; a client that opened
        # one and sent nothing since is treated the same).
        return self.nr_conns <= 0 or elapsed >= max(self.cfg.keepalive, 1)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The workers' database sessions (config/settings.py: DATABASE_SESSION_OPTIONS): no parallel
# workers and no JIT for a page's queries. On 2 cores under 16 connections a two-character
# search's plan launched parallel workers that competed with the other requests, and JIT
# compiled the costlier counts for longer than they ran.
os.environ.setdefault("DATABASE_SESSION_OPTIONS", "-c max_parallel_workers_per_gather=0 -c jit=off")
# Threads serve the waits on PostgreSQL; processes use the cores. 2 x cores + 1 processes.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = DrainingThreadWorker
# The longest request is the full CSV/XLSX export of the public list (a streamed response
# that takes tens of seconds for 100,000 entries); a worker silent for longer is restarted.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycling a worker after this many requests (with jitter) bounds a slow memory leak. Off
# by default: no leak is known, and each recycle costs a Django start (about a second of a
# core) while the worker drains. Set it if a web process's memory grows; the worker above
# drains first, so no request is lost.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
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
