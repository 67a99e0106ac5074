"""Search marks: the organization and the linked companies of a note in its stored vector.

A note's stored vector gains one lexeme for its organization (``organization 12``) and
one per company it is about (``company 345``). The text parser never makes a lexeme with
a space, so no typed word can match a mark, and ranks (``ts_rank_cd``, no length
normalization) and snippets, computed from the words, are unchanged.

* ``intel_search_query(config, words, organization_id, company_ids)`` is the query of a
  search: the words (as before: ``websearch_to_tsquery`` of the folded text), OR the
  marks of the companies the words resemble (a company typo), AND the organization's
  mark. One GIN scan then finds exactly the organization's matches: no bitmap of all the
  organization's notes next to it (200,000 rows in a big organization), and no probe of
  the primary key per note of a company. An empty query (only stop words, no company)
  stays empty and matches nothing, as before.
* ``intel_note_vector(config, organization_id, company_ids, title, tags, companies, body)``
  is the stored vector: the words (the 0004 function) and the marks.
* Existing vectors get their marks here; ``services.notes_reindex`` keeps them.
"""

from django.db import migrations

FUNCTIONS_SQL = r"""
CREATE OR REPLACE FUNCTION intel_search_marks(organization_id bigint, company_ids bigint[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT array_to_tsvector(array_prepend('organization ' || organization_id,
           ARRAY(SELECT 'company ' || c FROM unnest(company_ids) AS c WHERE c IS NOT NULL)))
$fn$;

CREATE OR REPLACE FUNCTION intel_note_vector(config regconfig, organization_id bigint, company_ids bigint[],
                                             title text, tags text, companies text, body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT public.intel_note_vector(config, title, tags, companies, body)
      || public.intel_search_marks(organization_id, company_ids)
$fn$;

CREATE OR REPLACE FUNCTION intel_search_query(config regconfig, words text, organization_id bigint,
                                              company_ids bigint[]) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  found tsquery := websearch_to_tsquery(config, public.intel_fold(coalesce(words, '')));
  company bigint;
BEGIN
  FOREACH company IN ARRAY coalesce(company_ids, '{}') LOOP
    found := found || quote_literal('company ' || company)::tsquery;
  END LOOP;
  IF numnode(found) = 0 THEN
    RETURN found;
  END IF;
  RETURN found && quote_literal('organization ' || organization_id)::tsquery;
END $fn$;

SET LOCAL alliance.cross_tenant = 'on';
UPDATE network_intel_intelnote n
SET search_vector = n.search_vector || intel_search_marks(n.organization_id, ARRAY(
      SELECT l.company_id FROM network_intel_intelnotecompany l
      WHERE l.organization_id = n.organization_id AND l.note_id = n.id))
WHERE n.search_vector IS NOT NULL;
"""

REVERSE_SQL = r"""
SET LOCAL alliance.cross_tenant = 'on';
UPDATE network_intel_intelnote n
SET search_vector = ts_delete(n.search_vector, ARRAY(
      SELECT lexeme FROM unnest(n.search_vector) WHERE lexeme LIKE 'organization %' OR lexeme LIKE 'company %'))
WHERE n.search_vector IS NOT NULL;
DROP FUNCTION IF EXISTS intel_search_query(regconfig, text, bigint, bigint[]);
DROP FUNCTION IF EXISTS intel_note_vector(regconfig, bigint, bigint[], text, text, text, text);
DROP FUNCTION IF EXISTS intel_search_marks(bigint, bigint[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("network_intel", "0004_search_functions"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS_SQL, REVERSE_SQL),
    ]
