"""The HTTP servers: the API and dashboard, alerts and outputs, the editor's and the audit's routes."""
