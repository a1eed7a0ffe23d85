"""Outlet credits on invented sentences: every construction, canonical names, the extendable table."""

import importlib

import pytest

from newstrace.quotes import OutletTable, credits, default_table


def found(text, table=None):
    return [(c.outlet, c.kind, text[c.span.start : c.span.end]) for c in credits(text, table)]


CONSTRUCTIONS = [
    ("The dam will open in June, according to The Jerusalem Post.", "The Jerusalem Post", "according-to"),
    ("The dam will open in June, according to the Iranian Tasnim News Agency.", "Tasnim News Agency",
     "according-to"),
    ("The letter was published by the Palestinian news agency SAFA on Sunday.", "SAFA", "agency"),
    ("Reuters reported on Monday that the mill had closed.", "Reuters", "reported"),
    ("The mayor told CNN that the mill had closed.", "CNN", "told"),
    ("He was quoted by the Associated Press as saying so.", "Associated Press", "reported"),
    ("LIMA, Peru (AP) — The mill closed on Monday.", "Associated Press", "dateline"),
    ("The mill closed.\nAgence France-Presse contributed reporting.", "Agence France-Presse", "contributed"),
    ("Prices fell, according to the Daily Harbour News.", "Daily Harbour News", "according-to"),
    ("Ana Ruiz told the Kansas City Star on Friday.", "Kansas City Star", "told"),
]


@pytest.mark.parametrize("text, outlet, kind", CONSTRUCTIONS)
def test_constructions(text, outlet, kind):
    got = found(text)
    assert got and got[0][0] == outlet and got[0][1] == kind


def test_people_and_plain_mentions_are_not_credits():
    assert found("According to Ruiz, the mill will reopen.") == []
    assert found("The Fox Business debate ran late.") == []


def test_spans_are_offsets():
    text = "Rain is due, according to Reuters."
    (c,) = credits(text)
    assert text[c.span.start : c.span.end] == "according to Reuters"


def test_table_is_extendable(tmp_path):
    table = OutletTable(dict(default_table().aliases), dict(default_table().kinds))
    table.extend("Harbour Gazette Online", ["HGO"], kind="outlet")
    assert found("Ruiz told HGO on Friday.", table)[0][0] == "Harbour Gazette Online"
    p = tmp_path / "more.tsv"
    p.write_text("Valley Wire\tagency\tVW|ValleyWire\n", encoding="utf-8")
    table.extend_tsv(p)
    assert found("VW reported a fire.", table)[0][0] == "Valley Wire"
    assert found("VW reported a fire.") == []  # the default table is untouched


def test_credit_through_a_report_by_an_outlet():
    from newstrace.quotes import credits as find

    found = find("This piece draws on a report by the Lakeside Courier. Officials said, citing a dispatch from "
                 "Reuters, that the bridge would reopen. She wrote a report on the ferry in March.")
    assert [(c.outlet, c.kind) for c in found] == [("Lakeside Courier", "report"), ("Reuters", "report")]


TRICKY = [
    "Reuters has reported that the dam held. The Valley Post had said so.\nAP   \n\n  reported a fire.",
    "(Reuters reported) and Reuters’ staff said; Reuters-said; the Harbour Times quoted, the Times reports.",
    "The Morning Gazette first reported the leak, and the Morning Gazette broke the news of the merger.",
    "Ola Brennick said. Brennick has said. The Nation had had reported. Nobody reported.",
    "Staff of the Lakeside Chronicle contributed reporting.\nThe Valley Wire contributed to this report.",
    "VW reported a fire. VW\u00a0said it again." + " " * 300 + "said",
    "reported said says",
]


def test_skipping_patterns_that_cannot_match_changes_nothing(monkeypatch):
    """The patterns that open with the outlet run only where they can match: the same credits as running them
    everywhere, with the default table and with one that holds an alias of its own."""
    C = importlib.import_module("newstrace.quotes.credits")  # (the package's ``credits`` is the function)
    find_credits = C.find_credits
    table = OutletTable.from_tsv(C._TABLE_PATH)
    table.extend("Valley Wire", ["VW"])
    texts = [*TRICKY, *MORE]
    guarded = [(find_credits(t), find_credits(t, table)) for t in texts]
    assert any(g for pair in guarded for g in pair)
    monkeypatch.setattr(C, "_may_match", lambda *a: True)
    assert [(find_credits(t), find_credits(t, table)) for t in texts] == guarded


MORE = [
    "The dam will open, According\nto the Valley Wire. A report by the daily Harbour Times said so.",
    "The broadcaster Valley Wire and the website Harbour Post ran it; the news site VW quoted it.",
    "It was cited by Reuters, carried by the Harbour Times and published by VW.",
    "She tells Reuters, telling the Daily Post, in an interview with VW, speaking to The Harbour Times.",
    "LIMA (VW) — Rain fell.\nMOSUL (Harbour Gazette) - Dust fell.",
    "Drawn from a dispatch by VW, based on an article in the Harbour Post, citing an interview with Reuters.",
]


