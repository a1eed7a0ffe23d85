"""The mined cue lexicon: counting, saving and reading back, levels; and the shipped file's sanity."""

from newstrace.quotes import lexicon


def test_mine_counts_stems_inside_cues(tmp_path):
    docs = [(["she", "saying", "it", "hoped", "so"], [False, True, False, True, False]),
            (["he", "says", "they", "hope", "to", "win"], [False, True, False, False, False, False]),
            (["we", "say", "hopes", "rise"], [False, True, False, False])]
    counts = lexicon.mine(docs)
    assert counts["say"] == (3, 3)
    assert "hope" not in counts  # one cue use in three: below MIN_CUE
    assert "she" not in counts
    path = tmp_path / "lex.tsv"
    lexicon.save(counts, path)
    assert lexicon.load(path) == counts
    try:
        lexicon.set_rates(counts)
        assert lexicon.level("says") == len(lexicon.LEVELS)
        assert lexicon.level("rise") == 0
    finally:
        lexicon.set_rates(None)


def test_shipped_lexicon_knows_reporting_verbs():
    counts = lexicon.load()
    assert counts, "cue_lexicon.tsv missing; run tools/train_quotes.py"
    assert lexicon.level("said") >= 4 and lexicon.level("the") == 0
