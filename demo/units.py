"""The exposed units: enterprises, inspections and findings, and the plan of each batch.

Drawn from the data files; each unit is registered and inspected through the registry's
services on its historical day, and its batch composed, approved and published through the
publicity services (demo.publishing).
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from demo import tables
from demo.accidents import AccidentsMixin
from demo.base import casualties, cn_date, credit_code, require
from demo.tables import BatchSpec
from registry.data import EnterpriseData, FindingData, InspectionData
from registry.enums import (
    AccidentKind,
    CampaignBasis,
    Disposition,
    ExposureCategory,
    InspectionKind,
    LicenceStatus,
    OperatingStatus,
)
from registry.models import (
    Accident,
    Department,
    Finding,
    Industry,
    Jurisdiction,
    LegalProvision,
)
from registry.services import enterprise_create, inspection_create


class Track(enum.Enum):
    """How a case's history runs in the demo."""

    DONE = "done"  # rectified or closure verified
    DONE_AFTER_FAILURE = "done_after_failure"  # one failed re-inspection, then rectified
    OVERDUE = "overdue"  # open, past the printed deadline, escalated long ago
    EXTENDED = "extended"  # open, deadline recently extended past today
    REQUESTED = "requested"  # the unit asked for re-inspection, not yet done


@dataclass
class Exposure:
    """One unit to expose: its finding, and what the composer fills in on its entry."""

    finding: Finding
    department: Department
    responsible_person: str
    # As the composer took them down (often not at all): carried to the case.
    responsible_phone: str
    responsible_email: str
    track: Track


@dataclass
class Rows:
    """What the generator plans before the services write it."""

    # The exposures of each batch, in the order the batches were published.
    exposures: list[list[Exposure]] = field(default_factory=list)


