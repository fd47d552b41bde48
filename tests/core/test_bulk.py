"""core.bulk: many rows in one statement, as bulk_create and a per-row UPDATE would write them."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core.bulk import rows_insert, rows_update
from registry.models import AuditRecord, Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2009, 3, 2, 8, 30, 15, 123456, tzinfo=datetime.UTC)


def test_rows_insert_keeps_order_values_and_returns_the_ids(django_assert_num_queries):
    unit = EnterpriseFactory()
    content_type = ContentType.objects.get_for_model(Enterprise)
    changes = [
        {"name": {"label": "单位名称", "old": "", "new": f'O\'Neil \\ "{n}"'}} for n in range(3)
    ]

    with django_assert_num_queries(1):
        ids = rows_insert(
            AuditRecord,
            [
                {"object_id": unit.pk + n, "at": AT, "changes": change, "comment": ""}
                for n, change in enumerate(changes)
            ],
            same={"content_type_id": content_type.pk, "action": "created", "move": ""},
            returning="id",
        )

    records = list(AuditRecord.objects.order_by("id"))
    assert ids == [record.pk for record in records]
    assert [(r.object_id, r.at, r.changes, r.content_type_id) for r in records] == [
        (unit.pk + n, AT, change, content_type.pk) for n, change in enumerate(changes)
    ]
    assert rows_insert(AuditRecord, [], returning="id") == []


def test_rows_update_sets_each_row_and_the_same_values(django_assert_num_queries):
    first, second, untouched = EnterpriseFactory.create_batch(3)

    with django_assert_num_queries(1):
        rows_update(
            Enterprise,
            [
                {"id": first.pk, "address": "一号", "credit_code": None},
                {"id": second.pk, "address": "二号", "credit_code": second.credit_code},
            ],
            same={"updated_at": AT, "legal_representative": "张三"},
        )

    assert list(
        Enterprise.objects.order_by("id").values_list(
            "address", "credit_code", "legal_representative", "updated_at"
        )
    ) == [
        ("一号", None, "张三", AT),
        ("二号", second.credit_code, "张三", AT),
        (untouched.address, untouched.credit_code, "", untouched.updated_at),
    ]
