"""Live counting: one process per camera, restarts, the preview frames for the dashboard."""
