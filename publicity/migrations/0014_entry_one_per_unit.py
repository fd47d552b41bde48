"""One entry per unit per batch (issue 11).

An entry keeps its principal ``finding`` and gains ``further_findings``: the unit's other
findings in the same batch. A partial unique index on (batch, enterprise) over planned
entries refuses a second entry of a unit: every entry is planned while its batch is composed,
reviewed and in its notice period, so every way an entry comes in is guarded.

Existing data first. Published history is never rewritten: the index leaves entries that
have left "planned" alone, so a published batch that printed one unit twice keeps both rows.
Two planned entries of one unit in a batch not yet approved (draft, submitted, returned:
nothing has gone out to the unit) are merged the way composing now does it: the entry
placed first keeps its place and takes the other's findings and text; the positions after
it close up. The same in an approved or finalised batch cannot be merged (each unit was
sent its prior-notice letter), so the migration stops and names the batch.

The further findings of a published batch's entries are frozen like the entry itself.
"""

from django.db import migrations, models

EDITABLE = ("draft", "submitted", "returned")


def merge_planned_duplicates(apps, schema_editor):
    Entry = apps.get_model("publicity", "Entry")
    duplicates = (
        Entry.objects.filter(status="planned")
        .values("batch_id", "enterprise_id")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
        .order_by("batch_id", "enterprise_id")
    )
    for row in duplicates:
        entries = list(
            Entry.objects.filter(
                status="planned", batch_id=row["batch_id"], enterprise_id=row["enterprise_id"]
            )
            .select_related("batch", "finding")
            .order_by("position")
        )
        kept, others = entries[0], entries[1:]
        if kept.batch.status not in EDITABLE:
            raise RuntimeError(
                f"Batch {kept.batch_id} ({kept.batch.status}) lists enterprise "
                f"{row['enterprise_id']} in {len(entries)} planned entries. Publish the batch "
                "(or withdraw the extra entries on objection) before this migration: an approved "
                "batch's entries cannot be merged after the units were notified."
            )
        texts = [kept.violation_text]
        for other in others:
            kept.further_findings.add(other.finding_id, *other.further_findings.all())
            texts.append(other.violation_text)
            position, batch_id = other.position, other.batch_id
            other.further_findings.clear()
            other.delete()
            for later in Entry.objects.filter(batch_id=batch_id, position__gt=position).order_by(
                "position"
            ):
                later.position -= 1
                later.save(update_fields=["position"])
        kept.violation_text = "\n".join(texts)
        kept.save(update_fields=["violation_text"])


FROZEN_FURTHER_FINDINGS = r"""
CREATE FUNCTION publicity_entry_findings_refuse_published_change() RETURNS trigger AS $$
DECLARE
    batch_status varchar;
BEGIN
    SELECT b.status INTO batch_status
    FROM publicity_entry e JOIN publicity_batch b ON b.id = e.batch_id
    WHERE e.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.entry_id ELSE NEW.entry_id END;
    IF batch_status = 'published'
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM publicity_entry e JOIN publicity_batch b ON b.id = e.batch_id
           WHERE e.id = OLD.entry_id AND b.status = 'published'))
    THEN
        RAISE EXCEPTION 'the findings of a published batch''s entry cannot be changed (publicity_published_entry_immutable)'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER publicity_entry_further_findings_published_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON publicity_entry_further_findings
    FOR EACH ROW EXECUTE FUNCTION publicity_entry_findings_refuse_published_change();
"""

THAW_FURTHER_FINDINGS = r"""
DROP TRIGGER IF EXISTS publicity_entry_further_findings_published_immutable
    ON publicity_entry_further_findings;
DROP FUNCTION IF EXISTS publicity_entry_findings_refuse_published_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0013_removal_reason_in_no_language"),
        ("rectification", "0006_moderate_reply_permission"),
        ("registry", "0004_history_of_moves"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="further_findings",
            field=models.ManyToManyField(
                blank=True,
                related_name="further_entries",
                to="registry.finding",
                verbose_name="同一单位的其他检查发现",
            ),
        ),
        migrations.RunSQL(FROZEN_FURTHER_FINDINGS, THAW_FURTHER_FINDINGS),
        migrations.RunPython(merge_planned_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "planned")),
                fields=("batch", "enterprise"),
                name="entry_unit_once_per_batch",
            ),
        ),
    ]
