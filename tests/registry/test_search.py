"""Name search by character bigrams (registry.search) against icontains, over many names and
queries: Chinese, Latin letters in both cases, digits, spaces and punctuation."""

import importlib
import itertools

import pytest
from django.db import connection

from registry.models import Enterprise
from registry.search import enterprise_search
from tests.factories import EnterpriseFactory

NAMES = [
    "惠城区测试五金厂",
    "惠城区测试五金厂有限公司",
    "惠阳区 三和 五金加工场",
    "博罗县ABC化工有限公司",
    "博罗县abc化工二厂",
    "龙门县「永安」石场",
    "惠东县100号加油站",
    "惠东县1000号加油站",
    "大亚湾O'Neil国际酒店",
    "仲恺高新区C:\\temp仓库",
    "惠州市100%安全木器厂",
    "惠州市under_score家具厂",
    "啊啊啊啊",
    "啊",
    "五金五金五金",
    "Ａ全角字母厂",
    "惠城区（江北）五金厂",
]

QUERIES = [
    "五金",
    "五金厂",
    "测试五金厂有限",
    "金五",
    "五金五金",
    "ABC",
    "abc",
    "AbC化工",
    "c化工",
    "100",
    "100号",
    "1000",
    "00号",
    " 三和 ",
    "区 三",
    "三和 五金",
    "「永安」",
    "永安」石",
    "O'Neil",
    "'N",
    "C:\\temp",
    ":\\",
    "100%",
    "%安",
    "under_score",
    "r_s",
    "啊啊",
    "啊啊啊",
    "啊啊啊啊啊",
    "（江北）",
    "）五",
    "Ａ全",
    "不存在的名字",
    "厂",
    "啊",
    "_",
    "%",
    "'",
    "A",
    "a",
]


@pytest.fixture
def named_units(db):
    return [EnterpriseFactory(name=name, credit_code=None) for name in NAMES]


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_enterprise_search_matches_icontains_for_every_query(named_units):
    base = Enterprise.objects.all()
    for query in QUERIES:
        expected = _ids(base.filter(name__icontains=query.strip()))
        assert _ids(enterprise_search(base, query)) == expected, query


def test_enterprise_search_matches_icontains_for_every_substring_of_every_name(named_units):
    # Every substring of two to five characters of every name: the bigram phrase must find
    # exactly the rows icontains finds, never fewer and never more.
    base = Enterprise.objects.all()
    queries = {
        name[start:end]
        for name in NAMES
        for start, end in itertools.combinations(range(len(name) + 1), 2)
        if 2 <= end - start <= 5 and name[start:end].strip() == name[start:end]
    }
    assert len(queries) > 300
    for query in sorted(queries):
        expected = _ids(base.filter(name__icontains=query))
        assert _ids(enterprise_search(base, query)) == expected, query


def test_enterprise_search_finds_by_credit_code_prefix(db):
    unit = EnterpriseFactory(name="惠城区代码测试厂", credit_code="91441302MA0000001X")
    EnterpriseFactory(name="另一家单位", credit_code=None)
    base = Enterprise.objects.all()
    assert _ids(enterprise_search(base, "91441302ma00000")) == [unit.pk]
    assert _ids(enterprise_search(base, "91441302MA0000001X")) == [unit.pk]


def test_enterprise_search_uses_the_bigram_index_for_two_characters(db):
    EnterpriseFactory.create_batch(3)
    queryset = enterprise_search(Enterprise.objects.all(), "五金")
    with connection.cursor() as cursor:
        # On three rows any plan is cheap; forbid the scans that do not use the GIN index
        # (a GIN index is read only by bitmap scans) to see that the query can use it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "enterprise_name_bigrams" in plan


def test_credit_code_prefix_searches_use_the_prefix_index(db):
    """The staff search and the public search by the start of a code read the codes from
    the ``varchar_pattern_ops`` index (registry 0011), not by scanning every enterprise."""
    from public.selectors import search_match_ids

    EnterpriseFactory(name="惠城区代码索引厂", credit_code="92441399MA0YYYY01X")
    EnterpriseFactory.create_batch(2)
    staff = enterprise_search(Enterprise.objects.all(), "92441399ma")
    public = search_match_ids("92441399ma", ["listed"])
    with connection.cursor() as cursor:
        # On three rows any plan is cheap; forbid the plain scans to see that both queries
        # can read the codes from the index (a GIN index and a bitmap OR of the two).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plans = {"staff": staff.explain(), "count": staff.order_by().values("pk").explain()}
        # The public search's entries by enterprise: on an empty entry table the planner may
        # rather look each entry's enterprise up by its key; never a scan of the register.
        public_plan = public.explain()
    for where, plan in plans.items():
        assert "enterprise_credit_code_prefix" in plan, (where, plan)
        assert "enterprise_credit_code_unique" not in plan, (where, plan)
    assert "Seq Scan on registry_enterprise" not in public_plan, public_plan


def test_enterprise_name_bigrams_follow_a_rename(db):
    unit = EnterpriseFactory(name="惠城区旧名字厂", credit_code=None)
    Enterprise.objects.filter(pk=unit.pk).update(name="惠城区新名字厂")
    base = Enterprise.objects.all()
    assert _ids(enterprise_search(base, "新名")) == [unit.pk]
    assert _ids(enterprise_search(base, "旧名")) == []


def test_name_bigrams_are_those_of_the_first_definition(db):
    # Migration 0007 computes registry_name_bigrams in PL/pgSQL; the stored search columns
    # were written by the SQL definition of 0003 and are not recomputed, so both must give the
    # same tsvector for every name (quotes, backslashes, colons, spaces, one character, none).
    migration = importlib.import_module("registry.migrations.0007_name_bigrams_plpgsql")
    first = migration.BIGRAMS_SQL.replace("registry_name_bigrams(", "pg_temp.bigrams_first(")
    names = [
        *NAMES,
        *QUERIES,
        "",
        "a'b\\c d",
        "''",
        "\\\\",
        "a:1 b",
        "'a' :b:",
        "x\ty\nz",
        "长" * 200,
        "O'Neil\\" * 20,
    ]
    with connection.cursor() as cursor:
        cursor.execute(first)
        cursor.execute(
            "SELECT n, registry_name_bigrams(n)::text, pg_temp.bigrams_first(n)::text "
            "FROM unnest(%s::text[]) AS n",
            [names],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(names)
    assert [row for row in rows if row[1] != row[2]] == []
    assert {name: bigrams for name, bigrams, _first in rows}["a'b\\c d"] == (
        "' D':6 '''B':2 'A''':1 'B\\\\':3 'C ':5 '\\\\C':4"
    )
