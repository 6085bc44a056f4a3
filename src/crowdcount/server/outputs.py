"""Where live counts go besides the API: an MQTT broker (counts, occupancy, camera health, alerts)
and a webhook (alerts), each fed by the monitor after every refresh and never able to stop it.

MQTT topics, under the config's ``mqtt.topic`` (default ``crowdcount``):

- ``{topic}/status``: ``online``, retained; the broker sends ``offline`` when the connection is lost
- ``{topic}/{camera}/{counter}``: the counter's JSON row, as ``/api/counters`` gives it, retained
- ``{topic}/{camera}/{counter}/occupancy``: a zone's people inside now, a plain number, retained
- ``{topic}/{camera}/health``: the camera's state, fps, lag and reconnects (JSON), retained
- ``{topic}/alerts``: each occupancy alert raised or cleared (JSON, as the webhook's), not retained
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from crowdcount.config import SiteConfig
from crowdcount.urls import redact_url

log = logging.getLogger("crowdcount.live")

HEALTH_FIELDS = ("state", "fps", "lag_s", "frames", "dropped", "reconnects", "last_frame", "gaps")
WEBHOOK_ATTEMPTS = 5  # then the alert is logged as not delivered
WEBHOOK_BACKOFF_S = (0.5, 8.0)  # first wait, longest wait (doubling)


class Output(Protocol):
    def snapshot(self, snapshot: dict[str, Any]) -> None: ...

    def alert(self, body: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class ServerError(OSError):
    """A 5xx answer: worth another try (a 4xx is not)."""


def _retried(error: BaseException) -> bool:
    """Connection failures and 5xx answers are tried again; a 4xx (the hook refuses it) is not."""
    return isinstance(error, OSError) and not isinstance(error, urllib.error.HTTPError)


def post_json(
    url: str, body: dict[str, Any], timeout_s: float = 5.0, backoff_s: tuple = WEBHOOK_BACKOFF_S
) -> bool:
    """POST ``body`` as JSON, retrying connection failures and 5xx answers with exponential backoff;
    each failure is logged (URL redacted), never raised. Whether it was delivered."""
    data = json.dumps(body).encode()

    def say_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "webhook %s failed (attempt %d of %d): %s; trying again in %.1f s",
            redact_url(url),
            state.attempt_number,
            WEBHOOK_ATTEMPTS,
            _why(error),
            wait,
        )

    retrying = Retrying(
        stop=stop_after_attempt(WEBHOOK_ATTEMPTS),
        retry=retry_if_exception(_retried),
        before_sleep=say_retry,
        wait=wait_exponential(multiplier=backoff_s[0], max=backoff_s[1]),
    )
    try:
        for attempt in retrying:
            with attempt:
                _post(url, data, timeout_s)
        return True
    except RetryError as error:
        log.error(
            "webhook %s: alert not delivered after %d attempts (%s)",
            redact_url(url),
            WEBHOOK_ATTEMPTS,
            _why(error.last_attempt.exception()),
        )
    except urllib.error.HTTPError as error:
        log.error("webhook %s refused the alert: HTTP %d", redact_url(url), error.code)
    return False


def _post(url: str, data: bytes, timeout_s: float) -> None:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):
            return
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise ServerError(f"HTTP {error.code}") from None
        raise


def _why(error: BaseException | None) -> str:
    return str(error) if isinstance(error, ServerError) else error.__class__.__name__ if error else "?"


class Webhook:
    """Alerts POSTed to a URL, each on its own thread (retries never hold up the monitor)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def snapshot(self, snapshot: dict[str, Any]) -> None:
        pass

    def alert(self, body: dict[str, Any]) -> None:
        threading.Thread(target=post_json, args=(self.url, body), daemon=True).start()

    def close(self) -> None:
        pass


class MqttPublisher:
    """Live state to an MQTT broker (see the module's topics); connects in the background and comes
    back by itself after the broker goes away. Retained topics are sent only when they change."""

    def __init__(self, url: str, topic: str = "crowdcount", qos: int = 1) -> None:
        import paho.mqtt.client as mqtt

        parts = urlsplit(url)
        self.topic, self.qos, self.shown = topic.rstrip("/"), qos, redact_url(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"crowdcount-{topic}")
        if parts.username:
            self.client.username_pw_set(unquote(parts.username), unquote(parts.password or "") or None)
        if parts.scheme == "mqtts":
            self.client.tls_set()
        self.client.will_set(f"{self.topic}/status", "offline", qos=qos, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self._sent: dict[str, str] = {}
        self._lock = threading.Lock()
        default_port = 8883 if parts.scheme == "mqtts" else 1883
        self.client.connect_async(parts.hostname or "localhost", parts.port or default_port, keepalive=30)
        self.client.loop_start()

    def _connected(self, client: Any, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s refused the connection: %s", self.shown, reason)
            return
        log.info("MQTT: publishing to %s under %s/", self.shown, self.topic)
        client.publish(f"{self.topic}/status", "online", qos=self.qos, retain=True)
        with self._lock:  # a broker that restarted without persistence has lost the retained state
            sent, self._sent = dict(self._sent), {}
        for topic, payload in sent.items():
            self._retain(topic, payload)

    def _disconnected(self, _client: Any, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s lost (%s); reconnecting", self.shown, reason)

    def _retain(self, topic: str, payload: str) -> None:
        with self._lock:
            if self._sent.get(topic) == payload:
                return
            self._sent[topic] = payload
        self.client.publish(topic, payload, qos=self.qos, retain=True)

    def snapshot(self, snapshot: dict[str, Any]) -> None:
        for row in snapshot.get("counters", []):
            base = f"{self.topic}/{row['camera']}/{row['counter']}"
            self._retain(
                base, json.dumps({k: v for k, v in row.items() if k != "last_event"}, ensure_ascii=False)
            )
            if row.get("type") == "zone":
                self._retain(f"{base}/occupancy", str(row.get("occupancy") or 0))
        for camera in snapshot.get("cameras", []):
            health = {key: camera.get(key) for key in HEALTH_FIELDS}
            self._retain(f"{self.topic}/{camera['camera']}/health", json.dumps(health, ensure_ascii=False))

    def alert(self, body: dict[str, Any]) -> None:
        self.client.publish(f"{self.topic}/alerts", json.dumps(body, ensure_ascii=False), qos=self.qos)

    def close(self) -> None:
        if self.client.is_connected():
            self.client.publish(
                f"{self.topic}/status", "offline", qos=self.qos, retain=True
            ).wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()


def outputs_for(site: SiteConfig | None) -> list[Output]:
    """The outputs a site's config asks for: its ``mqtt`` broker, its ``alerts.webhook``."""
    if site is None:
        return []
    found: list[Output] = []
    if site.mqtt is not None:
        found.append(MqttPublisher(site.mqtt.url, site.mqtt.topic, site.mqtt.qos))
    if site.alerts.webhook:
        found.append(Webhook(site.alerts.webhook))
    return found
