"""Outlet credits: phrases that name another outlet or agency as the source of the article's information.

Recognised: "according to (the) X", "X reported/said/quoted", "told X", "quoted by X", "published by X",
"in an interview with X", "the (Palestinian) news agency X", "(X) —" datelines and "X contributed (reporting
| to this report)" lines. X is a known alias from ``outlets.tsv`` (canonical name, kind, aliases; extend it
with :meth:`OutletTable.extend` or a TSV of your own) or, for an unknown outlet, a capitalised name whose
last word marks an outlet ("News Agency", "Post", "Times", ...), kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable
from pathlib import Path

from ..errors import ConfigError
from ..model import Article, Span
from .model import Credit

__all__ = ["OutletTable", "default_table", "find_credits"]

_TABLE_PATH = Path(__file__).with_name("outlets.tsv")
_OUTLET_HEADS = ("News Agency", "Agency", "News", "Post", "Times", "Journal", "Press", "Herald", "Tribune",
                 "Gazette", "TV", "Television", "Radio", "Network", "Daily", "Channel", "Magazine",
                 "Broadcasting Corporation", "Broadcasting", "Chronicle", "Observer", "Telegraph", "Wire", "Star",
                 "Sun",
                 "Globe", "Mail", "Express", "Examiner", "Inquirer", "Record", "Courier", "Dispatch", "Sentinel",
                 "Register", "Bulletin")
_CAPW = r"(?:[A-Z][\w’'&.\-]*|of|the|and|for)"
_UNKNOWN = rf"(?:the\s+)?[A-Z][\w’'&.\-]*(?:\s+{_CAPW})*?\s+(?:{'|'.join(_OUTLET_HEADS)})\b"


@dataclass
class OutletTable:
    """Canonical outlet names and their aliases; ``canonical(alias)`` normalises a mention."""

    aliases: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_tsv(cls, path: str | Path) -> "OutletTable":
        t = cls()
        t.extend_tsv(path)
        return t

    def extend_tsv(self, path: str | Path) -> None:
        """Add the rows of a TSV file: ``canonical<TAB>kind<TAB>alias|alias|...`` (``#`` starts a comment)."""
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as ex:
            raise ConfigError(f"cannot read outlet table {path}: {ex}") from ex
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise ConfigError(f"{path}:{n}: expected canonical<TAB>kind<TAB>aliases")
            self.extend(cols[0], cols[2].split("|") if len(cols) > 2 else [], kind=cols[1])

    def extend(self, canonical: str, aliases: list[str], *, kind: str = "outlet") -> None:
        """Add an outlet and its aliases (the canonical name is always an alias of itself)."""
        for a in [canonical, *aliases]:
            if a.strip():
                self.aliases[a.strip()] = canonical
        self.kinds[canonical] = kind
        for memo in ("_rx", "_ends", "_tail", "_canon"):
            self.__dict__.pop(memo, None)

    def pattern(self) -> str:
        """One regex of every alias that matches as their alternation longest first would (kept until
        :meth:`extend` changes the table): written as a trie (:func:`_trie`), so that a position is ruled out by
        its first character instead of by a try of each of ~150 aliases."""
        rx = self.__dict__.get("_rx")
        if rx is None:
            rx = self.__dict__["_rx"] = _trie(self.aliases)
        return rx

    def name_ends(self) -> frozenset[str]:
        """How an outlet name can end: the last whitespace-separated piece of each alias and outlet head word (kept
        until :meth:`extend` changes the table)."""
        ends = self.__dict__.get("_ends")
        if ends is None:
            ends = self.__dict__["_ends"] = frozenset(a.split()[-1] for a in (*self.aliases, *_OUTLET_HEADS)
                                                      if a.split())
        return ends

    # Mentions whose canonical name is remembered (kept until :meth:`extend` changes the table; then cleared).
    # Every article's own outlet goes through here (provenance facts): searching the ~150 aliases one regex at a
    # time cost 0.9 ms per article, 14% of bench/scale.py's article stage; a corpus names few outlets.
    CANON_MEMO = 50_000

    def canonical(self, mention: str) -> str:
        memo = self.__dict__.setdefault("_canon", {})
        out = memo.get(mention)
        if out is None:
            if len(memo) >= self.CANON_MEMO:
                memo.clear()
            out = memo[mention] = self._canonical(mention)
        return out

    def _canonical(self, mention: str) -> str:
        m = mention.strip()
        if m in self.aliases:
            return self.aliases[m]
        if m.lower().startswith("the ") and m[4:] in self.aliases:
            return self.aliases[m[4:]]
        # The longest alias (over two characters) that ends the mention as a whole word: every match ends at the
        # end, so the leftmost is the longest, and one alternation finds it in one search.
        tail = self.__dict__.get("_tail")
        if tail is None:
            longer = sorted((a for a in self.aliases if len(a) > 2), key=len, reverse=True)
            tail = self.__dict__["_tail"] = re.compile(
                rf"(?<![\w-])(?:{'|'.join(map(re.escape, longer))})\Z" if longer else r"(?!)")
        hit = tail.search(m)
        return self.aliases[hit.group()] if hit else m


def _trie(words: Iterable[str]) -> str:
    """A regex matching what ``"|".join(sorted(words, key=len, reverse=True))`` (escaped) matches, with the same
    preference: the alternatives that share a prefix share one path, so at any point of a match at most one next
    character can go on, and a greedy optional tail ("Reuters( Foundation)?") tries the longer word first, then
    the shorter when what follows fails, as the longest-first alternation does."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def rx(node: dict) -> str:
        alts = [re.escape(ch) + rx(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return rx(root) or "(?!)"


@lru_cache(maxsize=1)
def default_table() -> OutletTable:
    """The built-in table (``outlets.tsv`` in this package)."""
    return OutletTable.from_tsv(_TABLE_PATH)


_OUTLET_FIRST = 2  # the index of "X reported" in _patterns


@lru_cache(maxsize=8)
def _patterns(alias_rx: str) -> list[tuple[str, re.Pattern[str]]]:
    x = rf"(?P<o>(?<![\w-])(?:{alias_rx})(?![\w-])|{_UNKNOWN})"
    adj = r"(?:the\s+)?(?:[A-Z][\w’'\-]*\s+)??"
    return [
        ("according-to", re.compile(rf"\b[Aa]ccording\s+to\s+(?:a\s+report\s+(?:by|in|from)\s+)?{adj}{x}")),
        ("agency", re.compile(rf"\b(?:the\s+)?(?:[A-Z][\w\-]*\s+)?(?:news\s+agency|news\s+site|newspaper|"
                              rf"daily|broadcaster|outlet|channel|website)\s+{x}")),
        ("reported", re.compile(rf"{x}\s+(?:has\s+|had\s+)?(?:reported|reports|said|says|quoted|cited|"
                                rf"revealed|first\s+reported|broke\s+the\s+news)\b")),
        ("reported", re.compile(rf"\b(?:quoted|reported|published|cited|carried)\s+by\s+{adj}{x}")),
        ("told", re.compile(rf"\b(?:told|tells|telling|in\s+an\s+interview\s+with|speaking\s+to)\s+{adj}{x}")),
        ("dateline", re.compile(rf"(?m)^[^\n()]{{0,60}}\((?P<o>{alias_rx}|[A-Z][\w .&\-]{{1,30}})\)\s*[—–-]")),
        ("contributed", re.compile(rf"{x}\s+contributed\s+(?:reporting|to\s+this\s+(?:report|story))")),
        # "draws on a report by X", "based on an article in X", "citing a dispatch from X"
        ("report", re.compile(rf"\b(?:on|upon|from|in|citing|after)\s+(?:a|an|the)\s+(?:[\w\-]+\s+)?"
                              rf"(?:report|story|article|dispatch|interview)\s+(?:by|in|from|published\s+by|"
                              rf"carried\s+by)\s+{adj}{x}")),
    ]


@lru_cache(maxsize=8)
def _outlet_probes(alias_rx: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of :func:`_names_outlet`: an outlet head word after white space, any alias, an alias that
    stands as a word."""
    return (re.compile(rf"\s(?:{'|'.join(_OUTLET_HEADS)})\b"), re.compile(alias_rx),
            re.compile(rf"(?<![\w-])(?:{alias_rx})(?![\w-])"))


def _names_outlet(text: str, alias_rx: str) -> bool:
    """Whether a text can hold an outlet name at all: a known alias standing as a word, or an outlet head word
    after white space (every unknown name ends in one). Without either, only the dateline pattern can match.

    The same answer as searching ``(?<![\w-])(?:aliases)(?![\w-])|\s(?:heads)\b``, which a regex engine tries
    at every position (its look-behind opens it, so no first character rules a position out): 0.21 ms an
    article of bench/scale.py's. Here the head words are one search (white space first), and the aliases are
    found bare, each place checked with the bounded pattern (its look-behind sees the text before the place):
    every place where an alias starts is visited, in order, so none is missed. 0.06 ms."""
    heads, bare, bounded = _outlet_probes(alias_rx)
    if heads.search(text) is not None:
        return True
    pos = 0
    while (m := bare.search(text, pos)) is not None:
        if bounded.match(text, m.start()) is not None:
            return True
        pos = m.start() + 1
    return False


# The patterns that open with the outlet name ("X reported", "X contributed reporting") try every alias at every
# position of the text: about 0.3 ms each on a 2,500-character article, more than all the others together. They
# run only where they can match (exact conditions, not heuristics; tests/quotes/test_credits.py compares):
# "contributed" in the text, and for "X reported" a cue verb whose preceding word ends the way an alias or an
# outlet head word ends. find_credits 0.51 -> ~0.2 ms on bench/scale.py's articles.
_VERB_AT = re.compile(r"\s(?=(?:reported|reports|said|says|quoted|cited|revealed|first\s+reported|broke\s+the\s+news)"
                      r"\b)")


def _outlet_then_verb(text: str, ends: frozenset[str]) -> bool:
    """Whether a cue verb of the "X reported" pattern follows (after white space, and "has"/"had") a piece of
    text that ends like an outlet name: a necessary condition of that pattern's match."""
    for m in _VERB_AT.finditer(text):
        j = m.start()
        for _ in range(2):  # the word before the verb, then, when that is "has" or "had", the word before it
            while j > 0 and text[j - 1].isspace():
                j -= 1
            k = j
            while k > 0 and j - k < 200 and not text[k - 1].isspace():  # (a longer piece is cut: no alias is)
                k -= 1
            p = text[k:j]
            if any(p[x:] in ends for x in range(len(p))):
                return True
            if p not in ("has", "had") or k == j:
                break
            j = k
    return False


# Literal pieces one of which every match of a pattern of :func:`_patterns` holds (by index; the patterns are case
# sensitive but for "[Aa]ccording"): where a text holds none, the pattern is not run. The patterns open with a
# look-behind, "\b" or an optional group, which the regex engine tries at every position of the text (0.07 to
# 0.25 ms each on bench/scale.py's articles); ``in`` finds a literal at C speed. tests/quotes/test_credits.py
# checks every match holds one. find_credits 0.28 -> 0.12 ms an article of bench/scale.py's (session 18).
_LITERALS: dict[int, tuple[str, ...]] = {
    0: ("ccording",),
    1: ("news", "daily", "broadcaster", "outlet", "channel", "website"),  # ("newspaper", "news site" hold "news")
    3: ("quoted", "reported", "published", "cited", "carried"),
    4: ("told", "tell", "interview", "speaking"),
    5: ("(",),
    6: ("contributed",),
    7: ("report", "story", "article", "dispatch", "interview"),
}


def _may_match(i: int, kind: str, text: str, alias_rx: str, tab: OutletTable) -> bool:
    """False only where pattern ``i`` of :func:`_patterns` cannot match ``text``."""
    need = _LITERALS.get(i)
    if need is not None and not any(w in text for w in need):
        return False
    return i != _OUTLET_FIRST or _outlet_then_verb(text, tab.name_ends())


def find_credits(article: Article | str, table: OutletTable | None = None) -> list[Credit]:
    """Outlet credits in the article, in text order, one per phrase (overlapping finds keep the longest)."""
    text = article.text if isinstance(article, Article) else article
    tab = table or default_table()
    found: list[tuple[int, int, str, str]] = []
    rx_all = tab.pattern()
    named = _names_outlet(text, rx_all)  # one scan instead of seven when no outlet is named
    for i, (kind, rx) in enumerate(_patterns(rx_all)):
        if not named and kind != "dateline":
            continue
        if not _may_match(i, kind, text, rx_all, tab):
            continue
        for m in rx.finditer(text):
            name = m.group("o")
            start = m.start() if kind != "dateline" else m.start("o") - 1
            found.append((start, m.end(), tab.canonical(_strip(name)), kind))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[Credit] = []
    for s, e, outlet, kind in found:
        if out and s < out[-1].span.end:
            continue
        while e > s and text[e - 1] in " \t—–-":
            e -= 1
        out.append(Credit(outlet=outlet, span=Span(s, e), kind=kind))
    return out


def _strip(name: str) -> str:
    name = re.sub(r"\s+", " ", name.strip())
    return name[4:] if name.startswith(("the ", "The ")) and name[4:5].isupper() and " " in name[4:] else name
