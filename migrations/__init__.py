"""Alembic migrations: the only way newsdesk's schema changes (run with `newsdesk migrate`)."""
