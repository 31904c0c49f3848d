"""PostgreSQL only: what the workspace search needs from the database (nothing on SQLite).

- The text search configuration ``bi_search``: ``simple`` (no stemming, no stop words: names
  and texts in French, Dutch and English alike) with ``unaccent`` first, so that "gerard" finds
  "Gérard" as SQLite's FTS5 ``unicode61`` tokenizer does.
  ``WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]`` names it. The ``unaccent`` extension
  is "trusted" since PostgreSQL 13: the database owner may create it.
- A GIN index on ``title || body`` of Wagtail's search index table: Wagtail's PostgreSQL
  backend matches that expression, which its own GIN indexes (on each column) cannot serve;
  without it every search reads every index entry of the model (bench/search.py).
"""

from django.db import migrations

CONFIG = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'bi_search') THEN
        CREATE TEXT SEARCH CONFIGURATION bi_search (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION bi_search
            ALTER MAPPING FOR hword, hword_part, word, numhword, hword_numpart, numword WITH unaccent, simple;
    END IF;
END
$$;
"""
INDEX_NAME = "bi_search_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    schema_editor.execute(CONFIG)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON {table} USING GIN ((title || body))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bi_search")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_notifications"), ("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop)]
