"""The gateway's counters, served as Prometheus text at `GET /metrics`.

Why it looks like this:
- `prometheus_client` writes the exposition format (escaping, histogram buckets, `+Inf`), so
  the format is the library's to get right, not ours.
- Each `Metrics` has its own `CollectorRegistry`, never the library's global one: two gateways
  in one process (and every test) count apart, and nothing is registered twice.
- Counters live in the process. Each gateway replica is scraped on its own, as Prometheus
  expects; nothing here is shared or stored.
- Labels are channel names and fixed reasons chosen by the code, never text from officials.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

# `generate_latest` writes the 0.0.4 text format; this is its content type.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

PREFIX = "helpdesk_gateway_"

# Upper bounds (seconds) of the Rasa latency histogram's buckets.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


class Metrics:
    """Messages in and out per channel, updates dropped, Rasa errors and Rasa latency."""

    def __init__(self) -> None:
        """Start every counter at zero, in a registry of this instance's own."""
        self.registry = CollectorRegistry()
        self._messages_in = self._counter(
            "messages_in", "Messages and button presses received from officials, by channel."
        )
        self._messages_out = self._counter(
            "messages_out", "Messages sent to officials, by channel."
        )
        self._updates_dropped = self._counter(
            "updates_dropped",
            "Updates not processed (duplicate, forbidden, invalid), by channel.",
            "reason",
        )
        self._rasa_errors = self._counter(
            "rasa_errors", "Calls to the Rasa server that failed, by channel and reason.", "reason"
        )
        self._latency = Histogram(
            f"{PREFIX}rasa_latency_seconds",
            "How long the Rasa server took to answer a message.",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def message_in(self, channel: str) -> None:
        """An official's message (or button press) arrived on `channel`."""
        self._messages_in.labels(channel=channel).inc()

    def message_out(self, channel: str, count: int = 1) -> None:
        """`count` messages went out to officials on `channel`."""
        self._messages_out.labels(channel=channel).inc(count)

    def update_dropped(self, channel: str, reason: str) -> None:
        """An update was not processed: a duplicate, a wrong secret, a body that is no update."""
        self._updates_dropped.labels(channel=channel, reason=reason).inc()

    def rasa_error(self, channel: str, reason: str) -> None:
        """Rasa did not answer usefully (`timeout`, `connection`, `status`, `invalid`)."""
        self._rasa_errors.labels(channel=channel, reason=reason).inc()

    def rasa_latency(self, channel: str, seconds: float) -> None:
        """A call to the Rasa server took `seconds`, answered or not."""
        self._latency.labels(channel=channel).observe(seconds)

    def value(self, name: str, **labels: str) -> float:
        """The current value of counter `name` with exactly these labels (0 when never counted)."""
        found = self.registry.get_sample_value(f"{PREFIX}{name}_total", labels)
        return 0.0 if found is None else found

    def render(self) -> str:
        """Everything, in the Prometheus text exposition format."""
        return generate_latest(self.registry).decode("utf-8")

    def _counter(self, name: str, help_text: str, *labels: str) -> Counter:
        # The library adds `_total` to a counter's samples.
        return Counter(f"{PREFIX}{name}", help_text, ["channel", *labels], registry=self.registry)
