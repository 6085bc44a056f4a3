"""Ground truth: MOT tracks, counts from them, comparisons and tracker metrics."""
