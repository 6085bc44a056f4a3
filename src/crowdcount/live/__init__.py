"""Live counting: stream sources, camera processes, the API and dashboard."""
