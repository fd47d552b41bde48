"""Reads from PostgreSQL streaming replicas, and what keeps them safe to read.

A deployment lists its replicas in ``DATABASE_REPLICA_URLS`` (settings: aliases ``replica1``,
``replica2``, ...). Without any, nothing here runs: every query goes to ``default``.

**Who reads from a replica.** Only a public page or the public API asked with GET or HEAD
(:class:`core.middleware.ReplicaReadsMiddleware` decides per request and sets
:func:`reading_from`). Everything else reads and writes the primary: staff pages, jobs,
commands, every write, and the reads of a request after it wrote anything (the router notes
the write). People's own data (sessions, accounts, second factors, login attempts) is always
read from the primary.

**Read-your-writes.** A person who has just written (any POST, PUT, PATCH or DELETE) reads
from the primary for ``REPLICA_PIN_SECONDS`` afterwards (a cookie the middleware sets). What
the public sees changes by a publication, an erratum, a removal: each bumps the public
cache's version (publicity.cache), which notes the primary's WAL position
(:func:`note_public_change`); a replica is read for a public page only once it has replayed
past it, so no page is rendered (and cached under the new version) from a replica that has
not yet seen the change.

**A replica that lags or is down is skipped.** Each process checks a replica at most every
``REPLICA_CHECK_SECONDS``: reachable, lag (zero when it has replayed all it received and is
streaming; otherwise the age of the last transaction it replayed) within
``REPLICA_MAX_LAG_SECONDS``, and how far it has replayed. A request whose replica fails
under it (the server stopped, a query cancelled by recovery) is run again on the primary by
the middleware: not one request fails for a replica.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica"
# The primary's WAL position at the last change the public sees (publicity.cache).
PUBLIC_CHANGE_KEY = "replicas:public-change-lsn"
# Apps whose rows are a person's own, read where they were just written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "axes", "otp_totp", "otp_static", "django_otp"})


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def lsn_value(text: str | None) -> int | None:
    """A pg_lsn ("16/B374D848") as a number, to compare."""
    if not text:
        return None
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


# --- The request's choice -------------------------------------------------------------------


@dataclass
class _Reads:
    alias: str
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


@contextlib.contextmanager
def reading_from(alias: str) -> Iterator[None]:
    """Send this context's reads to the replica ``alias`` (until it writes)."""
    token = _reads.set(_Reads(alias))
    try:
        yield
    finally:
        _reads.reset(token)


class PrimaryReplicaRouter:
    """Reads to the replica the request chose, if any and until it writes; writes, and the
    reads of everything else, to the primary. Migrations run on the primary only."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        reads = _reads.get()
        if reads is None or reads.wrote or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return reads.alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True  # what follows reads what was written
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, some of its copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


# --- Each replica's state, per process --------------------------------------------------------


@dataclass
class ReplicaState:
    alias: str
    checked_at: float = float("-inf")  # time.monotonic()
    reachable: bool = False
    streaming: bool = False
    lag_seconds: float | None = None
    replayed: int | None = None  # WAL position replayed (lsn_value)
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def usable(self) -> bool:
        return (
            self.reachable
            and self.lag_seconds is not None
            and self.lag_seconds <= settings.REPLICA_MAX_LAG_SECONDS
        )

    def report(self) -> dict[str, Any]:
        return {
            "role": "replica",
            "usable": self.usable,
            "reachable": self.reachable,
            "streaming": self.streaming,
            "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 3),
            "error": self.error,
        }


_states: dict[str, ReplicaState] = {}
_states_lock = threading.Lock()

# How far the replica has replayed, and the age of the last transaction it replayed.
CHECK_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       extract(epoch FROM now() - pg_last_xact_replay_timestamp()),
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
            ELSE pg_current_wal_lsn() END::text
"""


