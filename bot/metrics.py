"""The gateway's counters, served as Prometheus text at `GET /metrics`.

Why it looks like this:
- A handful of counters and one histogram need no client library: the text format is a few
  lines per series, and keeping it here keeps the dependency list short.
- Counters live in the process. Each gateway replica is scraped on its own, as Prometheus
  expects; nothing here is shared or stored.
- Labels are channel names and fixed reasons chosen by the code, never text from officials.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Upper bounds (seconds) of the Rasa latency histogram's buckets.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)

Labels = tuple[tuple[str, str], ...]


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    count: int = 0


class Metrics:
    """Messages in and out per channel, updates dropped, Rasa errors and Rasa latency."""

    def __init__(self) -> None:
        """Start every counter at zero."""
        self._counters: dict[str, dict[Labels, float]] = defaultdict(lambda: defaultdict(float))
        self._latency: dict[Labels, _Histogram] = defaultdict(_Histogram)

    def message_in(self, channel: str) -> None:
        """An official's message (or button press) arrived on `channel`."""
        self._add("messages_in", (("channel", channel),))

    def message_out(self, channel: str, count: int = 1) -> None:
        """`count` messages went out to officials on `channel`."""
        self._add("messages_out", (("channel", channel),), count)

    def update_dropped(self, channel: str, reason: str) -> None:
        """An update was not processed: a duplicate, a wrong secret, a body that is no update."""
        self._add("updates_dropped", (("channel", channel), ("reason", reason)))

    def rasa_error(self, channel: str, reason: str) -> None:
        """Rasa did not answer usefully (`timeout`, `connection`, `status`, `invalid`)."""
        self._add("rasa_errors", (("channel", channel), ("reason", reason)))

    def rasa_latency(self, channel: str, seconds: float) -> None:
        """A call to the Rasa server took `seconds`, answered or not."""
        histogram = self._latency[(("channel", channel),)]
        for index, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                histogram.buckets[index] += 1
        histogram.total += seconds
        histogram.count += 1

    def value(self, name: str, **labels: str) -> float:
        """The current value of counter `name` with exactly these labels (0 when never counted)."""
        return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        """Everything, in the Prometheus text exposition format."""
        lines: list[str] = []
        for name, help_text in _COUNTERS.items():
            full = f"helpdesk_gateway_{name}_total"
            lines += [f"# HELP {full} {help_text}", f"# TYPE {full} counter"]
            for labels, amount in sorted(self._counters.get(name, {}).items()):
                lines.append(f"{full}{_labels(labels)} {_number(amount)}")
        full = "helpdesk_gateway_rasa_latency_seconds"
        lines += [
            f"# HELP {full} How long the Rasa server took to answer a message.",
            f"# TYPE {full} histogram",
        ]
        for labels, histogram in sorted(self._latency.items()):
            for bound, amount in zip(LATENCY_BUCKETS, histogram.buckets, strict=True):
                le = (*labels, ("le", _number(bound)))
                lines.append(f"{full}_bucket{_labels(le)} {amount}")
            lines.append(f"{full}_bucket{_labels((*labels, ('le', '+Inf')))} {histogram.count}")
            lines.append(f"{full}_sum{_labels(labels)} {_number(histogram.total)}")
            lines.append(f"{full}_count{_labels(labels)} {histogram.count}")
        return "\n".join(lines) + "\n"

    def _add(self, name: str, labels: Labels, amount: float = 1) -> None:
        self._counters[name][tuple(sorted(labels))] += amount


_COUNTERS = {
    "messages_in": "Messages and button presses received from officials, by channel.",
    "messages_out": "Messages sent to officials, by channel.",
    "updates_dropped": "Updates not processed (duplicate, forbidden, invalid), by channel.",
    "rasa_errors": "Calls to the Rasa server that failed, by channel and reason.",
}


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{_escape(value)}"' for key, value in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
