from django.db import migrations

# registry_name_bigrams (0003) gives the same tsvector for every name, computed by a PL/pgSQL
# loop instead of a SQL function over generate_series: the SQL function starts an executor for
# every row written, which made the name's search column most of the cost of writing a unit (a
# bulk import of 100,000 units) or an entry. The stored columns do not change (the same value
# for every input: checked against every name of a generated national-scale database and
# random strings of quotes, backslashes, colons and spaces; tests/registry/test_search.py).
# The pairs of a name without a quote or backslash need no escaping.
BIGRAMS_PLPGSQL = r"""
CREATE OR REPLACE FUNCTION registry_name_bigrams(value text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t text := upper(value);
    lexemes text := '';
BEGIN
    IF strpos(t, '''') > 0 OR strpos(t, '\') > 0 THEN
        FOR i IN 1 .. length(t) - 1 LOOP
            lexemes := lexemes || ' '''
                || replace(replace(substr(t, i, 2), '\', '\\'), '''', '''''') || ''':' || i;
        END LOOP;
    ELSE
        FOR i IN 1 .. length(t) - 1 LOOP
            lexemes := lexemes || ' ''' || substr(t, i, 2) || ''':' || i;
        END LOOP;
    END IF;
    RETURN lexemes::tsvector;
END
$$;
"""

BIGRAMS_SQL = r"""
CREATE OR REPLACE FUNCTION registry_name_bigrams(value text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(
        string_agg(
            '''' || replace(replace(substr(u.t, i, 2), '\', '\\'), '''', '''''') || ''':' || i,
            ' '
        ),
        ''
    )::tsvector
    FROM (SELECT upper(value) AS t) AS u, generate_series(1, length(u.t) - 1) AS i
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_reference_data_english_names'),
    ]

    operations = [
        migrations.RunSQL(BIGRAMS_PLPGSQL, reverse_sql=BIGRAMS_SQL),
    ]
