"""Quote and Credit: what an article attributes to whom, and which outlets it credits. Spans are body offsets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Article, Span

__all__ = ["Quote", "Credit", "QuoteKind", "span_json"]

QuoteKind = Literal["direct", "indirect", "mixed"]


def span_json(article: Article, span: Span | None, **extra: object) -> dict | None:
    """``{"text", "start", "end"}`` with *source* offsets (what users see), or None."""
    if span is None:
        return None
    s, e = article.span_to_source(span.start, span.end)
    return {"text": article.text[span.start : span.end], "start": s, "end": e, **extra}


@dataclass(frozen=True, slots=True)
class Quote:
    """One attribution: ``speaker`` said (``cue``) ``content``, perhaps to ``addressee``.

    ``content`` runs from the first to the last quoted word; ``pieces`` are its parts without an interrupting
    "he said". ``name`` is the speaker resolved within the article ("he" -> "Esmail Qaani"), or the speaker as
    written when nothing resolves it, or None for a lone pronoun. ``role`` is the speaker's role when the
    article states it ("IRGC Quds Force chief").
    """

    content: Span
    kind: QuoteKind
    speaker: Span | None = None
    cue: Span | None = None
    addressee: Span | None = None
    name: str | None = None
    role: str | None = None
    pieces: tuple[Span, ...] = ()

    def words(self, text: str) -> str:
        """The content's own text, pieces joined by a space."""
        parts = self.pieces or (self.content,)
        return " ".join(text[p.start : p.end] for p in parts)

    def to_json(self, article: Article) -> dict:
        """The JSON shape of ``newstrace quotes --json`` (without article/path); the role stays in Python."""
        sp = span_json(article, self.speaker, name=self.name)
        return {"kind": self.kind, "speaker": sp, "cue": span_json(article, self.cue),
                "content": span_json(article, self.content), "addressee": span_json(article, self.addressee)}


@dataclass(frozen=True, slots=True)
class Credit:
    """A phrase crediting another outlet as a source of the article's information."""

    outlet: str
    span: Span
    kind: str = "credit"  # "according-to", "reported", "told", "dateline", "contributed", "agency", "credit"

    def to_json(self, article: Article) -> dict:
        d = span_json(article, self.span)
        assert d is not None
        return {"outlet": self.outlet, **d}
