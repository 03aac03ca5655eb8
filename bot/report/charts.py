"""Bar charts as inline SVG, so the report is one file that needs no script to draw them.

Each chart carries a title and a description for screen readers, each bar a tooltip with its
figure, and the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_BAR = "#2b6cb0"
_TEXT = "#1a202c"
_AXIS = "#a0aec0"


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def columns(chart_id: str, title: str, bars: Sequence[tuple[str, int]], every: int = 1) -> str:
    """Vertical bars, one per (label, value), labelled every `every` bars (dates get crowded)."""
    gap, bar, top, bottom, left = 4, 18, 24, 36, 36
    width = left + len(bars) * (bar + gap) + gap
    height = top + 160 + bottom
    highest = max((value for _, value in bars), default=0) or 1
    description = "; ".join(f"{label}: {value}" for label, value in bars)
    parts = [_open(chart_id, max(width, 120), height, title, description)]
    base = top + 160
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="{_AXIS}"/>'
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11" '
        f'fill="{_TEXT}">{highest}</text>'
        f'<text x="{left - 4}" y="{base}" text-anchor="end" font-size="11" fill="{_TEXT}">0</text>'
    )
    for index, (label, value) in enumerate(bars):
        x = left + gap + index * (bar + gap)
        size = round(160 * value / highest)
        parts.append(
            f'<rect x="{x}" y="{base - size}" width="{bar}" height="{size}" fill="{_BAR}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2}" y="{base + 14}" text-anchor="middle" font-size="10" '
                f'fill="{_TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def rows(chart_id: str, title: str, bars: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one per (label, value), the label on the left and the figure after."""
    label_width, bar_room, line = 300, 300, 26
    width = label_width + bar_room + 60
    height = max(line * len(bars) + 8, line)
    highest = max((value for _, value in bars), default=0) or 1
    description = "; ".join(f"{label}: {value}" for label, value in bars)
    parts = [_open(chart_id, width, height, title, description)]
    for index, (label, value) in enumerate(bars):
        y = 4 + index * line
        size = round(bar_room * value / highest)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
            f'fill="{_TEXT}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{size}" height="18" fill="{_BAR}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_width + size + 6}" y="{y + 16}" font-size="12" '
            f'fill="{_TEXT}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
