"""Fixtures of the publication tests."""

import importlib

import pytest


def load_reference_data():
    """The reference data and role groups the migrations load, loaded again if a transactional
    test's flush emptied them (the migrations' own idempotent loaders). serialized_rollback is
    not used: after a transactional test without it, post_migrate has recreated the content
    types and restoring the serialized copy collides with them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from registry.models import Jurisdiction

    if not Jurisdiction.objects.exists():
        importlib.import_module("registry.migrations.0002_reference_data").load(apps, None)
    if not Group.objects.filter(name="inspector").exists():
        importlib.import_module("publicity.migrations.0002_roles").create_roles(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    load_reference_data()
