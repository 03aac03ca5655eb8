"""The gateway's and the notifier's counters, served as Prometheus text (`GET /metrics`).

Why it looks like this:
- `prometheus_client` writes the exposition format (escaping, histogram buckets, `+Inf`), so
  the format is the library's to get right, not ours.
- Each `Metrics` has its own `CollectorRegistry`, never the library's global one: two gateways
  in one process (and every test) count apart, and nothing is registered twice.
- Counters live in the process. Each gateway replica is scraped on its own, as Prometheus
  expects; nothing here is shared or stored.
- Labels are channel names and fixed reasons chosen by the code, never text from officials.
- The notifier has its own registry and prefix (`NotifierMetrics`), served on its own port when
  HELPDESK_NOTIFIER_METRICS_PORT is set: it sends notices and refreshes Zalo tokens too, and
  what goes wrong there (a notice set aside, a refresh token spent) needs an operator as much.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

# `generate_latest` writes the 0.0.4 text format; this is its content type.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

PREFIX = "helpdesk_gateway_"
NOTIFIER_PREFIX = "helpdesk_notifier_"
REFRESH_FAILURES_HELP = (
    "Zalo token refreshes that failed, by reason (refused, lost, abandoned, unsaved): "
    "past a few, the stored refresh token may be spent and need replacing by hand."
)

ACCOUNT_HELP = (
    "Sends a channel refused for the operator's account (quota, package, billing), by channel "
    "and the channel's code: the notices are kept, but nothing goes out until it is fixed."
)
HELD_HELP = "Notices that could not reach their official now, by channel and state."

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
        self._refresh_failures = Counter(
            f"{PREFIX}zalo_token_refresh_failures",
            REFRESH_FAILURES_HELP,
            ["reason"],
            registry=self.registry,
        )
        self._account = self._counter("account_problems", ACCOUNT_HELP, "code")
        self._held = self._counter("notices_held", HELD_HELP, "state")

    def account_problem(self, channel: str, code: str) -> None:
        """`channel` refused the operator's account with `code` (see `ACCOUNT_HELP`)."""
        self._account.labels(channel=channel, code=code).inc()

    def notice_held(self, channel: str, state: str) -> None:
        """A notice could not reach its official on `channel` now (`waiting`, `unreachable`)."""
        self._held.labels(channel=channel, state=state).inc()

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
        """Rasa did not answer usefully (`timeout`, `connection`, `status`, `invalid`), or a
        replica was unreachable and the turn `moved` to the next one."""
        self._rasa_errors.labels(channel=channel, reason=reason).inc()

    def rasa_latency(self, channel: str, seconds: float) -> None:
        """A call to the Rasa server took `seconds`, answered or not."""
        self._latency.labels(channel=channel).observe(seconds)

    def zalo_token_refresh_failure(self, reason: str) -> None:
        """A refresh of Zalo's token pair failed (see `bot.channels.zalo.refresh`)."""
        self._refresh_failures.labels(reason=reason).inc()

    def value(self, name: str, **labels: str) -> float:
        """The current value of counter `name` with exactly these labels (0 when never counted)."""
        return _value(self.registry, f"{PREFIX}{name}_total", labels)

    def render(self) -> str:
        """Everything, in the Prometheus text exposition format."""
        return generate_latest(self.registry).decode("utf-8")

    def _counter(self, name: str, help_text: str, *labels: str) -> Counter:
        # The library adds `_total` to a counter's samples.
        return Counter(f"{PREFIX}{name}", help_text, ["channel", *labels], registry=self.registry)


class NotifierMetrics:
    """The notifier's notices by outcome and channel, its lease, and Zalo refresh failures."""

    def __init__(self) -> None:
        """Start every counter at zero, in a registry of this instance's own."""
        self.registry = CollectorRegistry()
        self._sent = self._counter("notices_sent", "Notices delivered to officials or staff.")
        self._failed = self._counter(
            "notice_failures", "Attempts to send a notice that failed and will be tried again."
        )
        self._set_aside = self._counter(
            "notices_set_aside",
            "Notices given up after too many attempts (listed by `helpdesk notifier --set-aside`).",
        )
        self._refresh_failures = Counter(
            f"{NOTIFIER_PREFIX}zalo_token_refresh_failures",
            REFRESH_FAILURES_HELP,
            ["reason"],
            registry=self.registry,
        )
        self._account = Counter(
            f"{NOTIFIER_PREFIX}account_problems",
            ACCOUNT_HELP,
            ["channel", "code"],
            registry=self.registry,
        )
        self._held = Counter(
            f"{NOTIFIER_PREFIX}notices_held",
            HELD_HELP,
            ["channel", "state"],
            registry=self.registry,
        )
        self._lease = Gauge(
            f"{NOTIFIER_PREFIX}lease_held",
            "1 while this notifier holds the sending lease; another instance waits at 0.",
            registry=self.registry,
        )

    def notice_sent(self, channel: str) -> None:
        """A notice went out on `channel`."""
        self._sent.labels(channel=channel).inc()

    def notice_failed(self, channel: str) -> None:
        """A notice on `channel` failed; it is tried again later."""
        self._failed.labels(channel=channel).inc()

    def notice_set_aside(self, channel: str) -> None:
        """A notice on `channel` failed too often and is no longer tried."""
        self._set_aside.labels(channel=channel).inc()

    def zalo_token_refresh_failure(self, reason: str) -> None:
        """A refresh of Zalo's token pair failed (see `bot.channels.zalo.refresh`)."""
        self._refresh_failures.labels(reason=reason).inc()

    def account_problem(self, channel: str, code: str) -> None:
        """`channel` refused the operator's account with `code` (see `ACCOUNT_HELP`)."""
        self._account.labels(channel=channel, code=code).inc()

    def notice_held(self, channel: str, state: str) -> None:
        """A notice could not reach its official on `channel` now (`waiting`, `unreachable`)."""
        self._held.labels(channel=channel, state=state).inc()

    def lease_held(self, held: bool) -> None:
        """Whether this instance holds the sending lease now."""
        self._lease.set(1 if held else 0)

    def value(self, name: str, **labels: str) -> float:
        """The current value of counter `name` with exactly these labels (0 when never counted)."""
        return _value(self.registry, f"{NOTIFIER_PREFIX}{name}_total", labels)

    def render(self) -> str:
        """Everything, in the Prometheus text exposition format."""
        return generate_latest(self.registry).decode("utf-8")

    def _counter(self, name: str, help_text: str) -> Counter:
        return Counter(f"{NOTIFIER_PREFIX}{name}", help_text, ["channel"], registry=self.registry)


def _value(registry: CollectorRegistry, sample: str, labels: dict[str, str]) -> float:
    found = registry.get_sample_value(sample, labels)
    return 0.0 if found is None else found
