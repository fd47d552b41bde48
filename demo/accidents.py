"""The accidents of 2008–2010, summing exactly to the bureau's figures (data/accidents.json)."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from demo import tables
from demo.base import DemoBase, casualties, split_exactly
from registry.enums import AccidentKind
from registry.models import Accident, Enterprise, Jurisdiction


class AccidentsMixin(DemoBase):
    def plan_accidents(self) -> list[list[Accident]]:
        """Unsaved accidents of each period, summing exactly to the bureau's figures."""
        district_weights = [tables.DISTRICT_WEIGHTS[d.code] for d in self.districts]
        periods = []
        for period in tables.ACCIDENT_PERIODS:
            n = period.accidents
            deaths = [0] * n
            majors = self.rng.sample(range(n), len(period.major_deaths))
            for i, major_deaths in zip(majors, period.major_deaths, strict=True):
                deaths[i] = major_deaths
            major_set = set(majors)
            # Up to two deaths for every other accident: each index appears twice, and a
            # sample without replacement picks each appearance at most once.
            slots = [i for i in range(n) if i not in major_set for _ in range(2)]
            for i in self.rng.sample(slots, period.deaths - sum(period.major_deaths)):
                deaths[i] += 1
            injuries = [0] * n
            for i in self.rng.sample([i for i in range(n) for _ in range(4)], period.injuries):
                injuries[i] += 1

            months = list(range(period.first_month, period.last_month + 1))
            weights = tables.MONTH_WEIGHTS[period.first_month - 1 : period.last_month]
            rows = []
            for i in range(n):
                month = self.rng.choices(months, weights=weights)[0]
                day = self.rng.randint(1, calendar.monthrange(period.year, month)[1])
                if i in major_set:
                    kind = self.rng.choice(tables.MAJOR_ACCIDENT_KINDS)
                else:
                    kind = self.pick(tables.ACCIDENT_KIND_WEIGHTS)
                district = self.rng.choices(self.districts, weights=district_weights)[0]
                rows.append(
                    Accident(
                        date=datetime.date(period.year, month, day),
                        jurisdiction=district,
                        kind=kind,
                        deaths=deaths[i],
                        injuries=injuries[i],
                        description=(
                            f"较大{AccidentKind(kind).label}，"
                            f"{casualties(deaths[i], injuries[i])}。"
                            if i in major_set
                            else ""
                        ),
                    )
                )
            # Losses in whole hundreds of yuan, heavier where people died or things burned.
            loss_weights = [
                5
                + 60 * a.deaths
                + 15 * a.injuries
                + (40 if a.kind == AccidentKind.FIRE else 0)
                + self.rng.randint(0, 20)
                for a in rows
            ]
            for accident, hundreds in zip(
                rows, split_exactly(period.loss_yuan // 100, loss_weights), strict=True
            ):
                accident.direct_loss = Decimal(hundreds * 100)
            rows.sort(key=lambda a: a.date)
            periods.append(rows)
        return periods

    def link_accident(
        self,
        accidents_by_period: list[list[Accident]],
        *,
        enterprise: Enterprise,
        district: Jurisdiction,
        industry_code: str,
        day: datetime.date,
    ) -> Accident | None:
        """Give an accident-category unit its accident: an unlinked fatal one of the same
        period moves to the unit's district and day, so the period's totals do not change."""
        for period, accidents in zip(tables.ACCIDENT_PERIODS, accidents_by_period, strict=True):
            if day.year != period.year or not period.first_month <= day.month <= period.last_month:
                continue
            for accident in accidents:
                if accident.enterprise is None and 1 <= accident.deaths < 3:
                    accident.enterprise = enterprise
                    accident.jurisdiction = district
                    accident.date = day
                    accident.kind = {
                        "construction": AccidentKind.CONSTRUCTION,
                        "hazardous_chemicals": AccidentKind.HAZARDOUS_CHEMICALS,
                    }.get(industry_code, AccidentKind.INDUSTRIAL)
                    accident.description = (
                        f"{enterprise.name}发生{AccidentKind(accident.kind).label}，"
                        f"{casualties(accident.deaths, accident.injuries)}。"
                    )
                    return accident
        return None

    def write_accidents(self, accidents: list[Accident]) -> None:
        # Recorded the day after, so "recorded" reads as 2008–2010 rather than the load time.
        for accident in accidents:
            accident.created_at = self.at(accident.date + datetime.timedelta(days=1), 10)
        Accident.objects.bulk_create(accidents)
