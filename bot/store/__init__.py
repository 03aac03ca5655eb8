"""The assistant's own data, on SQLAlchemy: SQLite by default, PostgreSQL in production."""
