"""Stream URLs: which sources are live, and credentials never shown."""

from __future__ import annotations

import pytest

from crowdcount.sources.streams import is_stream
from crowdcount.urls import redact_url


@pytest.mark.parametrize(
    ("source", "live"),
    [
        ("rtsp://10.0.0.5/ch1", True),
        ("http://cam/stream.mjpg", True),
        ("HTTPS://cam/live.m3u8", True),
        ("0", True),
        ("/data/gate.mp4", False),
        ("recordings/*.mp4", False),
        ("C:/video.mp4", False),
    ],
)
def test_stream_sources_are_urls_or_webcam_indexes(source, live):
    assert is_stream(source) is live


def test_credentials_and_secret_query_values_are_redacted():
    shown = redact_url("rtsp://admin:s3cret@10.0.0.5:554/ch1?channel=2&token=abc&PASSWORD=x")
    assert shown == "rtsp://***@10.0.0.5:554/ch1?channel=2&token=***&PASSWORD=***"
    assert "s3cret" not in shown and "admin" not in shown and "abc" not in shown
    assert redact_url("http://cam/stream.mjpg") == "http://cam/stream.mjpg"
    assert redact_url("0") == "0"
