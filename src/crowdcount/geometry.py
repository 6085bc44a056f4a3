"""Plane geometry for lines and zones: pure numpy, no state."""

from __future__ import annotations

from typing import Literal

import numpy as np
import shapely

Anchor = Literal["bottom_center", "center", "top_center"]


def anchor_points(xyxy: np.ndarray, anchor: Anchor = "bottom_center") -> np.ndarray:
    """Return the (N, 2) points of boxes that stand for where a person is.

    >>> anchor_points(np.array([[0.0, 0.0, 10.0, 20.0]])).tolist()
    [[5.0, 20.0]]
    """
    x = (xyxy[:, 0] + xyxy[:, 2]) / 2
    if anchor == "bottom_center":
        y = xyxy[:, 3]
    elif anchor == "top_center":
        y = xyxy[:, 1]
    else:
        y = (xyxy[:, 1] + xyxy[:, 3]) / 2
    return np.stack([x, y], axis=1).astype(float)


def polygon_self_intersects(polygon: np.ndarray) -> bool:
    """Whether any two non-adjacent edges of a closed polygon touch (shapely: O(n log n)).

    >>> bool(polygon_self_intersects(np.array([[0.0, 0], [10, 10], [10, 0], [0, 10]])))  # a bow tie
    True
    """
    return not shapely.LinearRing(polygon).is_simple


def polygon_area(polygon: np.ndarray) -> float:
    """Unsigned shoelace area."""
    x, y = polygon[:, 0], polygon[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def point_in_polygon(point: np.ndarray, polygon: np.ndarray) -> bool:
    """Even-odd ray casting; points exactly on an edge may fall either way."""
    x, y = float(point[0]), float(point[1])
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_at_y = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_at_y:
                inside = not inside
    return inside


def distance_to_polyline(point: np.ndarray, vertices: np.ndarray, closed: bool = False) -> float:
    """Shortest distance from a point to a polyline (or a polygon's boundary)."""
    starts = vertices if closed else vertices[:-1]
    ends = np.roll(vertices, -1, axis=0) if closed else vertices[1:]
    seg = ends - starts
    length_sq = np.maximum((seg**2).sum(axis=1), 1e-12)
    t = np.clip(((point - starts) * seg).sum(axis=1) / length_sq, 0.0, 1.0)
    nearest = starts + t[:, None] * seg
    return float(np.sqrt(((nearest - point) ** 2).sum(axis=1)).min())


def in_normals(vertices: np.ndarray, in_direction: np.ndarray) -> np.ndarray:
    """Unit normal of each polyline segment, turned to agree with ``in_direction``.

    A segment whose normal is perpendicular to ``in_direction`` gets a zero row
    (the caller rejects such lines as degenerate).
    """
    seg = vertices[1:] - vertices[:-1]
    normals = np.stack([-seg[:, 1], seg[:, 0]], axis=1)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    agreement = normals @ in_direction
    sign = np.sign(agreement)
    return normals * sign[:, None]


def crossing_sign(start: np.ndarray, end: np.ndarray, vertices: np.ndarray, normals: np.ndarray) -> int:
    """Net crossing of the path start->end over a polyline: +1 in, -1 out, 0 none.

    A point exactly on a segment counts as on its "in" side, so a path that
    touches the line and goes back makes no crossing. Each segment is half-open
    at its far end (the last one closed) so a path through a joint counts once.
    """
    total = 0
    last = len(vertices) - 2
    for i in range(len(vertices) - 1):
        a, b, normal = vertices[i], vertices[i + 1], normals[i]
        side_start = float((start - a) @ normal)
        side_end = float((end - a) @ normal)
        if (side_start >= 0) == (side_end >= 0):
            continue
        fraction = side_start / (side_start - side_end)
        hit = start + fraction * (end - start)
        along = float((hit - a) @ (b - a)) / float((b - a) @ (b - a))
        if 0.0 <= along < 1.0 or (i == last and along == 1.0):
            total += 1 if side_end >= 0 else -1
    return int(np.sign(total))
