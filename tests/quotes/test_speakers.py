"""Speaker resolution rules on invented text (pure functions, no tagger)."""

from newstrace.quotes.speakers import name_mentions, resolve_name, role_of

TEXT = ("Harbour master Ana Ruiz spoke first. Port Authority chief Brig.-Gen. Luis Ortega, the region's senior "
        "commander, came later. Ruiz said it was bad. Then she left. The senior commander said more. "
        "They said nothing.")


def span(word, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


MENTIONS = name_mentions(TEXT)


def test_mentions_strip_titles():
    names = {m.name for m in MENTIONS}
    assert {"Ana Ruiz", "Luis Ortega"} <= names
    assert not any("Brig" in n or "Gen" in n for n in names)


def test_surname_and_full_name():
    assert resolve_name(TEXT, span("Ruiz", 1), MENTIONS, []) == "Ana Ruiz"
    assert resolve_name(TEXT, span("Ana Ruiz"), MENTIONS, []) == "Ana Ruiz"


def test_pronoun_takes_subject_or_history_and_plural_stays_unnamed():
    hist = [(0, "Ana Ruiz", None)]
    assert resolve_name(TEXT, span("she"), MENTIONS, hist) == "Ana Ruiz"
    assert resolve_name(TEXT, span("They"), MENTIONS, hist) is None
    assert resolve_name(TEXT, span("she"), MENTIONS, []) is None  # nothing to resolve to: never guessed


def test_role_and_description():
    assert role_of(TEXT, "Luis Ortega", MENTIONS) == "Port Authority chief Brig.-Gen."
    hist = [(0, "Ana Ruiz", "Harbour master"), (50, "Luis Ortega", "the region's senior commander")]
    assert resolve_name(TEXT, span("The senior commander"), MENTIONS, hist) == "Luis Ortega"


def test_unresolved_kept_as_written():
    text = "A port official said the gates were shut."
    assert resolve_name(text, (0, 15), name_mentions(text), []) == "A port official"


def _plain_mentions(text):
    """name_mentions as first written (the reference its faster form must equal)."""
    import re

    from newstrace.quotes import speakers as S

    def clean(toks):
        while toks and (toks[0].lower() in S._LEAD_STOP or toks[0].lower() in S.TITLES):
            toks = toks[1:]
        while toks and toks[-1].lower() in S.TITLES:
            toks = toks[:-1]
        return toks

    out = []
    for m in S._NAME_RE.finditer(text):
        raw = m.group()
        toks = clean(raw.split())
        if len(toks) < 2 or any(t.isupper() and len(t) > 1 for t in toks):
            continue
        cut = max((i for i, t in enumerate(toks) if re.search(r"[’']s$", t)), default=None)
        if cut is not None:
            toks = clean(toks[cut + 1:])
        if len(toks) < 2 or len(toks) > 4 or any(t.lower() in S.ORG_WORDS for t in toks):
            continue
        name = " ".join(toks)
        start = m.start() + raw.index(toks[0])
        out.append(S.NameMention(name, start, start + len(name)))
    return tuple(out)


def test_mentions_equal_the_plain_version_on_random_capitalised_runs():
    import random

    rng = random.Random(11)
    words = ["The", "the", "President", "Mr.", "Dr", "Gen.", "Ali", "Khamenei", "Iran’s", "Israel's", "NATO", "US",
             "Esmail", "Qaani", "Jerusalem", "Post", "Army", "Supreme", "Leader", "al-Assad", "bin", "von", "de",
             "J.", "A", "Smith", "Jones’s", "In", "According", "said", "and", "Chief", "Sen", "O’Neil", "Lee-Ann",
             "IRGC", "Force", "Day", "minister", "\n", "\t", ",", "."]
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))).replace(" ,", ",")
        assert name_mentions(text) == _plain_mentions(text), text
