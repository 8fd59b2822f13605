"""The database's own refusal of UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) on append-only
tables (R2.1), per dialect.

Migrations call `append_only_triggers` with the tables they create; `verify` holds the database's
triggers to the same statements (`expected`), so a trigger dropped, disabled or rewritten shows.
Keep the output stable: a migration that ran once must produce the same triggers when it runs
again on a new database. The TRUNCATE trigger came later (migration 0008 adds it to the tables
made before, replacing it where a newer guards.py already made it)."""

from __future__ import annotations

import re


def _msg(table: str) -> str:
    return f"{table} is append-only (R2.1): amend with a new entry"


def append_only_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{_msg(table)}'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    return [pg_function(table), *pg_row_and_truncate(table)]


def pg_function(table: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{_msg(table)}'; END; $$ LANGUAGE plpgsql")


def pg_row_and_truncate(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        truncate_trigger(table),
    ]


def truncate_trigger(table: str) -> str:
    """PostgreSQL's TRUNCATE fires no row trigger: a statement trigger refuses it."""
    return (f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")


def expected(dialect: str, table: str) -> dict[str, str]:
    """The shipped guards of `table` by name: SQLite's trigger statements; on PostgreSQL the
    function's body (`prosrc`) under the function's name and each trigger as
    `pg_get_triggerdef` prints it (normalised by `canonical`)."""
    if dialect == "sqlite":
        return {s.split()[2]: canonical(s) for s in append_only_triggers(dialect, table)}
    body = f" BEGIN RAISE EXCEPTION '{_msg(table)}'; END; "
    out = {f"{table}_append_only()": canonical(body)}
    out[f"{table}_append_only"] = canonical(
        f"CREATE TRIGGER {table}_append_only BEFORE DELETE OR UPDATE ON public.{table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")
    out[f"{table}_no_truncate"] = canonical(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON public.{table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")
    return out


def canonical(sql: str) -> str:
    """Whitespace and case folded, so only a change of meaning differs."""
    return re.sub(r"\s+", " ", sql).strip().lower()
