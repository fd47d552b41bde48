"""The demo city: Huizhou's exposure regime of 2008–2010, rebuilt from the bureau's own account.

``python manage.py load_demo`` calls :func:`demo_load`. The figures the bureau published are
reproduced exactly: 11 batches, the first (2008-09-27) with 178 units, 347 entries with their
six dispositions, and the accident totals of 2008, 2009 and 2010. Everything the account does
not give (names, addresses, days within a month, each case's history) is drawn from one seeded
``random.Random``, consumed in a fixed order over lists, so every load yields the same rows.

The rows are written with ``bulk_create`` rather than through the workflow services: those move
one batch at a time through real-time steps, while the demo lands two years of finished history
in a few seconds. The rows satisfy the same database constraints as the services' rows.

This module lives in publicity because the demo spans all three apps and publicity is the top
layer, the only one allowed to import the other two.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone, translation

from core import roles
from publicity.enums import BatchStatus, EntryStatus, SubmissionKind, SubmissionStatus
from publicity.models import Batch, BatchTransition, Entry, MediaReport, Submission
from publicity.services import site_counts_refresh
from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import Case, Event
from registry import reference_data as ref
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
    Enterprise,
    Finding,
    Industry,
    Inspection,
    Jurisdiction,
    LegalProvision,
    StaffProfile,
)
from registry.validators import credit_code_check_character

SEED = 20080927

_T = TypeVar("_T")

DEMO_PASSWORD = "gongshi-demo"  # noqa: S105 - the published demo password, development only


class _DemoUser(NamedTuple):
    username: str
    role: str
    last_name: str
    first_name: str
    jurisdiction_code: str
    department_code: str | None


_USERS: list[_DemoUser] = [
    _DemoUser("inspector", roles.INSPECTOR, "陈", "志明", ref.CITY[0], "city_safety"),
    _DemoUser("inspector_huicheng", roles.INSPECTOR, "黄", "伟强", "441302", "safety_441302"),
    _DemoUser("official", roles.OFFICIAL, "李", "国华", ref.CITY[0], "city_safety"),
    _DemoUser("liaison", roles.LIAISON, "刘", "建平", ref.CITY[0], "city_housing"),
    _DemoUser("supervisor", roles.SUPERVISOR, "张", "卫东", ref.CITY[0], None),
    _DemoUser("admin", roles.ADMINISTRATOR, "林", "海涛", ref.CITY[0], None),
]

# (username, role group) of every demo login, for the launcher to print.
DEMO_USERS: list[tuple[str, str]] = [(user.username, user.role) for user in _USERS]


class _BatchSpec(NamedTuple):
    published_on: datetime.date
    size: int
    outlet: str


# The first batch is the bureau's: 178 units in the city paper on 2008-09-27. The account gives
# only the total of the other ten (169), so their dates and sizes are ours.
_BATCHES: list[_BatchSpec] = [
    _BatchSpec(datetime.date(2008, 9, 27), 178, "惠州日报"),
    _BatchSpec(datetime.date(2008, 12, 19), 24, "惠州日报"),
    _BatchSpec(datetime.date(2009, 3, 20), 19, "惠州日报"),
    _BatchSpec(datetime.date(2009, 5, 22), 17, "东江时报"),
    _BatchSpec(datetime.date(2009, 7, 24), 16, "惠州日报"),
    _BatchSpec(datetime.date(2009, 9, 25), 18, "惠州日报"),
    _BatchSpec(datetime.date(2009, 11, 27), 15, "东江时报"),
    _BatchSpec(datetime.date(2010, 1, 22), 14, "惠州日报"),
    _BatchSpec(datetime.date(2010, 4, 23), 17, "惠州日报"),
    _BatchSpec(datetime.date(2010, 7, 23), 15, "东江时报"),
    _BatchSpec(datetime.date(2010, 11, 26), 14, "惠州日报"),
]
FIRST_BATCH = _BATCHES[0]

# The bureau's breakdown of the 347 exposed units.
DISPOSITION_COUNTS: list[tuple[Disposition, int]] = [
    (Disposition.BANNED, 131),
    (Disposition.SUSPENDED_FOR_OVERHAUL, 104),
    (Disposition.WORK_STOPPED, 14),
    (Disposition.RECTIFY_BY_DEADLINE, 35),
    (Disposition.SUSPENDED, 59),
    (Disposition.CLOSED, 4),
]


class _AccidentPeriod(NamedTuple):
    year: int
    last_month: int
    accidents: int
    deaths: int
    injuries: int
    loss_yuan: int
    # Deaths of each 较大事故 (three or more deaths) in the period.
    major_deaths: tuple[int, ...]


# The bureau's year-over-year figures: 2008 whole, 2009 and 2010 January to November.
ACCIDENT_PERIODS: list[_AccidentPeriod] = [
    _AccidentPeriod(2008, 12, 1517, 488, 1204, 12_452_000, (3, 3, 4, 5)),
    _AccidentPeriod(2009, 11, 1003, 319, 883, 11_852_000, (3, 3, 4)),
    # The account gives no direct loss for 2010; 10,936,000 元 is our plausible figure, in
    # line with the fall in accidents and deaths against 2009.
    _AccidentPeriod(2010, 11, 988, 301, 743, 10_936_000, (3, 3)),
]

# --- Vocabularies the names and texts are drawn from ---------------------------------------

_TRADE_NAMES = [
    "宏发", "鑫源", "永利", "金盛", "华兴", "顺达", "兴旺", "恒通", "联发", "志成",
    "利达", "嘉华", "富源", "隆昌", "新光", "明辉", "荣达", "聚福", "德兴", "万鑫",
    "振华", "东盛", "祥和", "广源", "丰泰", "盈丰", "骏业", "鸿运", "伟业", "天成",
    "建兴", "泰昌", "宝利", "合兴", "长盛", "信达", "裕丰", "福华", "益民", "安达",
]  # fmt: skip
_SURNAMES = "陈李黄张王刘林杨吴叶钟邓曾罗梁何谢赖朱徐"
_GIVEN_NAMES = [
    "志强", "国华", "建平", "伟明", "永红", "海涛", "晓东", "丽娟", "振东", "卫国",
    "淑芬", "文斌", "国良", "少华", "锦泉", "美玲", "汉明", "俊杰", "秀英", "金水",
]  # fmt: skip
_ROADS = [
    "人民路", "解放路", "东平大道", "演达大道", "江北大道", "长寿路", "环城西路", "工业大道",
    "新村路", "沿江路", "麦地路", "三新路", "惠州大道", "金山大道", "龙丰路", "鹅岭北路",
]  # fmt: skip
_VILLAGES = [
    "新塘", "上围", "下洞", "沙岗", "龙岗", "大岭", "石坑", "黄屋",
    "塘尾", "竹园", "白石", "长布", "新联", "马安", "田头", "金竹",
]  # fmt: skip
# Development zones' names are too long to head a unit's name.
_NAME_PREFIX = {"441371": "惠州大亚湾", "441372": "惠州仲恺"}
# Drawing weights of the districts, by their share of the city's businesses.
_DISTRICT_WEIGHTS = {
    "441302": 25, "441303": 16, "441323": 15, "441322": 20,
    "441324": 6, "441371": 8, "441372": 10,
}  # fmt: skip

# industry code: (kinds of licensed unit, kinds of unlicensed unit)
_UNIT_KINDS: dict[str, tuple[list[str], list[str]]] = {
    "petrochemical": (["加油站", "石化有限公司", "油库"], ["油品经营点"]),
    "hazardous_chemicals": (["化工有限公司", "油漆化工经营部"], ["化工原料店", "油漆经营部"]),
    "fireworks": (["烟花爆竹经营部", "烟花爆竹批发部"], ["烟花爆竹销售点", "鞭炮店"]),
    "non_coal_mining": (["石场", "石料有限公司"], ["采石场", "采砂场"]),
    "construction": (["建筑工程有限公司", "建设工程有限公司"], ["施工队"]),
    "labour_intensive": (
        ["五金加工厂", "制衣厂", "鞋业有限公司", "塑胶制品厂", "电子厂", "家具厂", "印刷厂"],
        ["五金加工作坊", "制衣作坊", "塑料加工作坊"],
    ),
    "entertainment": (["歌舞厅", "卡拉OK娱乐城", "网吧", "桑拿中心"], ["游戏机室", "网吧"]),
    "road_transport": (["运输有限公司", "汽车运输队"], ["货运部"]),
    "retail": (["百货商场", "购物广场", "批发市场"], ["杂货店"]),
    "catering_lodging": (["酒楼", "大酒店", "旅馆", "招待所"], ["大排档"]),
    "gas": (["液化气供应站", "燃气有限公司"], ["液化气充装点", "液化气供应点"]),
    "metallurgy": (["铸造厂", "钢铁制品厂", "铝材厂", "不锈钢制品厂"], ["熔铝作坊"]),
    "water_transport": (["航运有限公司", "船务有限公司"], ["渡口"]),
    "other": (["木材加工厂", "竹木制品厂"], ["废品回收站", "木材加工作坊"]),
}

# What an unlicensed unit was doing, by industry (非法生产经营).
_ILLEGAL_ACTS: dict[str, str] = {
    "fireworks": "未取得《烟花爆竹经营（零售）许可证》，擅自储存、销售烟花爆竹",
    "hazardous_chemicals": (
        "未取得危险化学品经营许可证，在居民区内非法储存、销售油漆、天那水等危险化学品"
    ),
    "non_coal_mining": "未取得采矿许可证和安全生产许可证，擅自爆破开采石料",
    "gas": "未取得燃气经营许可证，非法充装、倒灌、销售瓶装液化石油气",
    "labour_intensive": "无营业执照，在出租屋内非法从事加工生产，生产、仓储与住宿混设（三合一）",
    "entertainment": "无证无照经营娱乐场所，安全出口不足",
    "other": "无证无照经营，违规堆放大量易燃可燃物品",
}
_ILLEGAL_FALLBACK = "无证无照从事生产经营活动"

# Hazards an inspector writes down, by industry.
_HAZARDS: dict[str, list[str]] = {
    "petrochemical": [
        "油罐区静电接地装置失效", "消防器材配备不足且过期失效", "卸油作业无专人监护",
    ],
    "hazardous_chemicals": [
        "储罐区防火堤破损", "重大危险源未登记建档和监控", "危险化学品混存混放",
    ],
    "fireworks": [
        "仓库超量储存烟花爆竹", "防雷设施失效", "在营业场所内住人",
    ],
    "non_coal_mining": [
        "未按规定自上而下分台阶开采，形成伞檐", "爆破作业无爆破设计和安全警戒",
        "边坡存在坍塌危险",
    ],
    "construction": [
        "高大模板支撑体系未经验算", "深基坑未按专项方案支护", "施工升降机未经检测投入使用",
        "高处作业无防护设施",
    ],
    "labour_intensive": [
        "生产车间与员工宿舍设置在同一建筑内（三合一）", "疏散通道堵塞，安全出口被锁闭",
        "电气线路私拉乱接", "冲压设备无安全防护装置",
    ],
    "entertainment": [
        "安全出口被锁闭", "疏散通道堆放杂物", "消防设施损坏，应急照明失效",
    ],
    "road_transport": [
        "客运车辆未安装卫星定位装置", "驾驶员超时驾驶", "车辆带病运行",
    ],
    "retail": [
        "疏散通道被占用", "应急照明失效", "电气线路私拉乱接",
    ],
    "catering_lodging": [
        "厨房燃气管道老化漏气", "未安装可燃气体报警装置", "安全出口数量不足",
    ],
    "gas": [
        "液化石油气储罐未定期检验", "安全阀失效", "充装台未设静电接地",
    ],
    "metallurgy": [
        "熔炼炉冷却水系统无应急措施", "吊运熔融金属的起重机不符合要求", "作业场所粉尘超标",
    ],
    "water_transport": [
        "渡船超载运营", "未配备足够救生设备", "船员无证驾驶",
    ],
    "other": [
        "电气线路老化", "易燃物品堆放混乱", "未配备灭火器材",
    ],
}  # fmt: skip
_MANAGEMENT_GAPS = [
    "未建立健全安全生产责任制和安全操作规程",
    "主要负责人和安全管理人员未经安全培训考核",
    "特种作业人员无证上岗",
    "未配备专职安全生产管理人员",
    "未开展事故隐患排查治理",
]

# Exposure categories drawn for each disposition, with weights: the law's reasons for it.
_CATEGORIES_BY_DISPOSITION: dict[str, list[tuple[ExposureCategory, int]]] = {
    Disposition.BANNED: [
        (ExposureCategory.ILLEGAL_OPERATION, 90), (ExposureCategory.LACKING_CONDITIONS, 10),
    ],
    Disposition.CLOSED: [(ExposureCategory.LACKING_CONDITIONS, 1)],
    Disposition.WORK_STOPPED: [
        (ExposureCategory.MAJOR_HAZARD, 85), (ExposureCategory.ACCIDENT, 15),
    ],
    Disposition.RECTIFY_BY_DEADLINE: [
        (ExposureCategory.MAJOR_HAZARD, 85), (ExposureCategory.LACKING_CONDITIONS, 15),
    ],
    Disposition.SUSPENDED_FOR_OVERHAUL: [
        (ExposureCategory.MAJOR_HAZARD, 54), (ExposureCategory.LACKING_CONDITIONS, 40),
        (ExposureCategory.ACCIDENT, 6),
    ],
    Disposition.SUSPENDED: [
        (ExposureCategory.LACKING_CONDITIONS, 65), (ExposureCategory.MAJOR_HAZARD, 30),
        (ExposureCategory.ACCIDENT, 5),
    ],
}  # fmt: skip

# Industries drawn for each exposure category, with weights.
_INDUSTRIES_BY_CATEGORY: dict[str, list[tuple[str, int]]] = {
    ExposureCategory.ILLEGAL_OPERATION: [
        ("fireworks", 30), ("hazardous_chemicals", 15), ("non_coal_mining", 15), ("gas", 15),
        ("labour_intensive", 15), ("entertainment", 5), ("other", 5),
    ],
    ExposureCategory.MAJOR_HAZARD: [
        ("labour_intensive", 25), ("entertainment", 12), ("hazardous_chemicals", 10),
        ("petrochemical", 5), ("construction", 10), ("road_transport", 6), ("retail", 8),
        ("catering_lodging", 8), ("gas", 5), ("metallurgy", 6), ("water_transport", 3),
        ("fireworks", 2),
    ],
    ExposureCategory.LACKING_CONDITIONS: [
        ("labour_intensive", 25), ("hazardous_chemicals", 12), ("non_coal_mining", 15),
        ("fireworks", 8), ("metallurgy", 10), ("catering_lodging", 8), ("entertainment", 8),
        ("other", 14),
    ],
    ExposureCategory.ACCIDENT: [
        ("construction", 30), ("labour_intensive", 25), ("metallurgy", 20),
        ("non_coal_mining", 15), ("hazardous_chemicals", 10),
    ],
}  # fmt: skip
# 停工整改 is what a construction site or a quarry gets.
_WORK_STOPPED_INDUSTRIES = [("construction", 85), ("non_coal_mining", 15)]

# Who follows a unit up: the city department of its trade; the township's safety office
# (安监所) for small workshops and for shutting down illegal operations; otherwise the
# district's safety bureau.
_CITY_DEPARTMENT_BY_INDUSTRY = {
    "construction": "city_housing",
    "gas": "city_housing",
    "entertainment": "city_culture",
    "road_transport": "city_transport",
    "water_transport": "city_transport",
    "retail": "city_market",
    "catering_lodging": "city_market",
    "metallurgy": "city_economy",
}
_TOWNSHIP_INDUSTRIES = {"labour_intensive", "other"}

# Days from publication to the printed rectification deadline.
_DEADLINE_DAYS: dict[str, Sequence[int]] = {
    Disposition.BANNED: (15,),
    Disposition.CLOSED: (30,),
    Disposition.SUSPENDED_FOR_OVERHAUL: (60, 90),
    Disposition.WORK_STOPPED: (30,),
    Disposition.RECTIFY_BY_DEADLINE: (30, 45, 60),
    Disposition.SUSPENDED: (60,),
}

_ACCIDENT_KIND_WEIGHTS = [
    (AccidentKind.ROAD_TRAFFIC, 62),
    (AccidentKind.FIRE, 14),
    (AccidentKind.INDUSTRIAL, 10),
    (AccidentKind.CONSTRUCTION, 6),
    (AccidentKind.HAZARDOUS_CHEMICALS, 2),
    (AccidentKind.OTHER, 6),
]
_MAJOR_ACCIDENT_KINDS = [AccidentKind.ROAD_TRAFFIC, AccidentKind.CONSTRUCTION, AccidentKind.FIRE]
# Mild seasonality: fewer accidents around the Spring Festival, more in summer.
_MONTH_WEIGHTS = [7, 6, 8, 8, 9, 9, 10, 9, 9, 9, 8, 8]

_CAMPAIGN_2008 = "2008年安全生产隐患排查治理专项行动"

# Lock key of the demo load, so two launchers starting at once load it once.
_ADVISORY_LOCK_KEY = 0x676F6E67


class DemoConflict(Exception):
    """The database holds data the demo would collide with, or lacks its reference data."""


def demo_present() -> bool:
    """Whether the demo is loaded: its first batch is there, as the bureau printed it."""
    return Batch.objects.filter(
        year=FIRST_BATCH.published_on.year,
        number=1,
        published_on=FIRST_BATCH.published_on,
        outlet=FIRST_BATCH.outlet,
    ).exists()


def demo_load(*, today: datetime.date | None = None) -> bool:
    """Load the demo city; True if it loaded, False if it was already there (nothing written).

    Side effects: creates the six demo users with their groups and staff profiles, and the
    enterprises, inspections, findings, batches, entries, cases, events, accidents, media
    reports and submissions of 2008–2010, all in one transaction; refreshes the home page's
    cached counts after commit. Raises DemoConflict on a database that holds other batches or
    users of the same names, rather than mixing the demo into real data.

    ``today`` (default: the local date) places the few open cases whose deadlines were extended
    into the future, so the deadline reminders have something to do.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Held to the end of the transaction: a second loader waits, then sees the marker.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        if demo_present():
            return False
        _refuse_conflicts()
        # Deactivated translation: texts built from enum labels are stored as printed, in
        # Chinese (the msgids), whatever language the command runs in.
        with translation.override(None):
            _DemoCity(today=today or timezone.localdate()).build()
        transaction.on_commit(site_counts_refresh)
    return True