def _primary_position() -> int | None:
    """The primary's WAL position now (None if it does not answer)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return lsn_value(cursor.fetchone()[0])
    except Exception:  # The primary's failures are the request's to meet, not the check's.
        logger.warning("replica check: the primary did not answer", exc_info=True)
        return None


def state_of(alias: str) -> ReplicaState:
    with _states_lock:
        return _states.setdefault(alias, ReplicaState(alias))


def check(alias: str) -> ReplicaState:
    """Ask the replica now (its connection of this thread), and keep what it said.

    Its lag is none when it has replayed at least as far as the primary had written just
    before (asked first); otherwise the age of the last transaction it replayed. (Its own
    view alone cannot tell an idle primary from a broken stream: the last transaction
    replayed grows old in both.)"""
    state = state_of(alias)
    timeout_ms = str(int(settings.HEALTH_CHECK_TIMEOUT * 1000))
    primary = _primary_position()
    connection = connections[alias]
    try:
        connection.close_if_unusable_or_obsolete()
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout_ms])
            cursor.execute(CHECK_SQL)
            in_recovery, streaming, age, replayed = cursor.fetchone()
    except Exception as error:  # Any failure of the replica is "unreachable"; the log says what.
        logger.warning("replica %s did not answer: %s", alias, error)
        with contextlib.suppress(Exception):
            connection.close()
        state.reachable, state.streaming, state.lag_seconds = False, False, None
        state.error = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    else:
        state.reachable, state.error = True, ""
        state.streaming = bool(streaming) or not in_recovery
        state.replayed = lsn_value(replayed)
        caught_up = primary is not None and state.replayed is not None
        if not in_recovery or (caught_up and state.replayed >= primary):  # type: ignore[operator]
            state.lag_seconds = 0.0
        else:
            state.lag_seconds = float(age) if age is not None else None
    state.checked_at = time.monotonic()
    return state


def _current(alias: str) -> ReplicaState:
    state = state_of(alias)
    if time.monotonic() - state.checked_at >= settings.REPLICA_CHECK_SECONDS:
        # One thread checks; the others go on with what was last known.
        if state.lock.acquire(blocking=False):
            try:
                return check(alias)
            finally:
                state.lock.release()
    return state


def note_public_change() -> None:
    """Keep the primary's WAL position as that of the latest change the public sees (called
    after it committed): a replica serves public pages only once it has replayed past it."""
    if not replica_aliases():
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        position = cursor.fetchone()[0]
    cache.set(PUBLIC_CHANGE_KEY, position, timeout=None)


def choose_replica() -> str | None:
    """A replica fit for a public read now, at random among those fit; None: the primary."""
    aliases = replica_aliases()
    if not aliases:
        return None
    needed = lsn_value(cache.get(PUBLIC_CHANGE_KEY))
    fit = []
    for alias in aliases:
        state = _current(alias)
        if not state.usable:
            continue
        if needed is not None and (state.replayed is None or state.replayed < needed):
            state = check(alias)  # has it caught up since?
            if not state.usable or state.replayed is None or state.replayed < needed:
                continue
        fit.append(alias)
    return random.choice(fit) if fit else None  # noqa: S311 - spreading load, not a secret


def failed(alias: str) -> bool:
    """After an error while reading from ``alias``: whether the replica is to blame (it no
    longer answers, or is not fit), so the request may be run again on the primary."""
    return not check(alias).usable


def report() -> dict[str, Any]:
    """Each database as the router sees it now (the replicas asked afresh), for /healthz."""
    databases: dict[str, Any] = {DEFAULT_DB_ALIAS: {"role": "primary"}}
    for alias in replica_aliases():
        databases[alias] = check(alias).report()
    return databases


# --- Per request ------------------------------------------------------------------------------

PIN_COOKIE = "gongshi-primary"
READ_METHODS = ("GET", "HEAD")


def _public(request: HttpRequest) -> bool:
    """A page of the public site or its API (the ``public`` app, its home included)."""
    match = request.resolver_match
    return match is not None and (
        "public" in match.app_names or match.func.__module__.startswith("public.")
    )


class ReplicaReadsMiddleware:
    """Public reads to a replica, run again on the primary if the replica fails under them;
    after a person's write, their reads to the primary for ``REPLICA_PIN_SECONDS``.

    Last in MIDDLEWARE: its ``process_view`` calls the view itself, inside the replica's
    context, so that an error of the replica can be answered by running the view once more
    on the primary (a public GET changes nothing, so running it twice is safe)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not replica_aliases():
            raise MiddlewareNotUsed  # no replica: Django leaves it out
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in READ_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if (
            request.method not in READ_METHODS
            or PIN_COOKIE in request.COOKIES
            or not _public(request)
        ):
            return None
        alias = choose_replica()
        if alias is None:
            return None
        try:
            with reading_from(alias):
                return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if not failed(alias):
                raise
            logger.warning(
                "replica %s failed under %s; read again from the primary: %s",
                alias,
                request.path,
                error,
            )
        return view(request, *args, **kwargs)
