"""Published batches and their entries never change, whatever code writes to the database.

Triggers refuse UPDATE and DELETE of a published batch's row and of the entries of a
published batch. What the system must still do after publication stays allowed:

- a published batch: its notice file and SHA-256 may be set once, while still empty (the
  demo city's batches and batches published before this rule get their notice built
  afterwards by ``manage.py build_notices``); every other column is frozen.
- an entry of a published batch: ``status``, ``listed_until``, ``removed_on`` and
  ``removal_reason`` — the publicity term ending (removal), and an approved erratum
  withdrawing it. The printed columns (name, address, text, category, disposition, deadline,
  department, responsible person, position), its batch, finding, case and publication date
  never change. Corrections are errata rows beside the entry.

INSERT is not refused: entries are added while composing, and the demo loader writes
finished history in bulk; the services refuse to add to anything but a draft.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION publicity_batch_refuse_published_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'published' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'published batch % cannot be deleted (publicity_published_batch_immutable)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(OLD) - 'notice_pdf' - 'notice_sha256')
       IS DISTINCT FROM (to_jsonb(NEW) - 'notice_pdf' - 'notice_sha256')
       OR (OLD.notice_sha256 <> ''
           AND (OLD.notice_pdf, OLD.notice_sha256) IS DISTINCT FROM (NEW.notice_pdf, NEW.notice_sha256))
    THEN
        RAISE EXCEPTION 'published batch % cannot be changed (publicity_published_batch_immutable)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER publicity_batch_published_immutable
    BEFORE UPDATE OR DELETE ON publicity_batch
    FOR EACH ROW EXECUTE FUNCTION publicity_batch_refuse_published_change();

CREATE FUNCTION publicity_entry_refuse_published_change() RETURNS trigger AS $$
DECLARE
    batch_status varchar;
BEGIN
    SELECT status INTO batch_status FROM publicity_batch WHERE id = OLD.batch_id;
    IF batch_status IS DISTINCT FROM 'published' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'entry % of a published batch cannot be deleted (publicity_published_entry_immutable)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(OLD) - 'status' - 'listed_until' - 'removed_on' - 'removal_reason')
       IS DISTINCT FROM (to_jsonb(NEW) - 'status' - 'listed_until' - 'removed_on' - 'removal_reason')
    THEN
        RAISE EXCEPTION 'entry % of a published batch cannot be changed (publicity_published_entry_immutable)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER publicity_entry_published_immutable
    BEFORE UPDATE OR DELETE ON publicity_entry
    FOR EACH ROW EXECUTE FUNCTION publicity_entry_refuse_published_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS publicity_entry_published_immutable ON publicity_entry;
DROP FUNCTION IF EXISTS publicity_entry_refuse_published_change();
DROP TRIGGER IF EXISTS publicity_batch_published_immutable ON publicity_batch;
DROP FUNCTION IF EXISTS publicity_batch_refuse_published_change();
"""


class Migration(migrations.Migration):
    dependencies = [("publicity", "0003_letters_and_jobs")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
