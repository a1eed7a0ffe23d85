"""Acceptance on the two seed articles (skipped without ../shared/data)."""

import pytest

from newstrace.quotes import credits, match_quotes, quotes

pytestmark = pytest.mark.shared

KHAMENEI = "the decline of the enemy Zionist regime has begun and will not stop"


def _articles(seeds):
    from newstrace.read import read

    arts = [a for a in read([str(p) for p in seeds]) if hasattr(a, "text")]
    assert len(arts) == 2
    return sorted(arts, key=lambda a: a.origin.path)


@pytest.fixture(scope="module")
def arts(seeds):
    return _articles(seeds)


def test_qaani_quotes_with_source_spans(arts, seeds):
    for art, path in zip(arts, seeds):
        raw = path.read_text(encoding="utf-8")
        qaani = [q for q in quotes(art) if q.name == "Esmail Qaani"]
        assert len(qaani) >= 5, [q.words(art.text) for q in qaani]
        for q in qaani:
            j = q.to_json(art)
            for part in ("speaker", "cue", "content"):
                if j[part]:
                    assert raw[j[part]["start"] : j[part]["end"]] == j[part]["text"]


def test_khamenei_quote(arts):
    qs = [q for q in quotes(arts[0]) if KHAMENEI in q.words(arts[0].text)]
    assert qs and qs[0].name == "Ali Khamenei"


def test_credits(arts):
    assert {"SAFA", "Tasnim News Agency"} <= {c.outlet for c in credits(arts[0])}
    assert "The Jerusalem Post" in {c.outlet for c in credits(arts[1])}


def test_matching_shared_qaani_quotes(arts):
    ms = match_quotes(arts[0], arts[1])
    qaani = [m for m in ms if m.b.name == "Esmail Qaani"]
    assert len(qaani) >= 4
    assert all(m.match in ("exact", "truncated") for m in qaani), [(m.match, m.diff) for m in qaani]
    assert not any(m.misattributed for m in ms)