def demo_summary() -> str:
    """One line describing what the database holds, for the command's output."""
    return (
        f"{Batch.objects.filter(status=BatchStatus.PUBLISHED).count()} published batches, "
        f"{Entry.objects.count()} entries, {Case.objects.count()} cases "
        f"({Case.objects.overdue().count()} overdue), {Accident.objects.count()} accidents, "
        f"{MediaReport.objects.count()} media reports, {Submission.objects.count()} submissions, "
        f"{len(DEMO_USERS)} demo users"
    )


def _refuse_conflicts() -> None:
    usernames = [user.username for user in _USERS]
    taken = list(
        get_user_model()
        .objects.filter(username__in=usernames)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoConflict(
            f"Users with demo names exist ({', '.join(taken)}) but the demo is not loaded; "
            "load the demo into an empty database."
        )
    years = sorted({spec.published_on.year for spec in _BATCHES})
    if Batch.objects.filter(year__in=years).exists():
        raise DemoConflict(
            f"Batches of {years[0]}–{years[-1]} exist; load the demo into an empty database."
        )
    if Group.objects.filter(name__in=roles.ALL).count() != len(roles.ALL):
        raise DemoConflict("The role groups are missing; run `manage.py migrate` first.")


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


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _casualties(deaths: int, injuries: int) -> str:
    return f"造成{deaths}人死亡" + (f"、{injuries}人受伤" if injuries else "")


class _Track(enum.Enum):
    """How a case's history runs in the demo."""

    DONE = "done"  # rectified or closure verified
    DONE_AFTER_FAILURE = "done_after_failure"  # one failed re-inspection, then rectified
    OVERDUE = "overdue"  # open, past the printed deadline, escalated
    EXTENDED = "extended"  # open, deadline recently extended past today
    REQUESTED = "requested"  # the unit asked for re-inspection, not yet done


@dataclass
class _Rows:
    """Unsaved rows, in the order they are written, and the many-to-many links between them."""

    enterprises: list[Enterprise] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    inspectors: list[tuple[Inspection, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    provisions: list[tuple[Finding, LegalProvision]] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    transitions: list[BatchTransition] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    case_findings: list[tuple[Case, Finding]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    accidents: list[Accident] = field(default_factory=list)


class _DemoCity:
    """Draws the demo city from the seed and writes it. Used once, by :func:`demo_load`."""

    def __init__(self, *, today: datetime.date) -> None:
        # Seeded, and drawn from in a fixed order over lists (never over sets or query order):
        # the same rows on every load.
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security
        self.today = today
        self.tz = timezone.get_default_timezone()
        self.jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
        self.districts: list[Jurisdiction] = []
        # Townships in reference-data order (not database order), each weighted by its district.
        self.townships: list[Jurisdiction] = []
        self.township_weights: list[float] = []
        self.district_of: dict[str, Jurisdiction] = {}
        for d_code, _d_name, townships in ref.DISTRICTS:
            district = self._require(self.jurisdictions, d_code, "jurisdiction")
            self.districts.append(district)
            for t_code, _t_name in townships:
                township = self._require(self.jurisdictions, t_code, "jurisdiction")
                if township.parent_id != district.pk:
                    raise DemoConflict(f"Township {t_code} is not under district {d_code}.")
                self.townships.append(township)
                self.township_weights.append(_DISTRICT_WEIGHTS[d_code] / len(townships))
                self.district_of[t_code] = district
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.provisions = {(p.act, p.article): p for p in LegalProvision.objects.all()}
        self.department_heads: dict[str, str] = {}
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.users: dict[str, Any] = {}

    @staticmethod
    def _require(mapping: dict[Any, Any], key: Any, what: str) -> Any:
        try:
            return mapping[key]
        except KeyError:
            raise DemoConflict(
                f"Reference {what} {key} is missing; the demo needs migration "
                "registry/0002_reference_data as shipped."
            ) from None

    def _at(self, day: datetime.date, hour: int) -> datetime.datetime:
        minute = self.rng.choice((0, 10, 20, 30, 40, 50))
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def _pick(self, options: Sequence[tuple[_T, int]]) -> _T:
        """One of the options, drawn by weight."""
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def _person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN_NAMES)

    # --- The whole load ---------------------------------------------------------------------

    def build(self) -> None:
        self._create_users()
        accidents_by_period = self._plan_accidents()
        rows = self._plan_exposures(accidents_by_period)
        rows.accidents = sorted(
            (a for period in accidents_by_period for a in period), key=lambda a: a.date
        )
        self._write(rows)
        self._create_media_reports(rows.batches, rows.entries)
        self._create_submissions()

    def _create_users(self) -> None:
        # One hash for all six: hashing is slow on purpose (~0.3 s each), and these are
        # demo logins that share a published password anyway.
        password = make_password(DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
        user_model = get_user_model()
        for spec in _USERS:
            user = user_model.objects.create(
                username=spec.username,
                password=password,
                last_name=spec.last_name,
                first_name=spec.first_name,
                email=f"{spec.username}@gongshi.example",
                is_staff=True,
                is_superuser=spec.role == roles.ADMINISTRATOR,
            )
            user.groups.add(groups[spec.role])
            jurisdiction = self._require(self.jurisdictions, spec.jurisdiction_code, "jurisdiction")
            department = (
                self._require(self.departments, spec.department_code, "department")
                if spec.department_code
                else None
            )
            StaffProfile.objects.create(
                user=user, jurisdiction=jurisdiction, department=department, phone="0752-12350"
            )
            self.users[spec.username] = user

    # --- Accidents --------------------------------------------------------------------------

    def _plan_accidents(self) -> list[list[Accident]]:
        """Unsaved accidents of each period, summing exactly to the bureau's figures."""
        district_weights = [_DISTRICT_WEIGHTS[d.code] for d in self.districts]
        periods = []
        for period in ACCIDENT_PERIODS:
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

            months = list(range(1, period.last_month + 1))
            rows = []
            for i in range(n):
                month = self.rng.choices(months, weights=_MONTH_WEIGHTS[: len(months)])[0]
                day = self.rng.randint(1, calendar.monthrange(period.year, month)[1])
                if i in major_set:
                    kind = self.rng.choice(_MAJOR_ACCIDENT_KINDS)
                else:
                    kind = self._pick(_ACCIDENT_KIND_WEIGHTS)
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
                            f"{_casualties(deaths[i], injuries[i])}。"
                            if i in major_set
                            else ""
                        ),
                    )
                )
            # Losses in whole hundreds of yuan, heavier where people died or things burned.
            weights = [
                5
                + 60 * a.deaths
                + 15 * a.injuries
                + (40 if a.kind == AccidentKind.FIRE else 0)
                + self.rng.randint(0, 20)
                for a in rows
            ]
            for accident, hundreds in zip(
                rows, split_exactly(period.loss_yuan // 100, weights), strict=True
            ):
                accident.direct_loss = Decimal(hundreds * 100)
            rows.sort(key=lambda a: a.date)
            periods.append(rows)
        return periods

    def _link_accident(
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
        for period, accidents in zip(ACCIDENT_PERIODS, accidents_by_period, strict=True):
            if day.year != period.year or day.month > period.last_month:
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
                        f"{_casualties(accident.deaths, accident.injuries)}。"
                    )
                    return accident
        return None

    # --- Batches, entries, cases ------------------------------------------------------------

    def _plan_tracks(self, dispositions: list[str]) -> list[_Track]:
        """Most cases finished; 30 still active, mostly from the last batches: 6 awaiting
        re-inspection, 5 with a deadline extended past today, 19 overdue."""
        starts = [sum(spec.size for spec in _BATCHES[:b]) for b in range(len(_BATCHES) + 1)]
        total = starts[-1]
        active = sorted(
            self.rng.sample(range(starts[0], starts[1]), 2)
            + self.rng.sample(range(starts[1], starts[8]), 6)
            + self.rng.sample(range(starts[8], total), 22)
        )
        ending = Disposition.ending_operation()
        requested = set(self.rng.sample([i for i in active if dispositions[i] not in ending], 6))
        extended = set(self.rng.sample([i for i in active if i not in requested], 5))
        active_set = set(active)
        tracks = []
        for i in range(total):
            if i in requested:
                tracks.append(_Track.REQUESTED)
            elif i in extended:
                tracks.append(_Track.EXTENDED)
            elif i in active_set:
                tracks.append(_Track.OVERDUE)
            elif dispositions[i] not in ending and self.rng.random() < 0.08:
                tracks.append(_Track.DONE_AFTER_FAILURE)
            else:
                tracks.append(_Track.DONE)
        return tracks

    def _plan_exposures(self, accidents_by_period: list[list[Accident]]) -> _Rows:
        dispositions: list[str] = [d for d, count in DISPOSITION_COUNTS for _ in range(count)]
        self.rng.shuffle(dispositions)
        tracks = self._plan_tracks(dispositions)
        rows = _Rows()
        numbers: dict[int, int] = {}
        index = 0
        for spec in _BATCHES:
            year = spec.published_on.year
            numbers[year] = numbers.get(year, 0) + 1
            batch = self._batch(spec, number=numbers[year], rows=rows)
            for position in range(1, spec.size + 1):
                self._exposure(
                    batch=batch,
                    position=position,
                    disposition=Disposition(dispositions[index]),
                    track=tracks[index],
                    rows=rows,
                    accidents_by_period=accidents_by_period,
                    spec=spec,
                )
                index += 1
        return rows

    def _batch(self, spec: _BatchSpec, *, number: int, rows: _Rows) -> Batch:
        inspector, official = self.users["inspector"], self.users["official"]
        published = spec.published_on
        submitted_at = self._at(published - datetime.timedelta(days=18), 15)
        approved_at = self._at(published - datetime.timedelta(days=14), 10)
        finalised_at = self._at(published - datetime.timedelta(days=3), 16)
        batch = Batch(
            status=BatchStatus.PUBLISHED,
            year=published.year,
            number=number,
            composed_by=inspector,
            approved_by=official,
            created_at=self._at(published - datetime.timedelta(days=24), 9),
            submitted_at=submitted_at,
            approved_at=approved_at,
            # Approval starts the prior notice; units have the objection period to object.
            notice_period_ends=approved_at.date()
            + datetime.timedelta(days=settings.OBJECTION_PERIOD_DAYS),
            finalised_at=finalised_at,
            published_on=published,
            outlet=spec.outlet,
        )
        rows.batches.append(batch)
        moves = [
            (BatchStatus.DRAFT, BatchStatus.SUBMITTED, inspector, submitted_at),
            (BatchStatus.SUBMITTED, BatchStatus.APPROVED, official, approved_at),
            (BatchStatus.APPROVED, BatchStatus.FINALISED, official, finalised_at),
            (BatchStatus.FINALISED, BatchStatus.PUBLISHED, official, self._at(published, 8)),
        ]
        for from_status, to_status, by, at in moves:
            rows.transitions.append(
                BatchTransition(
                    batch=batch, from_status=from_status, to_status=to_status, by=by, at=at
                )
            )
        return batch

    def _enterprise(
        self,
        *,
        township: Jurisdiction,
        industry: Industry,
        licensed: bool,
        category: ExposureCategory,
        disposition: Disposition,
        active: bool,
        registered: datetime.datetime,
    ) -> Enterprise:
        district = self.district_of[township.code]
        licensed_kinds, unlicensed_kinds = _UNIT_KINDS[industry.code]
        while True:
            trade = self.rng.choice(_TRADE_NAMES)
            if licensed:
                kind = self.rng.choice(licensed_kinds)
                prefix = (
                    "惠州市"
                    if kind.endswith("有限公司")
                    else _NAME_PREFIX.get(district.code, district.name)
                )
            else:
                kind = self.rng.choice(unlicensed_kinds)
                prefix = township.name
            name = f"{prefix}{trade}{kind}"
            if name not in self.names:
                self.names.add(name)
                break
        if township.name.endswith("街道"):
            street = f"{self.rng.choice(_ROADS)}{self.rng.randint(1, 288)}号"
        else:
            street = f"{self.rng.choice(_VILLAGES)}村{self.rng.randint(1, 12)}组"
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
        return Enterprise(
            name=name,
            credit_code=code,
            legal_representative=self._person(),
            address=f"{district.name}{township.name}{street}",
            jurisdiction=township,
            industry=industry,
            licence_status=licence,
            operating_status=operating,
            created_at=registered,
        )

    def _description(
        self,
        *,
        category: ExposureCategory,
        disposition: Disposition,
        industry_code: str,
        accident: Accident | None,
    ) -> str:
        hazards = _HAZARDS[industry_code]
        match category:
            case ExposureCategory.ILLEGAL_OPERATION:
                act = _ILLEGAL_ACTS.get(industry_code, _ILLEGAL_FALLBACK)
                return f"{act}；{self.rng.choice(hazards)}。"
            case ExposureCategory.MAJOR_HAZARD:
                return f"存在重大事故隐患：{'；'.join(self.rng.sample(hazards, 2))}。"
            case ExposureCategory.LACKING_CONDITIONS:
                lead = (
                    "经停产停业整顿仍不具备安全生产条件"
                    if disposition == Disposition.CLOSED
                    else "不具备安全生产条件"
                )
                return f"{lead}：{self.rng.choice(_MANAGEMENT_GAPS)}；{self.rng.choice(hazards)}。"
            case _:  # ACCIDENT
                if accident is None:
                    what = "发生生产安全事故"
                else:
                    what = (
                        f"{_cn_date(accident.date)}发生{AccidentKind(accident.kind).label}，"
                        f"{_casualties(accident.deaths, accident.injuries)}"
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
        return [self._require(self.provisions, key, "legal provision") for key in keys]

    def _department(
        self, *, category: ExposureCategory, industry_code: str, township: Jurisdiction
    ) -> Department:
        if category == ExposureCategory.ILLEGAL_OPERATION or industry_code in _TOWNSHIP_INDUSTRIES:
            code = f"office_{township.code}"
        else:
            district = self.district_of[township.code]
            code = _CITY_DEPARTMENT_BY_INDUSTRY.get(industry_code, f"safety_{district.code}")
        return self._require(self.departments, code, "department")

    def _exposure(
        self,
        *,
        batch: Batch,
        spec: _BatchSpec,
        position: int,
        disposition: Disposition,
        track: _Track,
        rows: _Rows,
        accidents_by_period: list[list[Accident]],
    ) -> None:
        """One exposed unit: enterprise, inspection, finding, case with its history, entry."""
        published = spec.published_on
        category = self._pick(_CATEGORIES_BY_DISPOSITION[disposition])
        industry_code = self._pick(
            _WORK_STOPPED_INDUSTRIES
            if disposition == Disposition.WORK_STOPPED
            else _INDUSTRIES_BY_CATEGORY[category]
        )
        industry = self._require(self.industries, industry_code, "industry")
        township = self.rng.choices(self.townships, weights=self.township_weights)[0]
        district = self.district_of[township.code]
        inspected = published - datetime.timedelta(days=self.rng.randint(26, 80))
        active = track in {_Track.OVERDUE, _Track.EXTENDED, _Track.REQUESTED}

        enterprise = self._enterprise(
            township=township,
            industry=industry,
            licensed=category != ExposureCategory.ILLEGAL_OPERATION,
            category=category,
            disposition=disposition,
            active=active,
            registered=self._at(inspected, 9),
        )
        rows.enterprises.append(enterprise)

        # The first batch came out of the 2008 campaign; the high-risk trades' units out of
        # their own campaigns; the rest out of routine inspections.
        kind, basis, campaign = InspectionKind.ROUTINE, "", ""
        if spec is FIRST_BATCH:
            kind, basis, campaign = (
                InspectionKind.SPECIAL_CAMPAIGN,
                CampaignBasis.PERIOD.value,
                _CAMPAIGN_2008,
            )
        elif industry_code in {"fireworks", "non_coal_mining", "hazardous_chemicals"}:
            kind, basis = InspectionKind.SPECIAL_CAMPAIGN, CampaignBasis.INDUSTRY.value
            campaign = f"{inspected.year}年{industry.name}安全专项整治"
        inspection = Inspection(
            enterprise=enterprise,
            date=inspected,
            kind=kind,
            campaign_basis=basis,
            campaign=campaign,
            created_by=self.users["inspector"],
            created_at=self._at(inspected, 17),
        )
        rows.inspections.append(inspection)
        rows.inspectors.append((inspection, self.users["inspector"]))
        # District staff join the city inspectors in their own district.
        if district.code == "441302":
            rows.inspectors.append((inspection, self.users["inspector_huicheng"]))

        accident = None
        if category == ExposureCategory.ACCIDENT:
            accident = self._link_accident(
                accidents_by_period,
                enterprise=enterprise,
                district=district,
                industry_code=industry_code,
                day=inspected - datetime.timedelta(days=self.rng.randint(5, 25)),
            )
        deadline = published + datetime.timedelta(days=self.rng.choice(_DEADLINE_DAYS[disposition]))
        finding = Finding(
            inspection=inspection,
            category=category,
            description=self._description(
                category=category,
                disposition=disposition,
                industry_code=industry_code,
                accident=accident,
            ),
            is_major_hazard=category == ExposureCategory.MAJOR_HAZARD,
            proposed_disposition=disposition,
            proposed_deadline=deadline,
            proposed_for_publicity=True,
            created_at=self._at(inspected, 17),
        )
        rows.findings.append(finding)
        rows.provisions += [
            (finding, provision)
            for provision in self._provisions(
                category=category, disposition=disposition, industry_code=industry_code
            )
        ]

        department = self._department(
            category=category, industry_code=industry_code, township=township
        )
        if department.code not in self.department_heads:
            self.department_heads[department.code] = self._person()
        responsible = self.department_heads[department.code]
        case = Case(
            enterprise=enterprise,
            disposition=disposition,
            goal=(
                CaseGoal.VERIFY_CLOSURE
                if disposition in Disposition.ending_operation()
                else CaseGoal.RECTIFY
            ),
            deadline=deadline,
            department=department,
            responsible_person=responsible,
            opened_on=published,
        )
        rows.cases.append(case)
        rows.case_findings.append((case, finding))
        rows.events += self._history(case, track=track)

        rows.entries.append(
            Entry(
                batch=batch,
                position=position,
                status=EntryStatus.LISTED,
                finding=finding,
                enterprise=enterprise,
                district=district,
                industry=industry,
                unit_name=enterprise.name,
                address=enterprise.address,
                violation_text=finding.description,
                category=category,
                disposition=disposition,
                rectification_deadline=deadline,
                department=department,
                responsible_person=responsible,
                published_on=published,
                case=case,
                # listed_until stays empty: the 2008–2010 entries are past the three-year
                # term, and the demo shows them as listed.
            )
        )

    def _history(self, case: Case, *, track: _Track) -> list[Event]:
        """The case's timeline; sets its status, deadline, closed_on and escalated_at to match."""
        inspector = self.users["inspector"]
        # The liaison's department updates its own cases; the bureau records the others.
        progress_actor = (
            self.users["liaison"] if case.department.code == "city_housing" else inspector
        )
        opened = case.opened_on
        span = (case.deadline - opened).days
        day = datetime.timedelta
        events = [
            Event(
                case=case,
                kind=EventKind.OPENED,
                at=self._at(opened, 9),
                actor=inspector,
                to_status=CaseStatus.OPEN,
                text=(
                    f"公示曝光，立案跟踪。处理措施：{Disposition(case.disposition).label}；"
                    f"整改期限：{_cn_date(case.deadline)}。"
                ),
                is_public=True,
            )
        ]

        def add(kind: EventKind, on: datetime.date, **fields: Any) -> None:
            fields.setdefault("is_public", True)
            events.append(Event(case=case, kind=kind, at=self._at(on, 15), **fields))

        if case.goal == CaseGoal.VERIFY_CLOSURE:
            if track == _Track.DONE:
                closed = opened + day(days=self.rng.randint(3, span + 10))
                text = (
                    "复查核实：非法生产经营场所已取缔，设备和物品已清除，未发现死灰复燃。"
                    if case.disposition == Disposition.BANNED
                    else "复查核实：已依法关闭，相关证照已注销，生产设施已拆除。"
                )
                add(
                    EventKind.REINSPECTION_PASSED,
                    closed,
                    actor=inspector,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.CLOSURE_VERIFIED,
                    text=text,
                )
                case.status, case.closed_on = CaseStatus.CLOSURE_VERIFIED, closed
                return events
        elif track in {_Track.DONE, _Track.DONE_AFTER_FAILURE, _Track.REQUESTED}:
            progress_on = opened + day(days=self.rng.randint(3, max(4, span // 3)))
            add(
                EventKind.PROGRESS,
                progress_on,
                actor=progress_actor,
                text=self.rng.choice(
                    [
                        "单位已制定整改方案，落实整改资金和责任人。",
                        # 限期整改 units keep operating while they rectify.
                        "单位主要负责人已参加安全生产培训。"
                        if case.disposition == Disposition.RECTIFY_BY_DEADLINE
                        else "单位已停产整改，主要负责人参加安全生产培训。",
                        "单位已完成大部分隐患整改，剩余项目正在施工。",
                    ]
                ),
            )
            requested = progress_on + day(days=self.rng.randint(5, max(6, span)))
            add(
                EventKind.REINSPECTION_REQUESTED,
                requested,
                actor=inspector,
                from_status=CaseStatus.OPEN,
                to_status=CaseStatus.REINSPECTION_REQUESTED,
                text="单位提交整改报告，主动申请复查。",
            )
            if track == _Track.REQUESTED:
                case.status = CaseStatus.REINSPECTION_REQUESTED
                return events
            if track == _Track.DONE_AFTER_FAILURE:
                failed = requested + day(days=self.rng.randint(3, 7))
                case.deadline = failed + day(days=30)
                add(
                    EventKind.REINSPECTION_FAILED,
                    failed,
                    actor=inspector,
                    from_status=CaseStatus.REINSPECTION_REQUESTED,
                    to_status=CaseStatus.OPEN,
                    new_deadline=case.deadline,
                    text=(
                        "复查不合格：部分隐患未整改到位，责令继续整改，整改期限延长至"
                        f"{_cn_date(case.deadline)}。"
                    ),
                )
                requested = failed + day(days=self.rng.randint(10, 28))
                add(
                    EventKind.REINSPECTION_REQUESTED,
                    requested,
                    actor=inspector,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.REINSPECTION_REQUESTED,
                    text="单位再次提交整改报告，申请复查。",
                )
            passed = requested + day(days=self.rng.randint(3, 10))
            add(
                EventKind.REINSPECTION_PASSED,
                passed,
                actor=inspector,
                from_status=CaseStatus.REINSPECTION_REQUESTED,
                to_status=CaseStatus.RECTIFIED,
                text=(
                    "复查合格：隐患已按要求整改完毕。"
                    if case.disposition == Disposition.RECTIFY_BY_DEADLINE
                    else "复查合格：重大事故隐患已消除，安全生产条件符合要求，同意恢复生产经营。"
                ),
            )
            case.status, case.closed_on = CaseStatus.RECTIFIED, passed
            return events

        # Still open: overdue and escalated, or given more time lately.
        if track == _Track.EXTENDED:
            case.deadline = self.today + day(days=self.rng.randint(7, 45))
            add(
                EventKind.DEADLINE_EXTENDED,
                self.today - day(days=self.rng.randint(1, 10)),
                actor=self.users["official"],
                new_deadline=case.deadline,
                text=f"整改工程量较大，经审核同意延长整改期限至{_cn_date(case.deadline)}。",
            )
        else:
            add(
                EventKind.REMINDER_SENT,
                case.deadline - day(days=3),
                text="整改期限将至，已提醒责任单位及责任人。",
                is_public=False,
            )
            escalated_on = case.deadline + day(days=settings.ESCALATE_AFTER_OVERDUE_DAYS)
            add(
                EventKind.ESCALATED,
                escalated_on,
                text="逾期未完成整改，已上报市政府督查室。",
                is_public=False,
            )
            case.escalated_at = events[-1].at
            add(
                EventKind.SUPERVISION,
                escalated_on + day(days=self.rng.randint(3, 10)),
                actor=self.users["supervisor"],
                text="市政府督查室挂牌督办，要求责任单位限期完成整改。",
            )
        case.status = CaseStatus.OPEN
        return events

    # --- Writing ----------------------------------------------------------------------------

    def _write(self, rows: _Rows) -> None:
        Enterprise.objects.bulk_create(rows.enterprises)
        Inspection.objects.bulk_create(rows.inspections)
        Inspection.inspectors.through.objects.bulk_create(
            Inspection.inspectors.through(inspection_id=inspection.pk, user_id=user.pk)
            for inspection, user in rows.inspectors
        )
        Finding.objects.bulk_create(rows.findings)
        Finding.provisions.through.objects.bulk_create(
            Finding.provisions.through(finding_id=finding.pk, legalprovision_id=provision.pk)
            for finding, provision in rows.provisions
        )
        Batch.objects.bulk_create(rows.batches)
        BatchTransition.objects.bulk_create(rows.transitions)
        Case.objects.bulk_create(rows.cases)
        Case.findings.through.objects.bulk_create(
            Case.findings.through(case_id=case.pk, finding_id=finding.pk)
            for case, finding in rows.case_findings
        )
        Event.objects.bulk_create(rows.events)
        Entry.objects.bulk_create(rows.entries)
        # Recorded the day after, so "recorded" reads as 2008–2010 rather than the load time.
        for accident in rows.accidents:
            accident.created_at = self._at(accident.date + datetime.timedelta(days=1), 10)
        Accident.objects.bulk_create(rows.accidents)

    def _create_media_reports(self, batches: list[Batch], entries: list[Entry]) -> None:
        def pick(batch: Batch, status: CaseStatus, count: int) -> list[Entry]:
            found = [e for e in entries if e.batch is batch and e.case and e.case.status == status]
            return found[:count]

        first, last = batches[0], batches[-1]
        batch_2009_1 = next(b for b in batches if b.year == 2009 and b.number == 1)
        batch_2009_last = max((b for b in batches if b.year == 2009), key=lambda b: b.number or 0)
        reports = [
            (
                MediaReport(
                    outlet="惠州日报",
                    date=FIRST_BATCH.published_on,
                    headline="市安监局公示曝光首批178家存在违法违规行为和重大事故隐患的生产经营单位",
                    batch=first,
                ),
                [],
            ),
            (
                MediaReport(
                    outlet="东江时报",
                    date=datetime.date(2008, 10, 16),
                    headline="曝光之后：多家被曝光单位主动整改并申请复查",
                    batch=first,
                ),
                pick(first, CaseStatus.RECTIFIED, 3),
            ),
            (
                MediaReport(
                    outlet="惠州电视台",
                    date=datetime.date(2009, 4, 8),
                    headline="追踪曝光单位整改：取缔关停的不能死灰复燃",
                    batch=batch_2009_1,
                ),
                pick(batch_2009_1, CaseStatus.CLOSURE_VERIFIED, 2),
            ),
            (
                MediaReport(
                    outlet="惠州日报",
                    date=datetime.date(2009, 12, 4),
                    headline="今年我市分五批公示曝光存在重大事故隐患的生产经营单位",
                    batch=batch_2009_last,
                ),
                [],
            ),
            (
                MediaReport(
                    outlet="东江时报",
                    date=datetime.date(2010, 12, 3),
                    headline="两年公示曝光347家单位 我市事故起数和死亡人数同比双下降",
                    batch=last,
                ),
                pick(last, CaseStatus.RECTIFIED, 2),
            ),
        ]
        MediaReport.objects.bulk_create([report for report, _ in reports])
        MediaReport.entries.through.objects.bulk_create(
            MediaReport.entries.through(mediareport_id=report.pk, entry_id=entry.pk)
            for report, linked in reports
            for entry in linked
        )

    def _create_submissions(self) -> None:
        inspector, official = self.users["inspector"], self.users["official"]
        districts = {d.code: d for d in self.districts}
        # (kind, day, subject, body, unit, district, name, contact, status, reply)
        specs = [
            (SubmissionKind.REPORT, datetime.date(2008, 10, 8), "举报无证烟花爆竹销售点",
             "横沥镇圩镇一家杂货店在店内堆放大量烟花爆竹，店主一家住在楼上。", "", "441302",
             "", "", SubmissionStatus.CLOSED,
             "经查属实，已依法取缔该非法销售点，没收非法储存的烟花爆竹。感谢您的举报。"),
            (SubmissionKind.CONSULTATION, datetime.date(2008, 10, 20),
             "被公示曝光的单位整改后如何申请复查？",
             "我厂在首批名单中，现已完成整改，请问应向哪个部门申请复查？", "", "441303",
             "陈先生", "chen@gongshi.example", SubmissionStatus.ANSWERED,
             "整改完成后，请向公告所列的跟踪整改责任单位提交整改报告并申请复查，复查合格后将在网上更新整改状态。"),
            (SubmissionKind.REPORT, datetime.date(2009, 3, 2), "举报采石场夜间违规爆破",
             "石湾镇附近山上的石场经常在夜间放炮，飞石落到村道上。", "", "441322",
             "", "", SubmissionStatus.IN_PROGRESS, ""),
            (SubmissionKind.CONSULTATION, datetime.date(2009, 6, 15), "公示曝光信息会保留多久？",
             "被曝光的单位信息会一直挂在网上吗？", "", None,
             "", "", SubmissionStatus.ANSWERED,
             "公示期一般为三年；整改经复查合格满十二个月的，可申请提前移出公示名单。"),
            (SubmissionKind.REPORT, datetime.date(2009, 8, 30), "举报出租屋内非法加工五金",
             "陈江街道某出租屋一楼加工五金，二楼三楼住人，只有一个楼梯。", "", "441372",
             "王女士", "0752-0000000", SubmissionStatus.CLOSED,
             "经核查，该处为“三合一”场所，已责令停产整改并纳入公示曝光。"),
            (SubmissionKind.CONSULTATION, datetime.date(2010, 1, 12),
             "如何查询一个单位是否被曝光？",
             "想租厂房，想先查一下房东之前的租户有没有被曝光。", "", None,
             "", "", SubmissionStatus.ANSWERED,
             "可在本网站曝光名单中按单位名称或统一社会信用代码查询，也可按县区、行业筛选。"),
            (SubmissionKind.REPORT, datetime.date(2010, 5, 18), "举报液化气非法充装点",
             "澳头街道有人用大瓶往小瓶倒灌液化气。", "", "441371",
             "", "", SubmissionStatus.RECEIVED, ""),
            (SubmissionKind.REPORT, datetime.date(2010, 10, 9), "举报工地高处作业无防护",
             "江北一工地外墙施工的工人没有系安全带，也没有安全网。", "", "441302",
             "李先生", "li@gongshi.example", SubmissionStatus.ANSWERED,
             "已转市住房和城乡建设局核查，该工地已停工整改。"),
        ]  # fmt: skip
        submissions = []
        sequence: dict[int, int] = {}
        for kind, day, subject, body, unit, district, name, contact, status, reply in specs:
            sequence[day.year] = sequence.get(day.year, 0) + 1
            created = self._at(day, 11)
            submissions.append(
                Submission(
                    kind=kind,
                    tracking_code=f"GS-{day.year}-{sequence[day.year]:04d}",
                    subject=subject,
                    body=body,
                    unit_name=unit,
                    district=districts[district] if district else None,
                    is_anonymous=not name,
                    submitter_name=name,
                    submitter_contact=contact,
                    status=status,
                    assigned_to=(
                        None
                        if status == SubmissionStatus.RECEIVED
                        else inspector
                        if kind == SubmissionKind.REPORT
                        else official
                    ),
                    public_reply=reply,
                    replied_at=self._at(day + datetime.timedelta(days=6), 16) if reply else None,
                    created_at=created,
                )
            )
        Submission.objects.bulk_create(submissions)
