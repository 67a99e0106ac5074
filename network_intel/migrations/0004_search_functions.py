"""Search functions: a fast path for folding plain ASCII text, and a note's stored vector as one function.

* ``intel_fold`` (0001) translates some 600 accented letters with ``translate``, which
  scans that list for every character of the text: about a millisecond for a note's
  body. Text without any non-ASCII character has nothing to translate, so it is only
  lowercased now; other text takes the same path as before (``intel_fold_accents``,
  the 0001 definition unchanged), so every result stays exactly what it was.
* ``intel_note_vector`` is the stored search vector of a note: ``services.notes_reindex``
  fills ``search_vector`` with it, and a bulk import can call the same function (the
  benchmark's loader does), so both store the same vector. LANGUAGE sql and IMMUTABLE:
  the planner inlines it.
* ``intel_word_similarity`` compares typed trigrams with each word of a company's name:
  "Strk" is far from the whole "Stark Industries" (key ``starkindustries``) but close to
  its word "Stark", so a typo in one word of a longer name still finds the company.
"""

from django.db import migrations

FUNCTIONS_SQL = r"""
DO $do$ BEGIN
  EXECUTE format('CREATE OR REPLACE FUNCTION intel_fold_accents(value text) RETURNS text '
                 'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L',
                 (SELECT prosrc FROM pg_proc WHERE oid = 'public.intel_fold(text)'::regprocedure));
END $do$;

CREATE OR REPLACE FUNCTION intel_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN value !~ '[^\x01-\x7F]' THEN lower(value) ELSE public.intel_fold_accents(value) END
$fn$;

CREATE OR REPLACE FUNCTION intel_note_vector(config regconfig, title text, tags text, companies text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT setweight(to_tsvector(config, public.intel_fold(coalesce(title, ''))), 'A')
      || setweight(to_tsvector(config, public.intel_fold(coalesce(tags, '') || ' ' || coalesce(companies, ''))), 'B')
      || setweight(to_tsvector(config, public.intel_fold(coalesce(body, ''))), 'C')
$fn$;

CREATE OR REPLACE FUNCTION intel_word_similarity(name text, typed text[]) RETURNS real
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(max(public.intel_similarity(public.intel_trigrams(word), typed)), 0)::real
  FROM regexp_split_to_table(public.intel_fold(name), '[^[:alnum:]]+') AS word
  WHERE word <> ''
$fn$;
"""

REVERSE_SQL = r"""
DROP FUNCTION IF EXISTS intel_word_similarity(text, text[]);
DROP FUNCTION IF EXISTS intel_note_vector(regconfig, text, text, text, text);
DO $do$ BEGIN
  EXECUTE format('CREATE OR REPLACE FUNCTION intel_fold(value text) RETURNS text '
                 'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L',
                 (SELECT prosrc FROM pg_proc WHERE oid = 'public.intel_fold_accents(text)'::regprocedure));
END $do$;
DROP FUNCTION IF EXISTS intel_fold_accents(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("network_intel", "0003_networking_fund"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS_SQL, REVERSE_SQL),
    ]
