"""The benchmark's data set, generated in SQL: deterministic, fast, every constraint kept.

``generate(conninfo, entries=..., enterprises=...)`` fills a freshly migrated database with
published batches of listed entries, each with its enterprise, inspection, finding and open
or finished rectification case, as publishing would leave them. Rows are computed from their
ids with modular arithmetic (no random numbers), so two runs give the same database.

Every row goes in through the real tables with their constraints, foreign keys, generated
columns (the enterprise's name bigrams) and triggers: nothing is switched off. The home
page's and statistics' tallies are the triggers' (publicity/0018, 0021): the entries and
cases written here keep them exact, with nothing to recount.

Shapes: batches of 500 entries (the last holds 2,000, for the notice PDF figure), each
city's published from 2008-09-27 to 2026-10 and numbered per authority and year; an
enterprise has five entries on average, all in its own city; three cases in ten are still
open (their deadlines lie in the past: overdue).

A province, as issue 19 made one deployment carry: 广东省 (440000) above its 21 cities, the
reference data's Huizhou among them (its subtree's paths moved under the province), each
city with its authority and public site (``site_slug``), the province's authority with none.
Enterprises, batches and entries are spread over the cities by their share of Guangdong's
population (CITIES); each batch is its city's authority's, numbered per authority and year,
and holds that city's entries only. The 2,000-entry batch is Huizhou's (the city whose
staff the bench logs in as).
"""

# The SQL is built from this module's own constants and integers, never from input.
# ruff: noqa: S608

from __future__ import annotations

import time
from collections.abc import Sequence

from registry.reference_data import PROVINCE_CITY_OUTLINES

BATCH_SIZE = 500
LAST_BATCH_SIZE = 2000

PLACES = [
    "惠城", "陈江", "水口", "马安", "横沥", "芦洲", "潼湖", "沥林", "淡水", "秋长",
    "新圩", "镇隆", "沙田", "永湖", "良井", "平潭", "平山", "大岭", "白花", "稔山",
    "吉隆", "黄埠", "多祝", "罗阳", "石湾", "园洲", "龙溪", "杨村", "柏塘", "湖镇",
    "龙城", "永汉", "龙田", "澳头", "霞涌", "西区", "仲恺",
]  # fmt: skip
WORDS = [
    "宏发", "金源", "永兴", "鑫达", "华盛", "恒通", "利丰", "嘉和", "锦华", "顺昌",
    "天成", "富强", "新星", "建业", "隆盛", "万和", "兴旺", "合力", "瑞祥", "振华",
    "德信", "广源", "东升", "盛世", "长城", "伟业", "通达", "安泰", "汇丰", "明辉",
    "联发", "昌盛", "荣达", "泰丰", "佳美", "祥和", "百顺", "金鹏", "永发", "中兴",
    "正大", "大通", "华美", "福源", "海天", "宝丰", "同心", "鸿运", "新华", "三和",
    "奥林", "美达", "金盛",
]  # fmt: skip
TRADES = [
    "五金", "塑胶", "家具", "电子", "化工", "建材", "纺织", "印刷", "食品", "物流",
    "石材", "陶瓷", "玩具", "鞋业", "服装", "包装", "机械", "模具", "电镀", "油漆",
    "烟花", "燃气", "加油", "木业", "皮革", "玻璃", "制衣", "酒店", "网吧", "汽修",
    "砖厂",
]  # fmt: skip
SUFFIXES = ["厂", "有限公司", "加工店", "制品厂"]
VIOLATIONS = [
    "未经许可擅自从事危险化学品经营，现场存放大量易燃易爆物品。",
    "生产车间与员工宿舍设置在同一建筑内（三合一），疏散通道堵塞。",
    "未按规定设置安全出口和消防设施，消防通道被占用。",
    "特种作业人员未持证上岗，安全生产管理制度不健全。",
    "发生一般生产安全事故，事故隐患未及时排查治理。",
]
CATEGORIES = ["illegal_operation", "major_hazard", "lacking_conditions", "accident"]
DISPOSITIONS = [
    "banned",
    "suspended_for_overhaul",
    "work_stopped",
    "rectify_by_deadline",
    "suspended",
    "closed",
]
CLOSING = ("banned", "closed")

