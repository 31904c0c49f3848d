"""Checks of rendered HTML shared by the permits view tests."""

from __future__ import annotations

from html.parser import HTMLParser


class _Described(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str]] = []  # (element id or tag, referenced id)
        self.empty: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if "aria-describedby" in values:
            described = (values["aria-describedby"] or "").split()
            if not described:
                self.empty.append(str(values.get("id") or tag))
            self.references += [(str(values.get("id") or tag), ref) for ref in described]


def description_problems(html: str) -> list[str]:
    """Every ``aria-describedby`` of *html* that is empty or names an id the page does not have
    (a hint or an error message that a screen reader would never read with its field)."""
    parser = _Described()
    parser.feed(html)
    problems = [f"{element}: empty aria-describedby" for element in parser.empty]
    problems += [f"{element} → #{ref} missing" for element, ref in parser.references if ref not in parser.ids]
    return problems
