"""The demo province, loaded once for every test of this folder."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the package, in a transaction rolled back at its end; each
    test runs in a savepoint inside it (pytest-django's own), so what a test changes goes
    with it and the next test sees the demo as loaded. Yields what the load printed."""
    from django.db import transaction

    output = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=output)
        yield output
        transaction.set_rollback(True)
