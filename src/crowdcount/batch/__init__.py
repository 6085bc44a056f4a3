"""Counting recorded footage: the per-file task, the whole-site run, worker processes and Ray."""
