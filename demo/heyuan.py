"""Heyuan, the demo province's second city: a small history, generated outright.

Where Huizhou's demo rebuilds the bureau's account, Heyuan's is invented and says so: every
unit's name carries 演示 ("demo") and every printed violation ends with a note that the data
are generated (demo/data/heyuan.json). Its 60 units are drawn from a seeded
``random.Random`` of their own (Huizhou's draws stay the same), and go the same way as
Huizhou's, through the same services: registered and inspected on their day by Heyuan's
inspectors, exposed in four batches of 2009 composed by its inspector and approved by its
official (河源市2009年第1批 … 第4批, numbered by its own authority), their cases moved on
their days; a few are still open, most of those overdue and escalated to its supervisor by
the reminder sweeps of 2009.

Its batches end by September 2009, so every deadline (at most 90 days) and the sweeps after
it fall in 2009, before any of Huizhou's open cases (all from 2010) is near its deadline:
the sweeps, which read every city's cases, leave Huizhou's as they were.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import User

from core import roles
from demo import tables
from demo.base import SEED, require
from demo.cases import CasesMixin
from demo.people import PeopleMixin
from demo.publishing import PublishingMixin
from demo.units import Exposure, Rows, Track, UnitsMixin
from publicity.models import Entry
from registry.data import FindingData, InspectionData
from registry.enums import CampaignBasis, Disposition, ExposureCategory, InspectionKind
from registry.models import Department, Enterprise, Finding, Jurisdiction
from registry.reference_data import CITY
from registry.services import enterprise_create, inspection_create

SPEC = tables.HEYUAN


class HeyuanCity(PeopleMixin, UnitsMixin, PublishingMixin, CasesMixin):
    """Draws Heyuan from its seed and writes it. Used once, by demo.city.demo_load."""

    INSPECTOR = "heyuan_inspector"
    APPROVERS = ("heyuan_official",)
    SUPERVISOR = "heyuan_supervisor"
    NAME_MARKER = SPEC["name_marker"]

    def __init__(self, *, today: datetime.date) -> None:
        super().__init__(today=today)
        self.rng = random.Random(f"{SEED}:heyuan")  # noqa: S311 - demo data, not security
        # Whether the unit Heyuan shares with Huizhou was exposed yet (_shared_unit).
        self.shared_done = False
        self.contact_rng = random.Random(f"{SEED}:heyuan:contact")  # noqa: S311 - demo data
        self.city = require(self.jurisdictions, SPEC["city"]["code"], "jurisdiction")
        self.districts = []
        self.townships = []
        self.township_weights = []
        self.district_of = {}
        # The county's inspector registers its units and joins the city's to inspect them.
        self.county_inspectors: dict[str, User] = {}
        for d_code, _name, _name_en, weight, townships in SPEC["districts"]:
            district = require(self.jurisdictions, d_code, "jurisdiction")
            self.districts.append(district)
            for t_code, _t_name, _t_name_en in townships:
                self.townships.append(require(self.jurisdictions, t_code, "jurisdiction"))
                self.township_weights.append(weight / len(townships))
                self.district_of[t_code] = district

    def build(self) -> None:
        self.create_users(tables.HEYUAN_USERS, phone=SPEC["phone"])
        self.county_inspectors = {
            spec.jurisdiction_code: self.users[spec.username]
            for spec in tables.HEYUAN_USERS
            if spec.role == roles.INSPECTOR and spec.jurisdiction_code != self.city.code
        }
        rows = self.plan_units()
        published = self.publish_batches(rows, tables.HEYUAN_BATCHES)
        self.run_histories(published)

    def plan_units(self) -> Rows:
        dispositions = [d for d, count in tables.HEYUAN_DISPOSITION_COUNTS for _ in range(count)]
        self.rng.shuffle(dispositions)
        tracks = self._tracks(dispositions)
        rows = Rows()
        index = 0
        for spec in tables.HEYUAN_BATCHES:
            rows.exposures.append([])
            for _position in range(spec.size):
                rows.exposures[-1].append(
                    self._unit(
                        published=spec.published_on,
                        disposition=Disposition(dispositions[index]),
                        track=tracks[index],
                    )
                )
                index += 1
        return rows

    def _tracks(self, dispositions: list[str]) -> list[Track]:
        """Most cases finished; a few still open (data file's "active"): some awaiting
        re-inspection, one with its deadline extended past today, the rest overdue."""
        counts = SPEC["active"]
        total = len(dispositions)
        active = sorted(self.rng.sample(range(total), sum(counts.values())))
        ending = Disposition.ending_operation()
        requested = set(
            self.rng.sample(
                [i for i in active if dispositions[i] not in ending], counts["requested"]
            )
        )
        extended = set(
            self.rng.sample([i for i in active if i not in requested], counts["extended"])
        )
        return self.tracks_of(
            dispositions,
            active=set(active),
            requested=requested,
            extended=extended,
            failure_share=0.1,
        )

    def _shared_unit(self) -> Enterprise | None:
        """The unit of Huizhou's first batch printed first (by the entry's number): exposed
        by Huizhou in 2008, it is Heyuan's first exposure too."""
        entry = (
            Entry.objects.filter(
                batch__authority__jurisdiction__code=CITY[0],
                batch__number=1,
                batch__year=tables.BATCHES[0].published_on.year,
            )
            .select_related("enterprise")
            .order_by("printed_number")
            .first()
        )
        return entry.enterprise if entry is not None else None

    def _supervising_department(self, *, industry_code: str, district: Jurisdiction) -> Department:
        code = SPEC["department_by_industry"].get(industry_code) or SPEC["county_departments"].get(
            district.code, SPEC["city_department"]
        )
        return require(self.departments, code, "department")

    def _unit(
        self, *, published: datetime.date, disposition: Disposition, track: Track
    ) -> Exposure:
        """One unit to expose: registered, inspected, its finding proposed for publicity."""
        category = self.pick(tables.CATEGORIES_BY_DISPOSITION[disposition])
        industry_code = self.pick(
            tables.WORK_STOPPED_INDUSTRIES
            if disposition == Disposition.WORK_STOPPED
            else tables.INDUSTRIES_BY_CATEGORY[category]
        )
        industry = require(self.industries, industry_code, "industry")
        township = self.rng.choices(self.townships, weights=self.township_weights)[0]
        district = self.district_of[township.code]
        inspected = published - datetime.timedelta(days=self.rng.randint(26, 60))
        registration = self._enterprise(
            township=township,
            industry=industry,
            licensed=category != ExposureCategory.ILLEGAL_OPERATION,
            category=category,
            disposition=disposition,
            active=track in {Track.OVERDUE, Track.EXTENDED, Track.REQUESTED},
        )
        inspector = self.users[self.INSPECTOR]
        county_inspector = self.county_inspectors.get(district.code)
        inspectors = [inspector] + ([county_inspector] if county_inspector else [])
        shared = self._shared_unit() if not self.shared_done else None
        if shared is not None:
            # One unit of Huizhou's list with a site in Heyuan: the province's register holds
            # it once, Heyuan inspects it where its site is and exposes it in its own batch,
            # and each city's entry page shows the other's.
            self.shared_done = True
            enterprise = shared
        else:
            with self.on(inspected, 9):
                enterprise = enterprise_create(actor=inspectors[-1], data=registration)

        kind, basis, campaign = InspectionKind.ROUTINE, "", ""
        if industry_code in {"fireworks", "non_coal_mining", "hazardous_chemicals"}:
            kind, basis = InspectionKind.SPECIAL_CAMPAIGN, CampaignBasis.INDUSTRY.value
            campaign = f"{inspected.year}年{industry.name}安全专项整治"
        description = self._description(
            category=category, disposition=disposition, industry_code=industry_code, accident=None
        )
        deadline = published + datetime.timedelta(
            days=self.rng.choice(tables.DEADLINE_DAYS[disposition])
        )
        with self.on(inspected, 17):
            inspection = inspection_create(
                actor=inspector,
                enterprise=enterprise,
                data=InspectionData(
                    date=inspected,
                    inspectors=inspectors,
                    kind=kind,
                    campaign_basis=basis,
                    campaign=campaign,
                    notes=SPEC["note"],
                    place=township,
                ),
                findings=[
                    FindingData(
                        category=category,
                        description=description + SPEC["note"],
                        provisions=self._provisions(
                            category=category, disposition=disposition, industry_code=industry_code
                        ),
                        is_major_hazard=category == ExposureCategory.MAJOR_HAZARD,
                        proposed_disposition=disposition,
                        proposed_deadline=deadline,
                        proposed_for_publicity=True,
                    )
                ],
            )
        department = self._supervising_department(industry_code=industry_code, district=district)
        responsible, phone, email = self.responsible(department)
        return Exposure(
            finding=Finding.objects.get(inspection=inspection),
            department=department,
            responsible_person=responsible,
            responsible_phone=phone,
            responsible_email=email,
            track=track,
        )
