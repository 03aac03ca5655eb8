"""An article of the knowledge base and how its answer reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    """The answer as short numbered steps, with an optional first and last sentence."""

    steps: tuple[str, ...]
    intro: str = ""
    note: str = ""

    def render(self) -> str:
        """The answer as one message: intro, numbered steps, note."""
        parts = [self.intro] if self.intro else []
        parts.append("\n".join(f"{n}. {step}" for n, step in enumerate(self.steps, start=1)))
        if self.note:
            parts.append(self.note)
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Article:
    """One how-to topic: what officials ask about it and the answer."""

    id: str
    software: str
    title: str
    questions: tuple[str, ...]
    answer: Answer
    # Articles an official often asks about next, offered as buttons under the answer and
    # preferred when a short question right after it is read in its context.
    follow_ups: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def intent(self) -> str:
        """The NLU intent that stands for this article."""
        return intent_for(self.id)


INTENT_PREFIX = "kb_"


def intent_for(article_id: str) -> str:
    """`qlvb.dang_nhap` -> `kb_qlvb__dang_nhap`; Rasa reserves '/' and '+' but not '__'."""
    return INTENT_PREFIX + article_id.replace(".", "__")


def article_for(intent: str) -> str | None:
    """The article id an intent stands for, or None for other intents."""
    if not intent.startswith(INTENT_PREFIX):
        return None
    return intent[len(INTENT_PREFIX) :].replace("__", ".")
