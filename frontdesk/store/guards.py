"""The database's own refusal of UPDATE and DELETE on append-only tables (R2.1), per dialect.

Migrations call this with the tables they create; keep its output stable: a migration that
ran once must produce the same triggers when it runs again on a new database."""

from __future__ import annotations


def append_only_triggers(dialect: str, table: str) -> list[str]:
    msg = f"{table} is append-only (R2.1): amend with a new entry"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{msg}'; END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ]
