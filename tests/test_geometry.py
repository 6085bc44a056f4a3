"""Geometry primitives the counters rely on."""

from __future__ import annotations

import numpy as np

from crowdcount.geometry import (
    anchor_points,
    crossing_sign,
    distance_to_polyline,
    in_normals,
    point_in_polygon,
    polygon_self_intersects,
)

P = np.array


def test_anchor_points():
    boxes = P([[10.0, 20.0, 30.0, 60.0]])
    assert anchor_points(boxes).tolist() == [[20.0, 60.0]]
    assert anchor_points(boxes, "center").tolist() == [[20.0, 40.0]]
    assert anchor_points(boxes, "top_center").tolist() == [[20.0, 20.0]]


def test_crossing_sign_follows_in_direction_for_either_point_order():
    for vertices in (P([[0.0, 0.0], [0.0, 10.0]]), P([[0.0, 10.0], [0.0, 0.0]])):
        normals = in_normals(vertices, P([1.0, 0.0]))
        assert crossing_sign(P([-1.0, 5.0]), P([1.0, 5.0]), vertices, normals) == 1
        assert crossing_sign(P([1.0, 5.0]), P([-1.0, 5.0]), vertices, normals) == -1
        assert crossing_sign(P([-1.0, 15.0]), P([1.0, 15.0]), vertices, normals) == 0


def test_point_on_the_line_is_on_the_in_side():
    vertices = P([[0.0, 0.0], [0.0, 10.0]])
    normals = in_normals(vertices, P([1.0, 0.0]))
    assert crossing_sign(P([-1.0, 5.0]), P([0.0, 5.0]), vertices, normals) == 1
    assert crossing_sign(P([0.0, 5.0]), P([1.0, 5.0]), vertices, normals) == 0


def test_point_in_polygon_and_distance():
    square = P([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    assert point_in_polygon(P([5.0, 5.0]), square)
    assert not point_in_polygon(P([15.0, 5.0]), square)
    assert distance_to_polyline(P([5.0, 3.0]), square, closed=True) == 3.0
    assert distance_to_polyline(P([5.0, 3.0]), square[:2]) == 3.0


def test_bow_tie_self_intersects_and_square_does_not():
    assert polygon_self_intersects(P([[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]]))
    assert not polygon_self_intersects(P([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]))