PROVINCE = ("440000", "广东省", "Guangdong Province", "广东省安全生产监督管理局")
HUIZHOU = "441300"
# Guangdong's 21 cities (registry.reference_data.PROVINCE_CITY_OUTLINES["440000"]):
# (code, name, English name, site path, resident population at the 2020 census (广东省第七次
# 全国人口普查公报, 2021: 126,012,510 in all), a few districts). A city's share of the
# enterprises, batches and entries is its share of the province's population. Huizhou's
# districts and townships are the reference data's (migration registry/0002). Elsewhere the
# districts' codes and names are real (a district-less city's, Dongguan's and Zhongshan's, are
# towns with made-up codes: <city code><3 digits>); their townships are generated (two a
# district, made-up codes and names: <district code><3 digits>).
CITIES: list[tuple[str, str, str, str, int, list[tuple[str, str]]]] = [
    ("440100", "广州市", "Guangzhou", "guangzhou", 18_676_605, [
        ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
        ("440111", "白云区"), ("440113", "番禺区"), ("440114", "花都区")]),
    ("440200", "韶关市", "Shaoguan", "shaoguan", 2_855_131, [
        ("440203", "武江区"), ("440204", "浈江区"), ("440205", "曲江区")]),
    ("440300", "深圳市", "Shenzhen", "shenzhen", 17_560_061, [
        ("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"),
        ("440306", "宝安区"), ("440307", "龙岗区")]),
    ("440400", "珠海市", "Zhuhai", "zhuhai", 2_439_585, [
        ("440402", "香洲区"), ("440403", "斗门区"), ("440404", "金湾区")]),
    ("440500", "汕头市", "Shantou", "shantou", 5_502_031, [
        ("440507", "龙湖区"), ("440511", "金平区"), ("440513", "潮阳区")]),
    ("440600", "佛山市", "Foshan", "foshan", 9_498_863, [
        ("440604", "禅城区"), ("440605", "南海区"), ("440606", "顺德区"),
        ("440607", "三水区")]),
    ("440700", "江门市", "Jiangmen", "jiangmen", 4_798_090, [
        ("440703", "蓬江区"), ("440704", "江海区"), ("440705", "新会区")]),
    ("440800", "湛江市", "Zhanjiang", "zhanjiang", 6_981_236, [
        ("440802", "赤坎区"), ("440803", "霞山区"), ("440811", "麻章区")]),
    ("440900", "茂名市", "Maoming", "maoming", 6_174_050, [
        ("440902", "茂南区"), ("440904", "电白区")]),
    ("441200", "肇庆市", "Zhaoqing", "zhaoqing", 4_113_594, [
        ("441202", "端州区"), ("441203", "鼎湖区"), ("441204", "高要区")]),
    ("441300", "惠州市", "Huizhou", "huizhou", 6_042_852, []),
    ("441400", "梅州市", "Meizhou", "meizhou", 3_873_239, [
        ("441402", "梅江区"), ("441403", "梅县区")]),
    ("441500", "汕尾市", "Shanwei", "shanwei", 2_672_819, [
        ("441502", "城区"), ("441521", "海丰县")]),
    ("441600", "河源市", "Heyuan", "heyuan", 2_837_686, [
        ("441602", "源城区"), ("441625", "东源县")]),
    ("441700", "阳江市", "Yangjiang", "yangjiang", 2_602_959, [
        ("441702", "江城区"), ("441704", "阳东区")]),
    ("441800", "清远市", "Qingyuan", "qingyuan", 3_969_473, [
        ("441802", "清城区"), ("441803", "清新区")]),
    ("441900", "东莞市", "Dongguan", "dongguan", 10_466_625, [
        ("441900001", "莞城"), ("441900002", "南城"), ("441900003", "东城"),
        ("441900004", "长安"), ("441900005", "虎门")]),
    ("442000", "中山市", "Zhongshan", "zhongshan", 4_418_060, [
        ("442000001", "石岐"), ("442000002", "东区"), ("442000003", "小榄")]),
    ("445100", "潮州市", "Chaozhou", "chaozhou", 2_568_387, [
        ("445102", "湘桥区"), ("445103", "潮安区")]),
    ("445200", "揭阳市", "Jieyang", "jieyang", 5_577_814, [
        ("445202", "榕城区"), ("445203", "揭东区")]),
    ("445300", "云浮市", "Yunfu", "yunfu", 2_383_350, [
        ("445302", "云城区"), ("445303", "云安区")]),
]  # fmt: skip
GENERATED_TOWNSHIPS = [("001", "城中街道"), ("101", "工业园镇")]


