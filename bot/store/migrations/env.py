"""Alembic environment: migrations run on the URL given by `bot.store.database.migrate`."""

from alembic import context
from sqlalchemy import create_engine

from bot.store.schema import metadata

url = context.config.get_main_option("sqlalchemy.url")
engine = create_engine(url, future=True)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