class UnitsMixin(AccidentsMixin):
    district_inspectors: dict[str, User]

    def plan_tracks(self, dispositions: list[str]) -> list[Track]:
        """Most cases finished; 30 still active, all from the 2010 batches (so nothing from
        2008 or 2009 is still open): 6 awaiting re-inspection, 5 with a deadline extended past
        today, 19 overdue and escalated long ago."""
        starts = [sum(s.size for s in tables.BATCHES[:b]) for b in range(len(tables.BATCHES) + 1)]
        first_2010 = next(b for b, s in enumerate(tables.BATCHES) if s.published_on.year == 2010)
        active = sorted(self.rng.sample(range(starts[first_2010], starts[-1]), 30))
        ending = Disposition.ending_operation()
        requested = set(self.rng.sample([i for i in active if dispositions[i] not in ending], 6))
        extended = set(self.rng.sample([i for i in active if i not in requested], 5))
        return self.tracks_of(
            dispositions,
            active=set(active),
            requested=requested,
            extended=extended,
            failure_share=0.08,
        )

    def tracks_of(
        self,
        dispositions: list[str],
        *,
        active: set[int],
        requested: set[int],
        extended: set[int],
        failure_share: float,
    ) -> list[Track]:
        """Each exposure's track: requested, extended or overdue for the chosen active ones;
        of the others, a ``failure_share`` of those whose unit goes on operating passed after
        a failed re-inspection (one draw each, in order), the rest simply done."""
        ending = Disposition.ending_operation()
        tracks = []
        for i in range(len(dispositions)):
            if i in requested:
                tracks.append(Track.REQUESTED)
            elif i in extended:
                tracks.append(Track.EXTENDED)
            elif i in active:
                tracks.append(Track.OVERDUE)
            elif dispositions[i] not in ending and self.rng.random() < failure_share:
                tracks.append(Track.DONE_AFTER_FAILURE)
            else:
                tracks.append(Track.DONE)
        return tracks

    def plan_exposures(self, accidents_by_period: list[list[Accident]]) -> Rows:
        dispositions = [d for d, count in tables.DISPOSITION_COUNTS for _ in range(count)]
        self.rng.shuffle(dispositions)
        tracks = self.plan_tracks(dispositions)
        self.district_inspectors = {
            p.jurisdiction_code: self.users[p.username]
            for p in tables.USERS
            if p.username.startswith("inspector_")
        }
        rows = Rows()
        index = 0
        for spec in tables.BATCHES:
            rows.exposures.append([])
            for _position in range(spec.size):
                self._exposure(
                    disposition=Disposition(dispositions[index]),
                    track=tracks[index],
                    rows=rows,
                    accidents_by_period=accidents_by_period,
                    spec=spec,
                )
                index += 1
        return rows

    def _enterprise(
        self,
        *,
        township: Jurisdiction,
        industry: Industry,
        licensed: bool,
        category: ExposureCategory,
        disposition: Disposition,
        active: bool,
    ) -> EnterpriseData:
        district = self.district_of[township.code]
        name = self._unit_name(township=township, industry=industry, licensed=licensed)
        if township.name.endswith("街道"):
            street = f"{self.rng.choice(self.vocabulary['roads'])}{self.rng.randint(1, 288)}号"
        else:
            street = f"{self.rng.choice(self.vocabulary['villages'])}村{self.rng.randint(1, 12)}组"
        code = None
        if licensed:
            registration = "91" if "公司" in name or "厂" in name else "92"
            while code is None or code in self.codes:
                serial = "".join(self.rng.choice("0123456789") for _ in range(8))
                code = credit_code(registration=registration, division=district.code, serial=serial)
            self.codes.add(code)
        if disposition == Disposition.BANNED:
            operating = OperatingStatus.BANNED
        elif disposition == Disposition.CLOSED:
            operating = OperatingStatus.CLOSED
        elif active and disposition != Disposition.RECTIFY_BY_DEADLINE:
            operating = OperatingStatus.SUSPENDED
        else:
            operating = OperatingStatus.OPERATING
        if not licensed:
            licence = LicenceStatus.NONE
        elif category == ExposureCategory.LACKING_CONDITIONS:
            licence = LicenceStatus.INCOMPLETE
        else:
            licence = LicenceStatus.COMPLETE
        return EnterpriseData(
            name=name,
            credit_code=code,
            legal_representative=self.person(),
            address=f"{district.name}{township.name}{street}",
            jurisdiction=township,
            industry=industry,
            licence_status=licence,
            operating_status=operating,
        )

    def _unit_name(self, *, township: Jurisdiction, industry: Industry, licensed: bool) -> str:
        """A unit's name as a city's would read: place, trade name and the kind of unit its
        industry has ("惠城区联发五金厂", "博罗县石湾镇鸿运加油站", "惠州市宏发化工有限公司",
        "石湾镇兴旺鞭炮店"), drawn from the vocabulary; unique across the demo."""
        district = self.district_of[township.code]
        kinds = self.vocabulary["unit_kinds"][industry.code]
        # A town's units often carry the town's name after the district's; a street's
        # (街道) rarely do.
        town = township.name if not township.name.endswith("街道") else ""
        district_prefix = self.vocabulary["name_prefix"].get(district.code, district.name)
        while True:
            trade = self.rng.choice(self.vocabulary["trade_names"])
            if licensed:
                kind = self.rng.choice(kinds["licensed"])
                if kind.endswith("有限公司"):
                    prefix = self.city.name
                elif town and self.rng.random() < 0.5:
                    prefix = f"{district.name}{town}"
                else:
                    prefix = district_prefix
            else:
                # Unlicensed workshops and shops go by the place they are in.
                kind = self.rng.choice(kinds["unlicensed"])
                prefix = town or township.name.removesuffix("街道")
            name = f"{prefix}{self.NAME_MARKER}{trade}{kind}"
            if name not in self.names:
                self.names.add(name)
                return name

    def _description(
        self,
        *,
        category: ExposureCategory,
        disposition: Disposition,
        industry_code: str,
        accident: Accident | None,
    ) -> str:
        hazards = self.vocabulary["hazards"][industry_code]
        match category:
            case ExposureCategory.ILLEGAL_OPERATION:
                act = self.vocabulary["illegal_acts"].get(
                    industry_code, self.vocabulary["illegal_fallback"]
                )
                return f"{act}；{self.rng.choice(hazards)}。"
            case ExposureCategory.MAJOR_HAZARD:
                return f"存在重大事故隐患：{'；'.join(self.rng.sample(hazards, 2))}。"
            case ExposureCategory.LACKING_CONDITIONS:
                lead = (
                    "经停产停业整顿仍不具备安全生产条件"
                    if disposition == Disposition.CLOSED
                    else "不具备安全生产条件"
                )
                gap = self.rng.choice(self.vocabulary["management_gaps"])
                return f"{lead}：{gap}；{self.rng.choice(hazards)}。"
            case _:  # ACCIDENT
                if accident is None:
                    what = "发生生产安全事故"
                else:
                    what = (
                        f"{cn_date(accident.date)}发生{AccidentKind(accident.kind).label}，"
                        f"{casualties(accident.deaths, accident.injuries)}"
                    )
                return f"{what}；事故暴露出{self.rng.choice(hazards)}等隐患。"

    def _provisions(
        self, *, category: ExposureCategory, disposition: Disposition, industry_code: str
    ) -> list[LegalProvision]:
        keys: list[tuple[str, str]] = []
        law = "中华人民共和国安全生产法"
        match category:
            case ExposureCategory.ILLEGAL_OPERATION:
                keys.append(("安全生产许可证条例", "第十九条"))
                keys.append(
                    {
                        "fireworks": ("烟花爆竹安全管理条例", "第三十六条"),
                        "hazardous_chemicals": ("危险化学品安全管理条例", "第七十七条"),
                    }.get(industry_code, ("无照经营查处取缔办法", "第四条"))
                )
            case ExposureCategory.MAJOR_HAZARD:
                keys += [(law, "第三十八条"), (law, "第六十七条")]
                if industry_code in {
                    "entertainment",
                    "retail",
                    "catering_lodging",
                    "labour_intensive",
                }:
                    keys.append(("中华人民共和国消防法", "第十六条"))
                if industry_code in {"hazardous_chemicals", "petrochemical", "gas"}:
                    keys.append(("广东省安全生产条例", "第二十二条"))
            case ExposureCategory.LACKING_CONDITIONS:
                keys.append((law, "第十七条"))
                if disposition == Disposition.CLOSED:
                    keys.append((law, "第八十四条"))
            case _:
                keys.append((law, "第三十八条"))
        return [require(self.provisions, key, "legal provision") for key in keys]

    def _department(
        self, *, category: ExposureCategory, industry_code: str, township: Jurisdiction
    ) -> Department:
        if (
            category == ExposureCategory.ILLEGAL_OPERATION
            or industry_code in tables.TOWNSHIP_INDUSTRIES
        ):
            code = f"office_{township.code}"
        else:
            district = self.district_of[township.code]
            code = tables.CITY_DEPARTMENT_BY_INDUSTRY.get(industry_code, f"safety_{district.code}")
        return require(self.departments, code, "department")

    def _exposure(
        self,
        *,
        spec: BatchSpec,
        disposition: Disposition,
        track: Track,
        rows: Rows,
        accidents_by_period: list[list[Accident]],
    ) -> None:
        """One unit to expose: its enterprise, the inspection and its finding."""
        published = spec.published_on
        category = self.pick(tables.CATEGORIES_BY_DISPOSITION[disposition])
        industry_code = self.pick(
            tables.WORK_STOPPED_INDUSTRIES
            if disposition == Disposition.WORK_STOPPED
            else tables.INDUSTRIES_BY_CATEGORY[category]
        )
        industry = require(self.industries, industry_code, "industry")
        township = self.rng.choices(self.townships, weights=self.township_weights)[0]
        district = self.district_of[township.code]
        inspected = published - datetime.timedelta(days=self.rng.randint(26, 80))
        active = track in {Track.OVERDUE, Track.EXTENDED, Track.REQUESTED}

        registration = self._enterprise(
            township=township,
            industry=industry,
            licensed=category != ExposureCategory.ILLEGAL_OPERATION,
            category=category,
            disposition=disposition,
            active=active,
        )
        # The district's inspector registers the unit, and joins the city inspector to
        # inspect it.
        inspectors = [self.users["inspector"], self.district_inspectors[district.code]]
        with self.on(inspected, 9):
            enterprise = enterprise_create(actor=inspectors[1], data=registration)

        # The first batch came out of the 2008 campaign; the high-risk trades' units out of
        # their own campaigns; the rest out of routine inspections.
        kind, basis, campaign = InspectionKind.ROUTINE, "", ""
        if spec is tables.BATCHES[0]:
            kind, basis, campaign = (
                InspectionKind.SPECIAL_CAMPAIGN,
                CampaignBasis.PERIOD.value,
                tables.CAMPAIGN_2008,
            )
        elif industry_code in {"fireworks", "non_coal_mining", "hazardous_chemicals"}:
            kind, basis = InspectionKind.SPECIAL_CAMPAIGN, CampaignBasis.INDUSTRY.value
            campaign = f"{inspected.year}年{industry.name}安全专项整治"

        accident = None
        if category == ExposureCategory.ACCIDENT:
            accident = self.link_accident(
                accidents_by_period,
                enterprise=enterprise,
                district=district,
                industry_code=industry_code,
                day=inspected - datetime.timedelta(days=self.rng.randint(5, 25)),
            )
        deadline = published + datetime.timedelta(
            days=self.rng.choice(tables.DEADLINE_DAYS[disposition])
        )
        finding_data = FindingData(
            category=category,
            description=self._description(
                category=category,
                disposition=disposition,
                industry_code=industry_code,
                accident=accident,
            ),
            provisions=self._provisions(
                category=category, disposition=disposition, industry_code=industry_code
            ),
            is_major_hazard=category == ExposureCategory.MAJOR_HAZARD,
            proposed_disposition=disposition,
            proposed_deadline=deadline,
            proposed_for_publicity=True,
        )
        with self.on(inspected, 17):
            inspection = inspection_create(
                actor=inspectors[0],
                enterprise=enterprise,
                data=InspectionData(
                    date=inspected,
                    inspectors=inspectors,
                    kind=kind,
                    campaign_basis=basis,
                    campaign=campaign,
                    notes="",
                ),
                findings=[finding_data],
            )
        finding = Finding.objects.get(inspection=inspection)
        finding.inspection = inspection

        department = self._department(
            category=category, industry_code=industry_code, township=township
        )
        responsible, phone, email = self.responsible(department)
        rows.exposures[-1].append(
            Exposure(
                finding=finding,
                department=department,
                responsible_person=responsible,
                responsible_phone=phone,
                responsible_email=email,
                track=track,
            )
        )
