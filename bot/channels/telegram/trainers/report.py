"""What trainers read on Telegram about their files, the changes and the versions.

Why it looks like this:
- The knowledge base's own wording (`bot/kb/report.py`: problems with row and column, the diff
  grouped by when it takes effect, the history) is reused as it is, so the terminal and
  Telegram say the same thing; only the chat's own sentences live in `texts.yml`.
- A chat is not a terminal: a file with hundreds of mistakes, or a spreadsheet that removes half
  of the articles, is cut to a few messages' worth, saying so, rather than flooding the chat.
"""

from __future__ import annotations

from bot.kb import report
from bot.kb.diff import Diff
from bot.kb.importing import Problem
from bot.kb.publishing import Version
from bot.texts import texts

MAX_PROBLEMS = 30
MAX_HISTORY = 20
# About three Telegram messages: enough for any real edit, bounded for a runaway one.
MAX_REPORT = 10_000


def clip(text: str, limit: int = MAX_REPORT) -> str:
    """`text` cut at a line to at most `limit` characters, saying it was cut."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for line in text.splitlines():
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join([*kept, texts("bot.channels.telegram").say("trainer.truncated")])


def problems(found: list[Problem], file_name: str) -> str:
    """The file's problems (row and column named), the first MAX_PROBLEMS of them."""
    lines = [report.problem(p) for p in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        lines.append(
            texts("bot.channels.telegram").say(
                "trainer.more_problems", count=len(found) - MAX_PROBLEMS
            )
        )
    if all(p.row is None for p in found):
        lines.append(texts("bot.kb").say("reading.nothing_changed"))
    else:
        lines.append(texts("bot.kb").say("reading.summary", name=file_name, count=len(found)))
    return clip("\n".join(lines))


def changes(diff: Diff, base_version: int | None) -> str:
    """The changes against the live version, as `helpdesk kb import` shows them."""
    return clip(report.diff(diff, base_version))


def history(versions: list[Version], current: int | None) -> str:
    """The latest versions, newest first, the live one marked, and how to restore one."""
    text = report.history(versions[-MAX_HISTORY:], current)
    if not versions:
        return text
    if len(versions) > MAX_HISTORY:
        text += "\n" + texts("bot.channels.telegram").say("trainer.history_more", count=MAX_HISTORY)
    return clip(f"{text}\n\n{texts('bot.channels.telegram').say('trainer.history_hint')}")


def taking_effect(diff: Diff) -> str:
    """Which changes are live now and which wait for the model to be retrained."""
    said = texts("bot.channels.telegram")
    live = [said.say("trainer.changed_line", id=c.id, title=c.title) for c in diff.live_at_once]
    live += [
        said.say("trainer.file_line", name=n) for n in diff.files if n not in diff.training_files
    ]
    later = [said.say("trainer.added_line", id=a.id, title=a.title) for a in diff.added]
    later += [said.say("trainer.removed_line", id=a.id, title=a.title) for a in diff.removed]
    later += [said.say("trainer.term_line", term=c.term) for c in diff.thesaurus]
    later += [said.say("trainer.file_line", name=n) for n in diff.training_files]
    lines: list[str] = []
    if live:
        lines += [said.say("trainer.live_heading"), *live]
    if later:
        lines += [""] if lines else []
        lines += [said.say("trainer.training_heading"), *later]
    return clip("\n".join(lines))


def published(version: Version, diff: Diff) -> str:
    """The new live version's number, then what takes effect when."""
    effect = taking_effect(diff)
    head = texts("bot.channels.telegram").say("trainer.published", version=version.number)
    return f"{head}\n\n{effect}" if effect else head
