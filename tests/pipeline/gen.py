"""An invented corpus for the pipeline tests: stories told by wire originals, copies, rewrites and loners.

Every word, name and place is made up. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random

from newstrace.model import Article

_FIRST = ["Anneke", "Boris", "Calla", "Dorian", "Elske", "Fenwick", "Greta", "Hollis", "Ilse", "Jorund", "Katrin",
          "Lorcan", "Mirela", "Nestor", "Orla", "Pavo", "Quilla", "Rasmus", "Sefa", "Tobin"]
_LAST = ["Brakmoor", "Caddel", "Dunvey", "Elmquist", "Farrowby", "Grisholm", "Hallecott", "Ivensen", "Joscelin",
         "Kettleby", "Lunnard", "Morrow", "Nyquist", "Ostrand", "Pellworth", "Quarrie", "Rendle", "Skerrit"]
_PLACE = ["Brackwater", "Caldmere", "Dunholt", "Eskerby", "Fallowgate", "Greyhaven", "Holmbrook", "Irvale",
          "Kestrel Point", "Lowmarsh", "Millbeck", "Northcombe", "Oxvale", "Penrock", "Quayford", "Ravensholt"]
_THING = ["ferry terminal", "water plant", "rail depot", "timber yard", "paper mill", "fish market", "tram line",
          "grain store", "cable factory", "river lock", "bus garage", "salt works", "dye works", "glass kiln"]
_EVENT = ["flooded", "caught fire", "was closed", "lost power", "was evacuated", "partly collapsed",
          "was sealed off", "was shut by inspectors"]
_OUTLETS = ["Fenmoor Courier", "Tidewater Wire", "Eastmarch Gazette", "Hollow Valley News", "Quarry Town Post",
            "Marsh Herald", "Lantern Daily", "Orchard Chronicle"]


def _person(r: random.Random) -> str:
    return f"{r.choice(_FIRST)} {r.choice(_LAST)}"


_SYL = ["ka", "lo", "mer", "vin", "dra", "sel", "tum", "bor", "qui", "nash", "pel", "ror", "fen", "gul", "hesk",
        "ith", "jor", "lum", "mav", "ost", "pry", "sav", "tor", "ulm", "vesk", "wen", "yar", "zol"]
_GLUE = ["the", "of", "and", "in", "on", "for", "with", "at", "by", "from", "to", "near", "after", "before"]


def _word(r: random.Random) -> str:
    return "".join(r.choice(_SYL) for _ in range(r.randint(2, 3)))


def _sentence(r: random.Random, words: list[str]) -> str:
    out = []
    for _ in range(r.randint(9, 14)):
        out.append(r.choice(words) if r.random() < 0.6 else r.choice(_GLUE))
    return out[0].capitalize() + " " + " ".join(out[1:]) + "."


def _story_sentences(r: random.Random) -> list[str]:
    """Eight sentences on one invented event: its own words, names and numbers, two quotations."""
    words = [_word(r) for _ in range(40)]
    place = r.choice(_PLACE)
    sents = [_sentence(r, words) for _ in range(6)]
    sents.insert(0, f"The {words[0]} in {place} {r.choice(_EVENT)}, {words[2]} {words[3]} said.")
    sents.insert(3, f'"{_sentence(r, words)[:-1]}," said {_person(r)}, a supervisor at the {words[1]}.')
    sents.insert(6, f'"{_sentence(r, words)[:-1]}," {_person(r)} told reporters in {place}.')
    return sents


def corpus(n_stories: int, *, seed: int = 7, copies: int = 2, loners: int = 1) -> list[Article]:
    """``n_stories`` stories, each an original, ``copies`` derived articles (verbatim cuts, credited or not) and
    ``loners`` unrelated short notes. Ordered by story, original first."""
    r = random.Random(seed)
    out: list[Article] = []
    day0 = dt.datetime(2025, 1, 1, 8, tzinfo=dt.timezone.utc)
    for s in range(n_stories):
        sents = _story_sentences(r)
        wire = r.choice(_OUTLETS)
        when = day0 + dt.timedelta(days=s)
        out.append(Article.from_text(" ".join(sents), id=f"s{s:03d}-orig", outlet=wire, published=when))
        for c in range(copies):
            keep = sorted(r.sample(range(len(sents)), k=r.randint(4, len(sents))))
            body = [sents[i] for i in keep]
            if r.random() < 0.5:
                body.append(f"With reporting from {wire}.")
            body.insert(1, _sentence(r, [_word(r) for _ in range(12)]))
            out.append(Article.from_text(" ".join(body), id=f"s{s:03d}-copy{c}",
                                         outlet=r.choice([o for o in _OUTLETS if o != wire]),
                                         published=when + dt.timedelta(hours=3 + 5 * c)))
        for k in range(loners):
            out.append(Article.from_text(" ".join(_story_sentences(r)[:3]), id=f"s{s:03d}-note{k}",
                                         outlet=r.choice(_OUTLETS), published=when + dt.timedelta(hours=1)))
    return out
