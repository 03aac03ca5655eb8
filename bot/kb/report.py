"""What trainers read in the terminal: problems in their file, a diff, the history of versions.

Every word comes from `texts.yml`; the data comes from importing, diff and publishing.
"""

from __future__ import annotations

from bot.display import vietnam_time
from bot.kb.diff import ArticleChange, Diff, TermChange
from bot.kb.importing import Problem
from bot.kb.publishing import Version
from bot.texts import texts


def problem(found: Problem) -> str:
    """'Dòng 7, cột «Câu hỏi»: cần ít nhất 8 câu hỏi, mới có 5'.

    On the thesaurus's sheet: 'Trang «Từ đồng nghĩa», dòng 3, cột «Từ đồng nghĩa»: ...'.
    """
    if found.row is None:
        return found.message
    said = texts("bot.kb")
    row = ("places.row", "places.item")
    columns = "columns"
    if found.thesaurus:
        row, columns = ("places.thesaurus_row", "places.thesaurus_item"), "thesaurus_columns"
    parts = [said.say(row[0] if found.in_table else row[1], row=found.row)]
    if found.column is not None:
        kind = "places.column" if found.in_table else "places.field"
        parts.append(said.say(kind, label=said.say(f"{columns}.{found.column}")))
    return said.say("places.problem", place=", ".join(parts), message=found.message)


def problems(found: list[Problem], file_name: str) -> str:
    """Every problem, one a line, then how many there are."""
    lines = [problem(p) for p in found]
    if all(p.row is None for p in found):
        lines.append(texts("bot.kb").say("reading.nothing_changed"))
    else:
        lines.append(texts("bot.kb").say("reading.summary", name=file_name, count=len(found)))
    return "\n".join(lines)


def _base(version: int | None) -> str:
    if version is None:
        return texts("bot.kb").say("diff.base_repository")
    return texts("bot.kb").say("diff.base", version=version)


def diff(changes: Diff, base_version: int | None) -> str:
    """The changes, grouped by whether they are live at once or need the model retrained."""
    base = _base(base_version)
    if changes.is_empty:
        return texts("bot.kb").say("diff.empty", base=base)
    lines = [
        texts("bot.kb").say("diff.heading", base=base),
        texts("bot.kb").say("diff.counts", **changes.counts()),
    ]
    if changes.thesaurus:
        lines.append(texts("bot.kb").say("diff.thesaurus_counts", **changes.thesaurus_counts()))
    live = [line for change in changes.live_at_once for line in _changed(change)]
    live += [
        texts("bot.kb").say("diff.file", name=name)
        for name in changes.files
        if name not in changes.training_files
    ]
    if live:
        lines += ["", texts("bot.kb").say("diff.live_heading"), *live]
    if changes.needs_training:
        lines += ["", texts("bot.kb").say("diff.training_heading")]
        lines += [
            texts("bot.kb").say("diff.added", id=a.id, title=a.title, questions=len(a.questions))
            for a in changes.added
        ]
        lines += [
            texts("bot.kb").say("diff.removed", id=a.id, title=a.title) for a in changes.removed
        ]
        lines += [line for change in changes.thesaurus for line in _term(change)]
        lines += [texts("bot.kb").say("diff.file", name=name) for name in changes.training_files]
        lines += ["", texts("bot.kb").say("diff.training_note")]
    else:
        lines += ["", texts("bot.kb").say("diff.all_live_note")]
    return "\n".join(lines)


def _changed(change: ArticleChange) -> list[str]:
    labels = [
        texts("bot.kb").say("diff.field", label=texts("bot.kb").say(f"columns.{name}"))
        for name in change.fields
    ]
    fields = texts("bot.kb").say("diff.fields_separator").join(labels)
    if change.fields == ("questions",) and not (change.questions_added or change.questions_removed):
        fields += " " + texts("bot.kb").say("diff.reordered")
    lines = [texts("bot.kb").say("diff.changed", id=change.id, title=change.title, fields=fields)]
    lines += [
        texts("bot.kb").say("diff.question_added", question=q) for q in change.questions_added
    ]
    lines += [
        texts("bot.kb").say("diff.question_removed", question=q) for q in change.questions_removed
    ]
    return lines


def _term(change: TermChange) -> list[str]:
    said = texts("bot.kb")
    if change.kind != "changed":
        listed = change.synonyms_added if change.kind == "added" else change.synonyms_removed
        synonyms = said.say("diff.synonyms_separator").join(listed)
        return [said.say(f"diff.term_{change.kind}", term=change.term, synonyms=synonyms)]
    return [
        said.say("diff.term_changed", term=change.term),
        *(said.say("diff.synonym_added", synonym=s) for s in change.synonyms_added),
        *(said.say("diff.synonym_removed", synonym=s) for s in change.synonyms_removed),
    ]


def history(versions: list[Version], current: int | None) -> str:
    """One line per version, newest first, the live one marked."""
    if not versions:
        return texts("bot.kb").say("history.empty")
    lines = [_version_line(v, v.number == current) for v in reversed(versions)]
    lines += ["", texts("bot.kb").say("history.current_note")]
    return "\n".join(lines)


def _version_line(version: Version, is_current: bool) -> str:
    if version.from_repository:
        what = texts("bot.kb").say("history.from_repository")
    elif version.restored_from is not None:
        what = texts("bot.kb").say("history.restored", restored=version.restored_from)
    else:
        what = texts("bot.kb").say("history.imported", source=version.source)
    counts = {k: version.summary.get(k, 0) for k in ("added", "changed", "removed")}
    summary = texts("bot.kb").say("history.summary", **counts)
    terms = {k: version.thesaurus_summary.get(k, 0) for k in ("added", "changed", "removed")}
    if any(terms.values()):
        summary += texts("bot.kb").say("history.thesaurus_summary", **terms)
    return texts("bot.kb").say(
        "history.line",
        marker=texts("bot.kb").say("history.current" if is_current else "history.other"),
        version=version.number,
        time=vietnam_time(version.published_at),
        author=version.author or texts("bot.kb").say("history.unknown_author"),
        what=what,
        summary=summary,
    )
