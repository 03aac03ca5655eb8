"""The hostile campaign's checks and its printed tables (words in benchmarks/hostile.yml).

Why it looks like this: each check is a name and the list of what broke it, so the table says
not only that a check failed but which route, request and answer did, as an audit needs.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from benchmarks.hostile import Results
from benchmarks.hostile_fakes import ESCALATE
from bot.messages import LOCAL
from bot.texts import texts

# Growth allowed between before and after the flood, per process, in RSS and in its peak: far
# under one oversized body held whole (300 MB), above what caches and allocator noise add.
MEMORY_LIMIT_MIB = 64
_CONTROL = {chr(n) for n in (*range(0, 9), 11, 12, *range(14, 32), 127)}


def checks(r: Results) -> dict[str, list[str]]:
    """Each check's name and what broke it (empty: passed)."""
    assert r.known is not None
    broken: dict[str, list[str]] = defaultdict(list)
    for route, kind, status, ok in r.outcomes:
        if not status.isdigit() or (int(status) >= 500 and status != "503"):
            broken["answered"].append(f"{route} {kind} {status}")
        elif not ok:
            broken["expected"].append(f"{route} {kind} {status}")
    legit = set(r.legit.texts)
    counts = Counter(m.text for m in r.received)
    broken["legit_once"] = [f"{t!r}×{counts[t]}" for t in r.legit.texts if counts[t] != 1]
    attackers = {sender for sender, _ in r.known.sessions}
    typed = [m for m in r.received if m.text not in legit and m.text != ESCALATE]
    broken["nothing_else"] = [
        f"{m.channel} {m.sender} {m.text[:40]!r}"
        for m in typed
        if m.channel != LOCAL or m.sender not in attackers or m.text.lstrip().startswith("/")
    ]
    pressed = [m for m in r.received if m.text == ESCALATE]
    if len(pressed) != r.legit.escalations or any(m.sender in attackers for m in pressed):
        broken["nothing_else"].append(f"{ESCALATE}×{len(pressed)} ≠ {r.legit.escalations}")
    through = sum(
        1
        for route, kind, status, _ in r.outcomes
        if route == "gateway POST /api/messages" and kind == "injected" and status == "200"
    )
    if through != len(typed):
        broken["typed_count"].append(f"{len(typed)} ≠ {through}")
    opened = r.tickets_opened
    if not r.desk_total == r.legit.escalations == len(opened) == len(set(opened)) or r.queued:
        broken["tickets"].append(f"{r.desk_total}, {r.legit.escalations}, {len(set(opened))}")
    if set(r.desk_kinds) - {"created"} or len(r.desk_kinds) != r.desk_total:
        broken["desk_untouched"].append(str(Counter(r.desk_kinds)))
    if not r.staff_still_signed_in:
        broken["desk_untouched"].append("/desk")
    for name, (rss, hwm, rss_after, hwm_after) in r.memory.items():
        if max(rss_after - rss, hwm_after - hwm) > MEMORY_LIMIT_MIB * 1024:
            broken["memory"].append(name)
    if not (r.alive and r.gone):
        broken["alive"].append(f"{r.alive}/{r.gone}")
    return {
        key: broken.get(key, []) for key in texts("benchmarks", "hostile.yml").section("checks")
    }


def report(r: Results, workers: int) -> bool:
    """Print the tables and the checks; whether every check passed."""
    words = texts("benchmarks", "hostile.yml")
    columns, kinds = words.labels("columns"), words.labels("kinds")
    legit = sum(1 for _, kind, _, _ in r.outcomes if kind == "legit")
    print(
        words.say(
            "title",
            total=len(r.outcomes),
            hostile=len(r.outcomes) - legit,
            legit=legit,
            workers=workers,
            seconds=f"{r.seconds:.1f}",
        )
    )
    for header, by_route in (("routes_header", True), ("kinds_header", False)):
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        wrong: Counter[str] = Counter()
        for route, kind, status, ok in r.outcomes:
            name = route if by_route else kinds.get(kind, kind)
            groups[name][status] += 1
            wrong[name] += not ok
        print(f"\n{words.say(header)}")
        first = columns["route"] if by_route else columns["kind"]
        print(
            f"{first:<52}{columns['count']:>11}  {columns['unexpected']:>13}  {columns['answers']}"
        )
        for name in sorted(groups):
            answers = " ".join(f"{s}×{n}" for s, n in sorted(groups[name].items()))
            total = sum(groups[name].values())
            print(f"{name:<52}{total:>11}  {wrong[name]:>13}  {answers}")
    print(f"\n{words.say('memory_header')}")
    for name, values in r.memory.items():
        rss, hwm, rss_after, hwm_after = (f"{v / 1024:.1f}" for v in values)
        print(
            words.say(
                "memory",
                name=name,
                rss_before=rss,
                rss_after=rss_after,
                hwm_before=hwm,
                hwm_after=hwm_after,
            )
        )
    legit_texts = set(r.legit.texts)
    print(
        words.say(
            "received",
            total=len(r.received),
            legit=sum(1 for m in r.received if m.text in legit_texts),
            distinct=len(legit_texts),
            typed=sum(1 for m in r.received if m.text not in legit_texts and m.text != ESCALATE),
            intents=sum(1 for m in r.received if m.text == ESCALATE),
        )
    )
    print(
        words.say(
            "tickets",
            held=r.desk_total,
            escalations=r.legit.escalations,
            changes=dict(Counter(r.desk_kinds)),
        )
    )
    control = sum(1 for m in r.received if _CONTROL & set(m.text))
    if control:
        print(words.say("control", count=control))
    found = checks(r)
    print(f"\n{words.say('checks_header')}")
    for key, bad in found.items():
        mark = words.say("ok") if not bad else words.say("failed")
        listed = "; ".join(sorted(set(bad))[:6]) if bad else words.say("none")
        print(f"[{mark}] " + words.say(f"checks.{key}", bad=listed, limit=MEMORY_LIMIT_MIB))
    # One example of each kind of unexpected answer, with the request that got it.
    examples = {(shot.route, shot.kind, status): shot for shot, status in r.unexpected}
    for (_, _, status), shot in sorted(examples.items()):
        body: object = shot.body[:120] if shot.body else (shot.stream or b"")
        print(
            words.say(
                "sample",
                route=shot.route,
                kind=shot.kind,
                status=status,
                request=f"{shot.method} {shot.path[:100]} {dict(shot.headers)!r:.160} {body!r}",
            )
        )
    passed = not any(found.values())
    print(words.say("verdict_ok" if passed else "verdict_failed"))
    return passed
