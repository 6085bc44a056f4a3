"""Placing lines and zones: the editor, `crowdcount check`'s findings and the drawings of both."""
