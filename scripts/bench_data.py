"""The benchmark's data set, generated in SQL: deterministic, fast, every constraint kept.

``generate(conninfo, entries=..., enterprises=...)`` fills a freshly migrated database with
published batches of listed entries, each with its enterprise, inspection, finding and open
or finished rectification case, as publishing would leave them. Rows are computed from their
ids with modular arithmetic (no random numbers), so two runs give the same database.

Every row goes in through the real tables with their constraints, foreign keys, generated
columns (the enterprise's name bigrams) and triggers: nothing is switched off.

Shapes: batches of 500 entries (the last holds 2,000, for the notice PDF figure), published
from 2008-09-27 to 2026-10 and numbered per year; an enterprise has five entries on average;
three cases in ten are still open (their deadlines lie in the past: overdue).
"""

# The SQL is built from this module's own constants and integers, never from input.
# ruff: noqa: S608

from __future__ import annotations

import time

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


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _pick(values: list[str], expression: str) -> str:
    """The SQL picking ``values[expression mod len]`` (expression of non-negative ints)."""
    return f"({_array(values)})[(({expression}) % {len(values)}) + 1]"


def statements(*, entries: int, enterprises: int) -> list[tuple[str, str]]:
    """(label, SQL) of the whole generation, in order."""
    if entries < LAST_BATCH_SIZE + BATCH_SIZE or (entries - LAST_BATCH_SIZE) % BATCH_SIZE:
        raise ValueError(f"entries must be 2,000 plus a multiple of {BATCH_SIZE}")
    n, e = entries, enterprises
    batches = (n - LAST_BATCH_SIZE) // BATCH_SIZE + 1
    # Entry i (1..n) belongs to this batch, at this position, for this enterprise.
    batch_of = (
        f"(CASE WHEN i > {n - LAST_BATCH_SIZE} THEN {batches} ELSE (i - 1) / {BATCH_SIZE} + 1 END)"
    )
    position_of = (
        f"(CASE WHEN i > {n - LAST_BATCH_SIZE} THEN i - {n - LAST_BATCH_SIZE} "
        f"ELSE (i - 1) % {BATCH_SIZE} + 1 END)"
    )
    # A multiplier coprime with e spreads one enterprise's entries over the years.
    enterprise_of = f"(((i - 1)::bigint * 7919) % {e} + 1)"
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
        (
            "townships",
            """
            CREATE TEMP TABLE bench_township AS
            SELECT row_number() OVER (ORDER BY t.id) - 1 AS k, t.id AS township_id,
                   t.parent_id AS district_id
            FROM registry_jurisdiction t WHERE t.level = 'township';
            CREATE TEMP TABLE bench_industry AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM registry_industry;
            CREATE TEMP TABLE bench_department AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM registry_department
            """,
        ),
        (
            "enterprises",
            f"""
            INSERT INTO registry_enterprise (id, name, credit_code, legal_representative,
                address, licence_status, operating_status, created_at, updated_at,
                industry_id, jurisdiction_id)
            SELECT i,
                   {_pick(PLACES, "i")} || {_pick(WORDS, "i")} || {_pick(TRADES, "i")}
                       || {_pick(SUFFIXES, "i")},
                   CASE WHEN i % 2 = 0 THEN '9144130' || lpad(i::text, 10, '0') || 'X' END,
                   '张' || {_pick(WORDS, "i / 7")},
                   {_pick(PLACES, "i")} || '镇' || (i % 97 + 1) || '号',
                   {_pick(["complete", "incomplete", "none"], "i")},
                   {_pick(["operating", "suspended", "closed", "banned"], "i / 3")},
                   now(), now(),
                   ind.id, t.township_id
            FROM generate_series(1, {e}) AS i
            JOIN bench_township t ON t.k = i % (SELECT count(*) FROM bench_township)
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
            FROM generate_series(1, {e}) AS i
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
                   row_number() OVER (PARTITION BY extract(year FROM day) ORDER BY b),
                   day - 20, day - 19, day - 18, day - 8, day - 7, day,
                   '惠州日报', '', '', 900002, 900001,
                   (SELECT id FROM registry_authority ORDER BY id LIMIT 1)
            FROM (
                SELECT b, date '2008-09-27' + ((b - 1) * 6600 / {batches}) AS day
                FROM generate_series(1, {batches}) AS b
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
            FROM generate_series(1, {n}) AS i
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
            FROM (SELECT i, {disposition} AS d, {batch_of} AS batch_id
                  FROM generate_series(1, {n}) AS i) AS rows
            JOIN publicity_batch b ON b.id = rows.batch_id
            JOIN registry_enterprise unit ON unit.id = {enterprise_of}
            JOIN bench_department dep ON dep.k = i % (SELECT count(*) FROM bench_department)
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
            f"""
            INSERT INTO publicity_entry (id, position, printed_number, status, unit_name,
                credit_code, address,
                violation_text, category, disposition, rectification_deadline,
                responsible_person, responsible_phone, responsible_email, published_on,
                listed_until, removed_on, removal_reason, batch_id, case_id, department_id,
                district_id, enterprise_id, finding_id, industry_id)
            SELECT rows.i, {position_of}, {position_of}, 'listed', ent.name,
                   coalesce(ent.credit_code, ''), ent.address, f.description,
                   f.category, c.disposition, c.deadline, c.responsible_person, '', '',
                   c.opened_on, date '2099-12-31', NULL, '', rows.batch_id, rows.i,
                   c.department_id, t.district_id, ent.id, rows.i, ent.industry_id
            FROM (SELECT i, {batch_of} AS batch_id FROM generate_series(1, {n}) AS i) AS rows
            JOIN rectification_case c ON c.id = rows.i
            JOIN registry_finding f ON f.id = rows.i
            JOIN registry_enterprise ent ON ent.id = c.enterprise_id
            JOIN bench_township t ON t.township_id = ent.jurisdiction_id
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
