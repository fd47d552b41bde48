"""Changes made through the admin are audited like the back office's."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from registry.models import AuditRecord
from tests.factories import AccidentFactory, FindingFactory


def test_admin_change_of_an_accident_is_audited(client, db):
    root = get_user_model().objects.create_superuser("root", password=None)
    accident = AccidentFactory(deaths=1)
    client.force_login(root)
    url = reverse("admin:registry_accident_change", args=[accident.pk])
    response = client.post(
        url,
        {
            "date": "2010-05-01",
            "jurisdiction": accident.jurisdiction_id,
            "enterprise": "",
            "kind": "industrial",
            "deaths": "4",
            "injuries": "0",
            "direct_loss": "0",
            "description": "",
        },
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get()
    assert record.actor == root
    assert record.action == "changed"
    assert record.changes == {"deaths": {"label": "死亡人数", "old": "1", "new": "4"}}


def test_admin_inline_change_of_a_finding_is_audited(client, db):
    root = get_user_model().objects.create_superuser("root", password=None)
    finding = FindingFactory(proposed_for_publicity=False)
    inspection = finding.inspection
    inspection.inspectors.add(root)
    client.force_login(root)
    url = reverse("admin:registry_inspection_change", args=[inspection.pk])
    prefix = "findings"
    response = client.post(
        url,
        {
            "enterprise": inspection.enterprise_id,
            "date": "2009-03-02",
            "inspectors": str(root.pk),
            "kind": "routine",
            "campaign_basis": "",
            "campaign": "",
            "notes": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": finding.pk,
            f"{prefix}-0-inspection": inspection.pk,
            f"{prefix}-0-category": finding.category,
            f"{prefix}-0-description": finding.description,
            f"{prefix}-0-proposed_disposition": finding.proposed_disposition,
            f"{prefix}-0-proposed_deadline": "2009-04-30",
            f"{prefix}-0-proposed_for_publicity": "on",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    finding_record = AuditRecord.objects.get(content_type__model="finding")
    assert finding_record.changes == {
        "proposed_for_publicity": {"label": "建议公示曝光", "old": "否", "new": "是"}
    }
    # The inspection's own fields did not move: no record for it.
    assert AuditRecord.objects.filter(content_type__model="inspection").count() == 0
