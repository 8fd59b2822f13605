"""Alembic environment: runs on the connection the opener hands over (frontdesk.store.db)."""

from alembic import context
from sqlmodel import SQLModel

import frontdesk.store.models

frontdesk.store.models.load_all()  # every table, the ones built on first use too

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` run by hand with sqlalchemy.url set
    from sqlalchemy import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()
