"""What every part of the demo generator shares: the seeded draw, the reference rows, the cast."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from demo import tables
from registry import reference_data as ref
from registry.models import Department, Industry, Jurisdiction, LegalProvision
from registry.validators import credit_code_check_character

SEED = 20080927

_T = TypeVar("_T")


class DemoConflict(Exception):
    """The database holds data the demo would collide with, or lacks its reference data."""


def credit_code(*, registration: str, division: str, serial: str) -> str:
    """A valid unified social credit code (GB 32100-2015).

    ``registration`` is the two-character authority and type ("91" enterprise, "92" individual
    business), ``division`` the six-digit administrative code, ``serial`` the eight digits of
    the organisation code; its own check character (GB 11714) and the code's close it.
    """
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    remainder = 11 - sum(int(ch) * w for ch, w in zip(serial, weights, strict=True)) % 11
    org_check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = f"{registration}{division}{serial}{org_check}"
    return first17 + credit_code_check_character(first17)


def split_exactly(total: int, weights: Sequence[int]) -> list[int]:
    """Integer shares of ``total`` in proportion to ``weights``, summing to it exactly.

    Largest remainder; ties go to the earlier share, so the split is the same on every run.
    """
    weight_sum = sum(weights)
    shares = [total * w // weight_sum for w in weights]
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i)
    )
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def casualties(deaths: int, injuries: int) -> str:
    return f"造成{deaths}人死亡" + (f"、{injuries}人受伤" if injuries else "")


def require(mapping: dict[Any, Any], key: Any, what: str) -> Any:
    try:
        return mapping[key]
    except KeyError:
        raise DemoConflict(
            f"Reference {what} {key} is missing; the demo needs migration "
            "registry/0002_reference_data as shipped."
        ) from None


class DemoBase:
    """The state the generator's parts draw from. Seeded, and drawn from in a fixed order over
    lists (never over sets or query order): the same rows on every load.

    Set up for Huizhou; a city generated after it (demo.heyuan) replaces the seeds, the city,
    its districts and townships, and the usernames of the parts the cast plays below."""

    # Who inspects and composes every batch, the officials who approve them in turn (never
    # the composer: four eyes), who follows up the escalated cases.
    INSPECTOR = "inspector"
    APPROVERS: tuple[str, ...] = ("official", "official2")
    SUPERVISOR = "supervisor"
    # Put between a unit's place and its trade name ("" for Huizhou's, whose names read as a
    # city's would).
    NAME_MARKER = ""

    def __init__(self, *, today: datetime.date) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        # A stream of its own for whether a composer took down a contact, so the rows drawn
        # from ``rng`` stay the same ones.
        self.contact_rng = random.Random(f"{SEED}:contact")  # noqa: S311 - demo data
        self.today = today
        self.tz = timezone.get_default_timezone()
        self.vocabulary = tables.VOCABULARY
        self.jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
        self.city: Jurisdiction = require(self.jurisdictions, ref.CITY[0], "jurisdiction")
        self.districts: list[Jurisdiction] = []
        # Townships in reference-data order (not database order), each weighted by its district.
        self.townships: list[Jurisdiction] = []
        self.township_weights: list[float] = []
        self.district_of: dict[str, Jurisdiction] = {}
        for d_code, _d_name, townships in ref.DISTRICTS:
            district = require(self.jurisdictions, d_code, "jurisdiction")
            self.districts.append(district)
            for t_code, _t_name in townships:
                township = require(self.jurisdictions, t_code, "jurisdiction")
                if township.parent_id != district.pk:
                    raise DemoConflict(f"Township {t_code} is not under district {d_code}.")
                self.townships.append(township)
                self.township_weights.append(tables.DISTRICT_WEIGHTS[d_code] / len(townships))
                self.district_of[t_code] = district
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.provisions = {(p.act, p.article): p for p in LegalProvision.objects.all()}
        # Each department's responsible person: name, phone, e-mail.
        self.department_heads: dict[str, tuple[str, str, str]] = {}
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.users: dict[str, User] = {}
        # The liaison of each department, by department code.
        self.liaisons: dict[str, User] = {}

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        minute = self.rng.choice((0, 10, 20, 30, 40, 50))
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    @contextmanager
    def on(self, day: datetime.date, hour: int) -> Iterator[datetime.datetime]:
        """The clock stands at ``day``, ``hour`` while the domain's services run inside."""
        moment = self.at(day, hour)
        with time_machine.travel(moment, tick=False):
            yield moment

    def pick(self, options: Sequence[tuple[_T, int]]) -> _T:
        """One of the options, drawn by weight."""
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def person(self) -> str:
        return self.rng.choice(self.vocabulary["surnames"]) + self.rng.choice(
            self.vocabulary["given_names"]
        )

    def responsible(self, department: Department) -> tuple[str, str, str]:
        """The department's responsible person for its exposed units (drawn the first time),
        with the phone and e-mail as the composer took them down (often not at all)."""
        if department.code not in self.department_heads:
            self.department_heads[department.code] = (
                self.person(),
                f"139{self.contact_rng.randrange(10**8):08d}",
                f"zeren.{department.code}@gongshi.example",
            )
        responsible, phone, email = self.department_heads[department.code]
        share = tables.RESPONSIBLE_CONTACT_SHARE
        return (
            responsible,
            phone if self.contact_rng.random() < share["phone"] else "",
            email if self.contact_rng.random() < share["email"] else "",
        )
