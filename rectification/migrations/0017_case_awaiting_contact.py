"""The undeliverable-reminder queue as a fact the database keeps (issue 19):
``Case.awaiting_contact``, a reminder of the case reached no one and the case still has no
responsible person's e-mail.

The queue was found by its reminders (the partial index of undeliverable ones) and then
kept by the user's area: a city's official's dashboard read the province's 100,000 such
cases, each probed, for its city's 5,000 (0.6-0.8 s at 21 cities). Kept on the case, with a
partial index by place, a city's queue is a range of that index.

Kept by triggers, whoever writes: on the reminders, one statement trigger per INSERT,
UPDATE and DELETE (the reminder sweep inserts and marks them by the hundred thousand) sets
the flag of the cases they touched; on the case, a row trigger sets it when its e-mail
changes. The triggers come before the backfill in the same transaction (CREATE TRIGGER locks
both tables against writes until the migration commits). Reversed, the triggers, their
functions and the column go.
"""

from django.db import migrations, models

# Whether a case awaits a contact, as an expression over the case row ``c``.
AWAITING = """
    c.responsible_email = '' AND EXISTS (
        SELECT 1 FROM rectification_reminder AS r
        WHERE r.case_id = c.id AND r.delivery = 'undeliverable')
"""

SET_FOR = """
    UPDATE rectification_case AS c SET awaiting_contact = ({awaiting})
    WHERE c.id IN (SELECT DISTINCT case_id FROM {rows})
      AND c.awaiting_contact IS DISTINCT FROM ({awaiting});
"""

TRIGGERS = f"""
CREATE FUNCTION rectification_reminder_awaiting_new() RETURNS trigger AS $$
BEGIN
    {SET_FOR.format(awaiting=AWAITING, rows="new_rows")}
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION rectification_reminder_awaiting_old() RETURNS trigger AS $$
BEGIN
    {SET_FOR.format(awaiting=AWAITING, rows="old_rows")}
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER rectification_reminder_awaiting_insert
AFTER INSERT ON rectification_reminder REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rectification_reminder_awaiting_new();

CREATE TRIGGER rectification_reminder_awaiting_update
AFTER UPDATE ON rectification_reminder REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rectification_reminder_awaiting_new();

CREATE TRIGGER rectification_reminder_awaiting_delete
AFTER DELETE ON rectification_reminder REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION rectification_reminder_awaiting_old();

CREATE FUNCTION rectification_case_awaiting() RETURNS trigger AS $$
BEGIN
    NEW.awaiting_contact := NEW.responsible_email = '' AND EXISTS (
        SELECT 1 FROM rectification_reminder AS r
        WHERE r.case_id = NEW.id AND r.delivery = 'undeliverable');
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER rectification_case_awaiting
BEFORE UPDATE OF responsible_email ON rectification_case
FOR EACH ROW EXECUTE FUNCTION rectification_case_awaiting();

UPDATE rectification_case AS c SET awaiting_contact = true WHERE {AWAITING};
"""

DROP_TRIGGERS = """
DROP TRIGGER rectification_case_awaiting ON rectification_case;
DROP FUNCTION rectification_case_awaiting();
DROP TRIGGER rectification_reminder_awaiting_delete ON rectification_reminder;
DROP TRIGGER rectification_reminder_awaiting_update ON rectification_reminder;
DROP TRIGGER rectification_reminder_awaiting_insert ON rectification_reminder;
DROP FUNCTION rectification_reminder_awaiting_old();
DROP FUNCTION rectification_reminder_awaiting_new();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0016_case_place"),
        ("registry", "0016_inspection_away"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="awaiting_contact",
            field=models.BooleanField(default=False, editable=False, verbose_name="待补充联系方式"),
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("awaiting_contact", True)),
                fields=["place", "deadline"],
                name="case_awaiting_contact_place",
            ),
        ),
    ]
