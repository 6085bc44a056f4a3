"""The counting core: tracker, stitcher, line and zone counters, pacing; pure, no video or database."""
