import pytest

from newstrace.read.decode import DecodeFailure, TextBuilder, decode, is_binary, needs_repair, repair_text


def test_utf8_with_bom_is_decoded_without_it():
    assert decode("\ufeffCafé au lait".encode("utf-8")).text == "Café au lait"


def test_legacy_encoding_is_detected():
    text = "Le café de la gare a rouvert ses portes après les travaux, a déclaré le maire de la ville. " * 5
    d = decode(text.encode("cp1252"))
    assert d.text == text
    assert d.encoding != "utf-8"


def test_binary_and_text():
    assert is_binary(b"\x00\x01\x02PNG\x00" * 50)
    assert is_binary(bytes(range(256)) * 4)
    assert not is_binary("Plain prose, with “quotes”.\n".encode())
    with pytest.raises(DecodeFailure) as e:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert e.value.reason == "binary"


def test_repair_text_fixes_mojibake_and_leaves_clean_text():
    assert repair_text("itâ€™s") == "it’s"
    assert repair_text("it’s fine") == "it’s fine"
    assert not needs_repair("naïve café, plain")


def test_builder_maps_repaired_pieces_back_exactly():
    source = "Head\n\nThe mayorâ€™s office said GuantÃ¡namo.\nEnd line."
    b = TextBuilder(source)
    b.copy(6, len(source))
    text, m = b.text(), b.offsets()
    assert text == "The mayor’s office said Guantánamo.\nEnd line."
    # unchanged characters map one to one; each repaired character maps onto its broken sequence
    for i, ch in enumerate(text):
        s = m.to_source(i)
        if ch.isascii():
            assert source[s] == ch
    i = text.index("’")
    assert source[m.to_source(i):m.to_source(i + 1, end=True)] == "â€™"
    j = text.index("á")
    assert source[m.to_source(j):m.to_source(j + 1, end=True)] == "Ã¡"
    assert m.to_source(len(text), end=True) == len(source)


def test_builder_identity_is_none():
    b = TextBuilder("abc def")
    b.copy(0, 7)
    assert b.text() == "abc def" and b.offsets() is None


def test_word_then_character_opcodes_rebuild_the_repaired_line():
    """The word-first diff covers both strings end to end, in order, and its equal pieces are equal."""
    from hypothesis import given, settings, strategies as st

    from newstrace.read.decode import _char_opcodes

    words = st.sampled_from(["caf\u00c3\u00a9", "café", "don\u00e2\u20ac\u2122t", "don’t", "the", "  ", "\t", "Zoë", "x"])

    @settings(max_examples=200, deadline=None)
    @given(st.lists(words, max_size=30), st.lists(words, max_size=30))
    def check(xs, ys):
        a, b = " ".join(xs), " ".join(ys)
        ops = _char_opcodes(a, b)
        assert "".join(b[j1:j2] for _, _, j1, j2 in ops) == b
        assert [i for op in ops for i in op[:2]] == sorted(i for op in ops for i in op[:2])
        assert sum(i2 - i1 for i1, i2, _, _ in ops) == len(a)

    check()
    line = "Officials said the caf\u00c3\u00a9 would reopen. " * 120  # a long one-line article with mojibake
    from newstrace.read.decode import repair_text

    fixed = repair_text(line)
    assert "café" in fixed and "".join(fixed[j1:j2] for _, _, j1, j2 in _char_opcodes(line, fixed)) == fixed
