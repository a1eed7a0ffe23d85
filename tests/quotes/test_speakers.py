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
