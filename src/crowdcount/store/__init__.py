"""The event store (SQLite or PostgreSQL) and the side files of counts it refused."""
