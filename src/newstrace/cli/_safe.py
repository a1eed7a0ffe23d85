"""Untrusted text on the terminal: article text, titles, outlets, ids and file names come from the input.

Rich reads ``[...]`` in a plain string as markup: an article quoting "[/blue]" stopped ``newstrace quotes`` with
a MarkupError, and "[link=...]" would have made a link. And a bidirectional override (U+202E) or isolate in a
speaker's name reorders the rest of the terminal line, so a hostile article could make a quotation read
otherwise than it is. Every such string goes through :func:`safe` (a Rich ``Text``: never markup) or, inside
markup we write ourselves, :func:`visible` then ``rich.markup.escape``.
"""

from __future__ import annotations

import re

from rich.text import Text

__all__ = ["safe", "visible"]

# embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069); the marks U+200E/U+200F only nudge
# neutral characters and stay
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible(s: str | None) -> str:
    """``s`` with bidirectional controls written out as ``<U+202E>``."""
    s = s or ""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", s) if not s.isascii() else s


def safe(s: str | None, style: str = "") -> Text:
    """``s`` as terminal text: controls written out (:func:`visible`), brackets shown as they are."""
    return Text(visible(s), style=style)
