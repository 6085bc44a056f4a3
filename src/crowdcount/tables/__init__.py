"""Pure tables from the stored events: per-interval counts with coverage, the report's lead figures."""
