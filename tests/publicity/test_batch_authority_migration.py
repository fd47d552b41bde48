"""Migration publicity/0022 on a one-city database with published batches: each batch becomes
its city's authority's, keeps its number, year and notice hash, and the migration reverses
and applies again without losing a row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from publicity.models import Batch
from registry.models import Authority
from tests.factories import BatchFactory, PublishedBatchFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("publicity", "0021_statistics_tallies")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def test_batches_become_their_citys_and_the_migration_reverses():
    city = Authority.objects.get(jurisdiction__parent__isnull=True)
    published = [
        PublishedBatchFactory(number=number, notice_sha256=f"{number:064x}") for number in (1, 2)
    ]
    draft = BatchFactory()
    before = sorted(Batch.objects.values_list("pk", "year", "number", "notice_sha256"))

    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'publicity_batch' AND column_name = 'authority_id'"
            )
            assert cursor.fetchone()[0] == 0  # reversed: the column is gone, no row is
            cursor.execute("SELECT count(*) FROM publicity_batch")
            assert cursor.fetchone()[0] == 3
    finally:
        migrate(None)

    assert sorted(Batch.objects.values_list("pk", "year", "number", "notice_sha256")) == before
    assert set(Batch.objects.values_list("authority_id", flat=True)) == {city.pk}
    assert {b.pk for b in published} | {draft.pk} == set(Batch.objects.values_list("pk", flat=True))
