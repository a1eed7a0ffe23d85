"""Acceptance on the real data beside the clone (skipped when ../shared/data is absent)."""

import datetime as dt

import pytest

from newstrace.model import Article
from newstrace.read import read

pytestmark = pytest.mark.shared


def maps_back(a: Article) -> None:
    source = open(a.origin.path, encoding="utf-8").read()
    for i, ch in enumerate(a.text):
        assert source[a.to_source(i)] == ch or not ch.isascii(), (a.origin.path, i)
    s, e = a.span_to_source(0, len(a.text))
    assert source[s:e].strip() and e <= len(source)


def test_seeds_headline_captions_and_date(seeds):
    first, second = list(read([str(seeds[0]), str(seeds[1])]))
    assert first.title and first.title.startswith("Iran")
    assert len(first.extras["captions"]) == 3
    assert "photo credit" not in first.text and first.title not in first.text
    assert all(c["text"] not in first.text.split("\n") for c in first.extras["captions"])
    assert first.published is None
    assert second.published == dt.date(2021, 5, 20)
    assert not second.text.startswith(" date") and second.text.startswith("The chief")
    maps_back(first)
    maps_back(second)


def test_polnear_texts_read_with_no_rejections_and_map_back(shared_data):
    paths = [str(shared_data / "polnear" / s / "text") for s in ("train", "dev")]
    items = list(read(paths))
    assert len(items) == 924 and all(isinstance(a, Article) for a in items)
    assert sum(1 for a in items if a.title) >= 900
    for a in items[::7]:
        maps_back(a)


def test_story_chains_csv_paperurl_is_the_outlet(shared_data):
    items = list(read([str(shared_data / "story-chains" / "articles.csv")]))
    assert len(items) == 100 and all(isinstance(a, Article) for a in items)
    assert all(a.outlet and a.outlet.startswith("http") for a in items)
    assert all(a.url and a.title and a.published for a in items)
