"""The authorities that run the regime, as data (registry.models.Authority): what each says
of itself and the rules of its regime, resolved along the administrative tree.

An authority's empty text or rule is inherited from the nearest authority above its
jurisdiction, then from the deployment's defaults in settings (AUTHORITY_NAME, CITY_REGULATION,
REPORTING_HOTLINE, OBJECTION_PERIOD_DAYS, ...): settings describe the deployment, the rows
describe the authorities. A database without any authority (a test database whose city was
made by hand) is served by the defaults alone.

The resolved rules are kept in the cache under one key, and by each thread for the rest of a
request (two seconds at most outside one); dropped when an authority or a jurisdiction is
saved or deleted (at once and after commit), and ``authority_changed`` is sent after commit
so the layers above can drop what they rendered from them (the public pages).
``registry.apps`` imports this module, which connects the receivers.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from core.calendar import Period
from core.enums import PeriodUnit
from registry.models import Authority, Jurisdiction, bilingual_name

# An authority's texts or rules changed (sent after commit, without arguments): whatever was
# rendered from them (the public pages, the notices' preview) is stale.
authority_changed = Signal()

CACHE_KEY = "registry:authority-rules:v3"
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class AuthorityRules:
    """One authority's texts and rules with the inherited ones filled in."""

    name: str
    name_en: str
    place: str  # the jurisdiction's name: "惠州市"
    regulation: str
    hotline: str
    newspapers: tuple[str, ...]
    map_script: str
    map_name: str
    objection_period_days: int
    objection_period_unit: str
    publicity_term_days: int
    early_removal_after_days: int
    # The authority's row and its jurisdiction's path ("440000/441300/"); None and "" for the
    # deployment's defaults when no authority exists.
    pk: int | None = None
    path: str = ""
    # Its public site's path (/huizhou/...), its own, never inherited; "" without a site.
    slug: str = ""
    # The jurisdiction's English name ("Huizhou"), "" without one.
    place_en: str = ""

    @property
    def display_name(self) -> str:
        """The English name on an English page where there is one, else the Chinese."""
        return bilingual_name(self.name, self.name_en)

    @property
    def display_place(self) -> str:
        """The place's English name on an English page where there is one, else the Chinese."""
        return bilingual_name(self.place, self.place_en)

    @property
    def objection_period(self) -> Period:
        return Period(self.objection_period_days, PeriodUnit(self.objection_period_unit))


def deployment_defaults() -> AuthorityRules:
    """The deployment's defaults from settings: what an authority sets none of inherits."""
    return AuthorityRules(
        name=settings.AUTHORITY_NAME,
        name_en=settings.AUTHORITY_NAME_EN,
        place=settings.CITY_NAME,
        regulation=settings.CITY_REGULATION,
        hotline=settings.REPORTING_HOTLINE,
        newspapers=(settings.NOTICE_DEFAULT_OUTLET,) if settings.NOTICE_DEFAULT_OUTLET else (),
        map_script=settings.PUBLIC_MAP_SCRIPT,
        map_name=settings.PUBLIC_MAP_NAME,
        objection_period_days=int(settings.OBJECTION_PERIOD_DAYS),
        objection_period_unit=str(settings.OBJECTION_PERIOD_UNIT),
        publicity_term_days=int(settings.PUBLICITY_TERM_DAYS),
        early_removal_after_days=int(settings.EARLY_REMOVAL_AFTER_DAYS),
    )


def _newspapers(text: str) -> tuple[str, ...]:
    for separator in ("，", ",", "；", ";"):
        text = text.replace(separator, "、")
    return tuple(name.strip() for name in text.split("、") if name.strip())


def _own(authority: Authority) -> dict[str, Any]:
    """What one authority sets itself (empty texts and rules left out)."""
    own: dict[str, Any] = {
        "name": authority.name,
        "name_en": authority.name_en,
        "place": authority.jurisdiction.name,
        "place_en": authority.jurisdiction.name_en,
        "regulation": authority.regulation,
        "hotline": authority.hotline,
        "newspapers": _newspapers(authority.newspapers),
        "map_script": authority.map_script,
        "map_name": authority.map_name,
        "objection_period_days": authority.objection_period_days,
        "objection_period_unit": authority.objection_period_unit,
        "publicity_term_days": authority.publicity_term_days,
        "early_removal_after_days": authority.early_removal_after_days,
    }
    return {key: value for key, value in own.items() if value not in ("", None, ())} | {
        "pk": authority.pk,
        "path": authority.jurisdiction.path,
    }


