"""The report's HTML read back: every element with its attributes and the text inside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "line"})


@dataclass
class Element:
    """An element of the page."""

    tag: str
    attributes: dict[str, str]
    parts: list[str] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All the text inside, spaces collapsed."""
        return " ".join("".join(self.parts).split())

    def find(self, tag: str, **attributes: str) -> list[Element]:
        """Descendants with this tag and attributes (`data_x` is data-x, `class_` is class)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attributes.items()}
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attributes.get(k) == v for k, v in wanted.items()):
                found.append(child)
            found.extend(child.find(tag, **attributes))
        return found

    def one(self, tag: str, **attributes: str) -> Element:
        """The one descendant with this tag and these attributes."""
        found = self.find(tag, **attributes)
        assert len(found) == 1, (tag, attributes, [f.text for f in found])
        return found[0]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        assert self.open[-1].tag == tag, f"</{tag}> closes <{self.open[-1].tag}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append(data)


def read(html: str) -> Element:
    """The page's elements; fails if any element is left open or closed out of turn."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.open == [reader.root], [e.tag for e in reader.open]
    return reader.root