def test_every_match_holds_its_literals():
    """A pattern is not run on a text without one of its literals (credits._LITERALS): every match of each
    pattern, on every text here, holds one, so skipping such texts loses nothing."""
    C = importlib.import_module("newstrace.quotes.credits")
    table = OutletTable.from_tsv(C._TABLE_PATH)
    table.extend("Valley Wire", ["VW"])
    texts = [*TRICKY, *MORE, *(t for t, _, _ in CONSTRUCTIONS)]
    seen = set()
    for i, (_, rx) in enumerate(C._patterns(table.pattern())):
        for t in texts:
            for m in rx.finditer(t):
                seen.add(i)
                assert any(w in m.group() for w in C._LITERALS.get(i, ("",))), (i, m.group())
    assert seen >= set(C._LITERALS)  # every guarded pattern was seen to match
    assert all(C.find_credits(t) or C.find_credits(t, table) for t in MORE)


def _canonical_by_hand(table, mention):
    """The definition: an alias as a whole, after "the ", or the longest alias ending the mention as a word."""
    import re

    m = mention.strip()
    if m in table.aliases:
        return table.aliases[m]
    if m.lower().startswith("the ") and m[4:] in table.aliases:
        return table.aliases[m[4:]]
    inner = [a for a in table.aliases if len(a) > 2 and re.search(rf"(?<![\w-]){re.escape(a)}$", m)]
    return table.aliases[max(inner, key=len)] if inner else m


def test_canonical_names_follow_the_definition_and_the_table():
    table = OutletTable(dict(default_table().aliases), dict(default_table().kinds))
    aliases = sorted(table.aliases)
    mentions = [" Reuters ", "the Associated Press", "Weekend AP", "Kansas City Star", "Harbour Gazette Online",
                "HGO", "Metro Ledger", "X-Reuters", "Reuters-AP", "", "   "]
    mentions += [f"{w} {a}" for w in ("Local", "the", "Sunday") for a in aliases[::7]]
    mentions += [a[1:] for a in aliases[::5]] + [a + "s" for a in aliases[::9]]
    for m in mentions * 2:  # the second time from the memo
        assert table.canonical(m) == _canonical_by_hand(table, m), m
    table.extend("Harbour Gazette Online", ["HGO"], kind="outlet")  # a change clears what was remembered
    for m in mentions:
        assert table.canonical(m) == _canonical_by_hand(table, m), m
    assert table.canonical("Sunday HGO") == "Harbour Gazette Online"


# Texts where aliases touch words, share prefixes, run on ("Reuters Foundationx"), or only an outlet head word
# names an outlet: the trie-shaped alias pattern and the split "does it name an outlet" check must give what
# the longest-first alternation and the one search gave.
EDGE_TEXTS = [
    "According to the Associated Pressx, the port closed. AP said so. XAP and APx did not.",
    "Reuters Foundationx reported; Reuters reported too, and the Al Jazeera network said it twice.",
    "(AFP) — The ferry sank. BBC Newsroom staff said nothing; BBC News reported it, citing Al-Jazeera.",
    "The Island Gazette said the storm ended, a claim the Harbour Times repeated. told Bloomberg News it",
    "nothing here names anyone at all, said the mayor on Monday.",
    "CNN-style coverage, pre-Reuters era, X-Reuters, Reuters-owned: none stands alone. Reuters.",
    "Associated Press and Associated and Press; Agence France-Presse, Agence France Presse, Agence.",
]


def _old_pattern(self):
    import re as _re

    return "|".join(_re.escape(a) for a in sorted(self.aliases, key=len, reverse=True))


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_trie_pattern_finds_what_the_alternation_finds(text, monkeypatch):
    import re

    mod = importlib.import_module("newstrace.quotes.credits")
    table = default_table()
    trie = re.compile(rf"(?<![\w-])(?:{table.pattern()})(?![\w-])")
    alt = re.compile(rf"(?<![\w-])(?:{_old_pattern(table)})(?![\w-])")
    for pos in range(len(text) + 1):  # the same match, or none, wherever a match could start
        a, b = trie.match(text, pos), alt.match(text, pos)
        assert (a and a.group()) == (b and b.group()), (text, pos)
    new = found(text)
    one_search = re.compile(rf"(?<![\w-])(?:{table.pattern()})(?![\w-])|\s(?:{'|'.join(mod._OUTLET_HEADS)})\b")
    assert mod._names_outlet(text, table.pattern()) == (one_search.search(text) is not None)
    monkeypatch.setattr(OutletTable, "pattern", _old_pattern)
    assert found(text) == new


def test_trie_of_prefixes():
    import re

    from newstrace.quotes.credits import _trie

    rx = re.compile(_trie(["AB", "ABCD", "ABC", "ABX", "B"]))
    assert [rx.match(t).group() for t in ("ABCDE", "ABCE", "ABXY", "ABQ", "BA")] == ["ABCD", "ABC", "ABX", "AB", "B"]
    assert re.compile(_trie([])).search("anything") is None