def resolve(chain: list[Authority]) -> AuthorityRules:
    """The rules of the first authority of ``chain`` (itself, then those above it, nearest
    first), each empty value taken from the next one that sets it, then from settings; but
    its names (Chinese and English) are its own (settings name only the top authority)."""
    values = dataclasses.asdict(deployment_defaults())
    for authority in reversed(chain):
        values.update(_own(authority))
    if len(chain) > 1:
        # An authority's names are its own: a city without an English name is shown by its
        # Chinese one, never by its province's English name.
        values["name_en"] = chain[0].name_en
    values["slug"] = (chain[0].site_slug or "") if chain else ""
    values["place_en"] = chain[0].jurisdiction.name_en if chain else ""
    return AuthorityRules(**values)


def _all_rules() -> dict[str, Any]:
    """{"top": the deployment's top authority's rules, "by_path": {jurisdiction path: rules}}
    for every authority, from one query."""
    authorities = list(
        Authority.objects.select_related("jurisdiction").order_by("jurisdiction__path")
    )
    by_path = {authority.jurisdiction.path: authority for authority in authorities}

    def chain(path: str) -> list[Authority]:
        # The authorities at and above a node, nearest first: its path's prefixes.
        prefixes = itertools.accumulate(code + "/" for code in path.split("/") if code)
        return [by_path[prefix] for prefix in reversed(list(prefixes)) if prefix in by_path]

    rules = {path: resolve(chain(path)) for path in by_path}
    return {"top": next(iter(rules.values()), deployment_defaults()), "by_path": rules}


# The rules a thread last read, kept for LOCAL_SECONDS at most and dropped at the start of
# each request: a batch page asks each of its rows' early-removal rule (a cache read each
# would be 100-200 reads of Redis a page).
LOCAL_SECONDS = 2.0
_local = threading.local()


def forget() -> None:
    """Drop this thread's copy of the rules (each request starts without one)."""
    _local.rules = None


def _rules_cached() -> dict[str, Any]:
    now = time.monotonic()
    kept = getattr(_local, "rules", None)
    if kept is not None and kept[0] > now:
        return kept[1]  # type: ignore[no-any-return]
    rules = cache.get(CACHE_KEY)
    if rules is None:
        rules = _all_rules()
        cache.set(CACHE_KEY, rules, CACHE_SECONDS)
    _local.rules = (now + LOCAL_SECONDS, rules)
    return rules  # type: ignore[no-any-return]


def deployment_authority() -> AuthorityRules:
    """The rules of the deployment's top authority (its city today): what the public site,
    the notices and the letters say. The defaults from settings when there is none."""
    return _rules_cached()["top"]  # type: ignore[no-any-return]


def authority_for(jurisdiction: Jurisdiction) -> AuthorityRules:
    """The rules of the nearest authority at or above ``jurisdiction`` (a district's city)."""
    return authority_at(jurisdiction.path)


def authority_at(path: str) -> AuthorityRules:
    """The rules of the nearest authority at or above the jurisdiction with ``path``: the
    authority whose records, staff and batches a node's belong to."""
    by_path: dict[str, AuthorityRules] = _rules_cached()["by_path"]
    nearest = max((own for own in by_path if path.startswith(own)), key=len, default=None)
    return by_path[nearest] if nearest is not None else deployment_defaults()


def site_authority_at(path: str) -> AuthorityRules | None:
    """The nearest authority at or above the jurisdiction with ``path`` that has a public site
    of its own (``Authority.site_slug``: a county's records are on its city's site), or None
    when none has (they are on the root's)."""
    by_path: dict[str, AuthorityRules] = _rules_cached()["by_path"]
    with_site = [own for own, rules in by_path.items() if rules.slug and path.startswith(own)]
    return by_path[max(with_site, key=len)] if with_site else None


def authority_rules(pk: int) -> AuthorityRules:
    """The rules of one authority by its row's id (a batch's), the defaults if it is gone."""
    for rules in _rules_cached()["by_path"].values():
        if rules.pk == pk:
            return rules  # type: ignore[no-any-return]
    return deployment_defaults()


def authorities() -> list[AuthorityRules]:
    """Every authority's rules, the tree's order (a province before its cities)."""
    return list(_rules_cached()["by_path"].values())


def _changed(**kwargs: Any) -> None:
    # At once (this transaction reads its own change) and again after commit (another
    # process may have cached the old rules meanwhile).
    forget()
    cache.delete(CACHE_KEY)

    def dropped() -> None:
        cache.delete(CACHE_KEY)
        authority_changed.send(sender=Authority)

    transaction.on_commit(dropped)


request_started.connect(
    lambda **kwargs: forget(), dispatch_uid="authority-rules-request", weak=False
)
for _model in (Authority, Jurisdiction):
    _uid = f"authority-rules-{_model.__name__}"
    post_save.connect(_changed, sender=_model, dispatch_uid=f"{_uid}-saved")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"{_uid}-deleted")
