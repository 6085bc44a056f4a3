"""The alert webhook against a real HTTP server on loopback: a hook that fails for a while gets the
alert once it is back (retries with backoff, each failure logged), a hook that refuses it is not
asked again, one that never answers is given up after the last attempt."""

from __future__ import annotations

import logging

import pytest

from crowdcount.server.outputs import WEBHOOK_ATTEMPTS, post_json
from helpers import Hook, free_port

ALERT = {"type": "occupancy_alert", "state": "raised", "key": "plaza/stage", "occupancy": 9, "threshold": 8}


@pytest.fixture
def quick() -> tuple[float, float]:
    return (0.01, 0.05)  # the backoff, shortened for the test


def test_a_hook_that_fails_for_a_while_gets_the_alert_once_it_is_back(quick, caplog):
    hook = Hook([503, 502])
    with caplog.at_level(logging.WARNING, "crowdcount.live"):
        assert post_json(hook.url, ALERT, backoff_s=quick)
    assert len(hook.bodies) == 3 and b'"plaza/stage"' in hook.bodies[-1]
    tries = [r.getMessage() for r in caplog.records if "failed (attempt" in r.getMessage()]
    assert len(tries) == 2 and "HTTP 503" in tries[0] and "attempt 1 of 5" in tries[0]
    hook.shutdown()


def test_a_hook_that_refuses_the_alert_is_not_asked_again(quick, caplog):
    hook = Hook([400])
    with caplog.at_level(logging.WARNING, "crowdcount.live"):
        assert not post_json(hook.url, ALERT, backoff_s=quick)
    assert len(hook.bodies) == 1 and "refused the alert: HTTP 400" in caplog.text
    hook.shutdown()


def test_a_hook_that_is_not_there_is_given_up_and_its_password_never_logged(quick, caplog):
    url = f"http://ops:s3cret@127.0.0.1:{free_port()}/hook"
    with caplog.at_level(logging.WARNING, "crowdcount.live"):
        assert not post_json(url, ALERT, backoff_s=quick)
    assert f"not delivered after {WEBHOOK_ATTEMPTS} attempts" in caplog.text and "s3cret" not in caplog.text