def _short(name: str) -> str:
    """A place's name without its level (广州市 -> 广州, 天河区 -> 天河; 城区 stays)."""
    return name[:-1] if len(name) > 2 and name[-1] in "市区县" else name


def apportion(total: int, weights: list[int], *, least: int = 1) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), each at least
    ``least``; the parts add up to ``total``."""
    quotas = [total * w / sum(weights) for w in weights]
    parts = [max(least, int(q)) for q in quotas]
    while sum(parts) < total:
        k = max(range(len(parts)), key=lambda k: quotas[k] - parts[k])
        parts[k] += 1
    while sum(parts) > total:
        k = max(
            (k for k in range(len(parts)) if parts[k] > least), key=lambda k: parts[k] - quotas[k]
        )
        parts[k] -= 1
    return parts


def _values(rows: Sequence[Sequence[object]]) -> str:
    def literal(value: object) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    return ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)


def province_statements() -> list[tuple[str, str]]:
    """The province above Huizhou, the other 20 cities with their districts, townships, a
    department each, and every city's and the province's authority."""
    code, name, name_en, authority = PROVINCE
    cities, districts, townships, departments, authorities = [], [], [], [], []
    for order, (c_code, c_name, c_en, slug, _people, c_districts) in enumerate(CITIES):
        if c_code == HUIZHOU:
            continue
        c_path = f"{code}/{c_code}/"
        cities.append((c_code, c_name, f"{c_en} City", "city", code, c_path, order))
        outline = PROVINCE_CITY_OUTLINES[code][c_code]
        authorities.append(
            (
                c_code,
                f"{c_name}安全生产监督管理局",
                f"{c_en} Municipal Administration of Work Safety",
                slug,
                f"{_short(c_name)}日报",
                outline,
                _short(c_name),
            )
        )
        departments.append((f"safety_{c_code}", f"{c_name}安全生产监督管理局", c_code))
        for d_order, (d_code, d_name) in enumerate(c_districts):
            d_path = f"{c_path}{d_code}/"
            districts.append((d_code, d_name, "", "district", c_code, d_path, d_order))
            for t_order, (suffix, t_name) in enumerate(GENERATED_TOWNSHIPS):
                t_code = f"{d_code}{suffix}"
                townships.append(
                    (
                        t_code,
                        _short(d_name) + t_name,
                        "",
                        "township",
                        d_code,
                        f"{d_path}{t_code}/",
                        t_order,
                    )
                )
    insert_places = """
        INSERT INTO registry_jurisdiction (code, name, name_en, level, parent_id, path,
                                           sort_order)
        SELECT v.code, v.name, v.name_en, v.level, p.id, v.path, v.sort_order
        FROM (VALUES {rows}) AS v(code, name, name_en, level, parent, path, sort_order)
        JOIN registry_jurisdiction p ON p.code = v.parent
    """
    return [
        (
            "province",
            f"""
            INSERT INTO registry_jurisdiction (code, name, name_en, level, parent_id, path,
                                               sort_order)
            VALUES ('{code}', '{name}', '{name_en}', 'province', NULL, '{code}/', 0);
            -- Huizhou's subtree under the province, as Jurisdiction.save moves it.
            UPDATE registry_jurisdiction SET path = '{code}/' || path
            WHERE path LIKE '{HUIZHOU}/%';
            UPDATE registry_jurisdiction
            SET parent_id = (SELECT id FROM registry_jurisdiction WHERE code = '{code}')
            WHERE code = '{HUIZHOU}';
            INSERT INTO registry_authority (name, name_en, regulation, hotline, newspapers,
                map_script, map_name, objection_period_unit, jurisdiction_id, site_slug)
            SELECT '{authority}', 'Guangdong Provincial Administration of Work Safety',
                   '', '', '', '', '', '', id, NULL
            FROM registry_jurisdiction WHERE code = '{code}'
            """,
        ),
        (
            "cities",
            insert_places.format(rows=_values(cities))
            + ";"
            + insert_places.format(rows=_values(districts))
            + ";"
            + insert_places.format(rows=_values(townships))
            + f"""
            ;
            INSERT INTO registry_authority (name, name_en, regulation, hotline, newspapers,
                map_script, map_name, objection_period_unit, jurisdiction_id, site_slug)
            SELECT v.name, v.name_en, '', '', v.newspapers, v.outline, v.map_name, '', j.id,
                   v.slug
            FROM (VALUES {_values(authorities)})
                AS v(code, name, name_en, slug, newspapers, outline, map_name)
            JOIN registry_jurisdiction j ON j.code = v.code;
            INSERT INTO registry_department (code, name, name_en, sort_order, jurisdiction_id)
            SELECT v.code, v.name, '', 0, j.id
            FROM (VALUES {_values(departments)}) AS v(code, name, place)
            JOIN registry_jurisdiction j ON j.code = v.place
            """,
        ),
    ]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _pick(values: list[str], expression: str) -> str:
    """The SQL picking ``values[expression mod len]`` (expression of non-negative ints)."""
    return f"({_array(values)})[(({expression}) % {len(values)}) + 1]"


def city_shares(*, entries: int, enterprises: int) -> list[dict[str, int | str]]:
    """Each city's part, in CITIES' order: its batches of BATCH_SIZE (the LAST_BATCH_SIZE
    batch is Huizhou's on top), entries and enterprises, by population; ids in blocks."""
    people = [city[4] for city in CITIES]
    batches = apportion((entries - LAST_BATCH_SIZE) // BATCH_SIZE, people)
    listed = [b * BATCH_SIZE + (LAST_BATCH_SIZE if c[0] == HUIZHOU else 0)
              for b, c in zip(batches, CITIES, strict=True)]  # fmt: skip
    # Five entries a unit on average in every city.
    units = apportion(enterprises, listed)
    shares: list[dict[str, int | str]] = []
    first_batch = first_entry = first_enterprise = 1
    for k, city in enumerate(CITIES):
        shares.append(
            {
                "k": k,
                "code": city[0],
                "slug": city[3],
                "batches": batches[k],
                "first_batch": first_batch,
                "entries": listed[k],
                "first_entry": first_entry,
                "enterprises": units[k],
                "first_enterprise": first_enterprise,
            }
        )
        first_batch += batches[k]
        first_entry += batches[k] * BATCH_SIZE
        first_enterprise += units[k]
    return shares


def statements(*, entries: int, enterprises: int) -> list[tuple[str, str]]:
    """(label, SQL) of the whole generation, in order."""
    if entries < LAST_BATCH_SIZE + BATCH_SIZE or (entries - LAST_BATCH_SIZE) % BATCH_SIZE:
        raise ValueError(f"entries must be 2,000 plus a multiple of {BATCH_SIZE}")
    n = entries
    batches = (n - LAST_BATCH_SIZE) // BATCH_SIZE + 1
    shares = city_shares(entries=entries, enterprises=enterprises)
    huizhou = next(s for s in shares if s["code"] == HUIZHOU)
    # Ranges of entry ids: each city's BATCH_SIZE batches in turn, then Huizhou's last batch
    # (lo, hi, city, first batch, batch size, the range's first entry's rank in its city).
    ranges = [
        (s["first_entry"], int(s["first_entry"]) + int(s["batches"]) * BATCH_SIZE - 1, s["k"],
         s["first_batch"], BATCH_SIZE, 0)
        for s in shares
    ] + [
        (n - LAST_BATCH_SIZE + 1, n, huizhou["k"], batches, LAST_BATCH_SIZE,
         int(huizhou["batches"]) * BATCH_SIZE)
    ]  # fmt: skip
    city_rows = [
        (s["k"], s["code"], s["first_batch"], s["batches"], s["first_enterprise"],
         s["enterprises"])
        for s in shares
    ]  # fmt: skip
    # Entry i's unit: the city's units in turn, a multiplier coprime with most counts
    # spreading one unit's entries over the years.
    enterprise_of = "(c.first_enterprise + (r.rank::bigint * 7919) % c.enterprises)"
    disposition = _pick(DISPOSITIONS, "i")
    return [
        (
            "users",
            """
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            VALUES (900001, '!', false, 'bench-composer', '', '', '', true, true, now()),
                   (900002, '!', false, 'bench-approver', '', '', '', true, true, now())
            """,
        ),
        *province_statements(),
        (
            "townships",
            f"""
            CREATE TEMP TABLE bench_city AS
            SELECT v.*, a.id AS authority_id, j.path,
                   coalesce(nullif(split_part(a.newspapers, '、', 1), ''),
                            a.map_name || '日报') AS outlet,
                   (SELECT count(*) FROM registry_jurisdiction t
                    WHERE t.level = 'township' AND t.path LIKE j.path || '%') AS townships,
                   (SELECT count(*) FROM registry_department d
                    JOIN registry_jurisdiction dj ON dj.id = d.jurisdiction_id
                    WHERE dj.path LIKE j.path || '%') AS departments,
                   v.code = '{HUIZHOU}' AS is_huizhou
            FROM (VALUES {_values(city_rows)})
                AS v(k, code, first_batch, batches, first_enterprise, enterprises)
            JOIN registry_jurisdiction j ON j.code = v.code
            JOIN registry_authority a ON a.jurisdiction_id = j.id;
            CREATE TEMP TABLE bench_township AS
            SELECT c.k AS city_k,
                   row_number() OVER (PARTITION BY c.k ORDER BY t.id) - 1 AS k,
                   t.id AS township_id, t.parent_id AS district_id,
                   -- Huizhou's units are named after its towns (PLACES), as before.
                   CASE WHEN NOT c.is_huizhou THEN left(d.name, 2) END AS place
            FROM registry_jurisdiction t
            JOIN registry_jurisdiction d ON d.id = t.parent_id
            JOIN bench_city c ON t.path LIKE c.path || '%'
            WHERE t.level = 'township';
            CREATE TEMP TABLE bench_department AS
            SELECT c.k AS city_k, row_number() OVER (PARTITION BY c.k ORDER BY d.id) - 1 AS k,
                   d.id
            FROM registry_department d
            JOIN registry_jurisdiction dj ON dj.id = d.jurisdiction_id
            JOIN bench_city c ON dj.path LIKE c.path || '%';
            CREATE TEMP TABLE bench_industry AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM registry_industry;
            -- Every entry's city, batch, position and rank among its city's entries.
            CREATE TEMP TABLE bench_row AS
            SELECT i, r.city_k,
                   r.first_batch + (i - r.lo) / r.size AS batch_id,
                   (i - r.lo) % r.size + 1 AS position,
                   r.rank0 + (i - r.lo) AS rank
            FROM (VALUES {_values(ranges)}) AS r(lo, hi, city_k, first_batch, size, rank0),
                 generate_series(r.lo, r.hi) AS i;
            ALTER TABLE bench_row ADD PRIMARY KEY (i);
            ANALYZE bench_row
            """,
        ),
        (
            "enterprises",
            f"""
            INSERT INTO registry_enterprise (id, name, credit_code, legal_representative,
                address, licence_status, operating_status, created_at, updated_at,
                industry_id, jurisdiction_id)
            SELECT i,
                   coalesce(t.place, {_pick(PLACES, "i")}) || {_pick(WORDS, "i")}
                       || {_pick(TRADES, "i")} || {_pick(SUFFIXES, "i")},
                   CASE WHEN i % 2 = 0 THEN '91' || c.code || lpad(i::text, 9, '0') || 'X' END,
                   '张' || {_pick(WORDS, "i / 7")},
                   coalesce(t.place, {_pick(PLACES, "i")}) || '镇' || (i % 97 + 1) || '号',
                   {_pick(["complete", "incomplete", "none"], "i")},
                   {_pick(["operating", "suspended", "closed", "banned"], "i / 3")},
                   now(), now(),
                   ind.id, t.township_id
            FROM bench_city c
            CROSS JOIN LATERAL generate_series(
                c.first_enterprise, c.first_enterprise + c.enterprises - 1) AS i
            JOIN bench_township t
                ON t.city_k = c.k AND t.k = (i - c.first_enterprise) % c.townships
            JOIN bench_industry ind ON ind.k = i % (SELECT count(*) FROM bench_industry)
            """,
        ),
        (
            "inspections",
            f"""
            INSERT INTO registry_inspection (id, date, kind, campaign_basis, campaign, notes,
                created_at, created_by_id, enterprise_id, place_id)
            SELECT i, date '2008-06-01' + (i % 6000), 'routine', '', '', '', now(), 900001, i,
                   e.jurisdiction_id
            FROM generate_series(1, {enterprises}) AS i
            JOIN registry_enterprise e ON e.id = i
            """,
        ),
        (
            "batches",
            f"""
            INSERT INTO publicity_batch (id, status, year, number, created_at, submitted_at,
                approved_at, notice_period_ends, finalised_at, published_on, outlet,
                notice_pdf, notice_sha256, approved_by_id, composed_by_id, authority_id)
            SELECT b, 'published', extract(year FROM day)::int,
                   row_number() OVER (
                       PARTITION BY authority_id, extract(year FROM day) ORDER BY b),
                   day - 20, day - 19, day - 18, day - 8, day - 7, day,
                   outlet, '', '', 900002, 900001, authority_id
            FROM (
                -- A city's batches spread evenly up to 2026-10 (its newest), from 2008-09-27 on
                -- for the larger cities; Huizhou's last (2,000 entries, the last id) is its
                -- newest.
                SELECT b, c.authority_id, c.outlet,
                       date '2008-09-27' + 6600 - (c.first_batch + c.batches - b
                           - 1 + c.is_huizhou::int) * 6600 / (c.batches + c.is_huizhou::int)
                           AS day
                FROM bench_city c
                CROSS JOIN LATERAL generate_series(
                    c.first_batch, c.first_batch + c.batches - 1) AS b
                UNION ALL
                SELECT {batches}, c.authority_id, c.outlet, date '2008-09-27' + 6600
                FROM bench_city c WHERE c.is_huizhou
            ) AS days
            """,
        ),
        (
            "findings",
            f"""
            INSERT INTO registry_finding (id, category, description, is_major_hazard,
                proposed_disposition, proposed_deadline, proposed_for_publicity, created_at,
                inspection_id)
            SELECT i, {_pick(CATEGORIES, "i")}, {_pick(VIOLATIONS, "i")}, i % 4 = 1,
                   {disposition}, NULL, true, now(), {enterprise_of}
            FROM bench_row r JOIN bench_city c ON c.k = r.city_k
            """,
        ),
        (
            "cases",
            f"""
            INSERT INTO rectification_case (id, disposition, goal, status, deadline,
                responsible_person, responsible_phone, responsible_email, opened_on, closed_on,
                escalated_at, updated_at, department_id, enterprise_id, place_id)
            SELECT i, d, CASE WHEN d IN {CLOSING} THEN 'verify_closure' ELSE 'rectify' END,
                   CASE WHEN i % 10 < 3 THEN 'open'
                        WHEN d IN {CLOSING} THEN 'closure_verified' ELSE 'rectified' END,
                   b.published_on + 60 + (i % 30), '李' || {_pick(WORDS, "i / 11")},
                   '', '', b.published_on,
                   CASE WHEN i % 10 < 3 THEN NULL ELSE b.published_on + 30 END,
                   NULL, now(),
                   dep.id, {enterprise_of}, unit.jurisdiction_id
            FROM (SELECT r.*, {disposition} AS d FROM bench_row r) AS r
            JOIN bench_city c ON c.k = r.city_k
            JOIN publicity_batch b ON b.id = r.batch_id
            JOIN registry_enterprise unit ON unit.id = {enterprise_of}
            JOIN bench_department dep ON dep.city_k = c.k AND dep.k = i % c.departments
            """,
        ),
        (
            "case findings",
            f"""
            INSERT INTO rectification_case_findings (id, case_id, finding_id)
            SELECT i, i, i FROM generate_series(1, {n}) AS i
            """,
        ),
        (
            "entries",
            """
            INSERT INTO publicity_entry (id, position, printed_number, status, unit_name,
                credit_code, address,
                violation_text, category, disposition, rectification_deadline,
                responsible_person, responsible_phone, responsible_email, published_on,
                listed_until, removed_on, removal_reason, batch_id, case_id, department_id,
                district_id, enterprise_id, finding_id, industry_id)
            SELECT r.i, r.position, r.position, 'listed', ent.name,
                   coalesce(ent.credit_code, ''), ent.address, f.description,
                   f.category, c.disposition, c.deadline, c.responsible_person, '', '',
                   c.opened_on, date '2099-12-31', NULL, '', r.batch_id, r.i,
                   c.department_id, t.parent_id, ent.id, r.i, ent.industry_id
            FROM bench_row r
            JOIN rectification_case c ON c.id = r.i
            JOIN registry_finding f ON f.id = r.i
            JOIN registry_enterprise ent ON ent.id = c.enterprise_id
            JOIN registry_jurisdiction t ON t.id = ent.jurisdiction_id
            """,
        ),
        (
            "sequences",
            """
            DO $$
            DECLARE t text;
            BEGIN
              FOREACH t IN ARRAY ARRAY['auth_user', 'registry_enterprise',
                  'registry_inspection', 'registry_finding', 'publicity_batch',
                  'rectification_case', 'rectification_case_findings', 'publicity_entry']
              LOOP
                EXECUTE format(
                  'SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %I))',
                  t, t);
              END LOOP;
            END $$
            """,
        ),
    ]


def generate(conninfo: str, *, entries: int, enterprises: int, log=print) -> dict[str, int]:
    """Fill the (migrated, empty) database; returns the row counts."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("SET work_mem = '64MB'")
        for label, sql in statements(entries=entries, enterprises=enterprises):
            started = time.perf_counter()
            conn.execute(sql)  # type: ignore[arg-type]
            log(f"  {label:<16} {time.perf_counter() - started:7.1f} s")
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        log(f"  {'vacuum analyze':<16} {time.perf_counter() - started:7.1f} s")
        counts = {}
        for name, table in [
            ("enterprises", "registry_enterprise"),
            ("entries", "publicity_entry"),
            ("cases", "rectification_case"),
            ("findings", "registry_finding"),
            ("batches", "publicity_batch"),
        ]:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - fixed names
            counts[name] = int(row[0]) if row else 0
    return counts
