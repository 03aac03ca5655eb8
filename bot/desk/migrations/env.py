"""Alembic environment: migrations run on the URL given by `bot.desk.database.migrate`."""

from alembic import context
from sqlalchemy import create_engine

from bot.desk.database import VERSION_TABLE
from bot.desk.schema import metadata

url = context.config.get_main_option("sqlalchemy.url")
engine = create_engine(url, future=True)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
