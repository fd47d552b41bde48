"""The demo province's tables, read from the data files in ``demo/data/``.

The files hold what the Huizhou bureau's account states (batches, dispositions, accident
figures) and what the demo invents around it (the cast, names, roads, hazards, drawing
weights); the province above it (``province.json``) and its second city, Heyuan, generated
outright (``heyuan.json``). The code in this app only draws from them and calls the domain's
services.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> Any:
    with (DATA / f"{name}.json").open(encoding="utf-8") as data:
        return json.load(data)


class DemoUser(NamedTuple):
    username: str
    role: str
    last_name: str
    first_name: str
    jurisdiction_code: str
    department_code: str | None


class BatchSpec(NamedTuple):
    published_on: datetime.date
    size: int
    outlet: str


class AccidentPeriod(NamedTuple):
    year: int
    first_month: int
    last_month: int
    accidents: int
    deaths: int
    injuries: int
    loss_yuan: int
    # Deaths of each 较大事故 (three or more deaths) in the period.
    major_deaths: tuple[int, ...]


def _weighted(pairs: list[list[Any]]) -> list[tuple[Any, int]]:
    return [(value, int(weight)) for value, weight in pairs]


def _users(rows: list[dict[str, Any]]) -> list[DemoUser]:
    return [
        DemoUser(
            u["username"],
            u["role"],
            u["last_name"],
            u["first_name"],
            u["jurisdiction"],
            u["department"],
        )
        for u in rows
    ]


def _batches(rows: list[dict[str, Any]]) -> list[BatchSpec]:
    return [
        BatchSpec(datetime.date.fromisoformat(b["published_on"]), b["size"], b["outlet"])
        for b in rows
    ]


DEMO_PASSWORD: str = load("cast")["password"]
# Huizhou's cast.
USERS = _users(load("cast")["users"])

BATCHES = _batches(load("batches")["batches"])
DISPOSITION_COUNTS: list[tuple[str, int]] = list(load("batches")["dispositions"].items())
DEADLINE_DAYS: dict[str, list[int]] = load("batches")["deadline_days"]
# The share of entries whose composer took down the responsible person's phone, e-mail.
RESPONSIBLE_CONTACT_SHARE: dict[str, float] = load("batches")["responsible_contact_share"]

ACCIDENT_PERIODS = [
    AccidentPeriod(
        p["year"],
        p["first_month"],
        p["last_month"],
        p["accidents"],
        p["deaths"],
        p["injuries"],
        p["loss_yuan"],
        tuple(p["major_deaths"]),
    )
    for p in load("accidents")["periods"]
]
ACCIDENT_KIND_WEIGHTS = _weighted(load("accidents")["kind_weights"])
MAJOR_ACCIDENT_KINDS: list[str] = load("accidents")["major_kinds"]
MONTH_WEIGHTS: list[int] = load("accidents")["month_weights"]

_city = load("city")
DISTRICT_WEIGHTS: dict[str, int] = _city["district_weights"]
CATEGORIES_BY_DISPOSITION = {k: _weighted(v) for k, v in _city["categories_by_disposition"].items()}
INDUSTRIES_BY_CATEGORY = {k: _weighted(v) for k, v in _city["industries_by_category"].items()}
WORK_STOPPED_INDUSTRIES = _weighted(_city["work_stopped_industries"])
CITY_DEPARTMENT_BY_INDUSTRY: dict[str, str] = _city["city_department_by_industry"]
TOWNSHIP_INDUSTRIES = frozenset(_city["township_industries"])
CAMPAIGN_2008: str = _city["campaign_2008"]

VOCABULARY: dict[str, Any] = load("vocabulary")

# The province above the cities, and its own staff.
_province = load("province")
PROVINCE: dict[str, Any] = _province["province"]
# The cities of the reference data put under it, with their public site's path.
PROVINCE_CITIES: list[dict[str, str]] = _province["cities"]
PROVINCE_USERS = _users(_province["users"])
PROVINCE_PHONE: str = _province["phone"]

# Heyuan, the generated second city.
HEYUAN: dict[str, Any] = load("heyuan")
HEYUAN_USERS = _users(HEYUAN["users"])
HEYUAN_BATCHES = _batches(HEYUAN["batches"])
HEYUAN_DISPOSITION_COUNTS: list[tuple[str, int]] = list(HEYUAN["dispositions"].items())
