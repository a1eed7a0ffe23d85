import gzip
import importlib
from pathlib import Path

from newstrace.ingest import ingest
from newstrace.store import Store

REPO = Path(__file__).resolve().parents[1]
BODY = "The harbour reopened on Wednesday after repairs to the sea wall, the port authority said in a statement."


def test_count_identity_duplicates_and_rejections(tmp_path):
    db = tmp_path / "s.duckdb"
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("Sea wall repaired\n\n" + BODY)
    (tmp_path / "copy.txt").write_text("Sea wall repaired\n\n" + BODY)
    (tmp_path / "b.jsonl").write_text('{"id": "j1", "text": "%s"}\nnot json\n{"id": "j1", "text": "x"}\n' % BODY)
    (tmp_path / "notes.md").write_text("skipped: unknown extension in a folder walk")
    seen = []
    report = ingest([tmp_path], db=db, on_rejection=seen.append)
    assert (report.read, report.articles, report.duplicates, report.rejections) == (5, 2, 2, 1)
    assert report.balanced and report.summary() == "read 5 = 2 articles + 2 duplicates + 1 rejections"
    assert [r.reason for r in seen] == ["malformed"] and report.by_reason == {"malformed": 1}
    assert report.skipped_files == [str(tmp_path / "notes.md")]
    again = ingest([tmp_path], db=db)
    assert (again.articles, again.duplicates, again.rejections) == (0, 4, 1)
    with Store(db, read_only=True) as s:
        assert s.stats() == {"articles": 2, "rejected": 2, "outlets": 0, "runs": 2}
        runs = s.con.execute('SELECT run, "read", articles, duplicates, rejections FROM runs ORDER BY run').fetchall()
        assert runs == [(1, 5, 2, 2, 1), (2, 5, 0, 4, 1)]


def test_batches_and_new_ids(tmp_path, monkeypatch):
    mod = importlib.import_module("newstrace.ingest")  # the module, not the function newstrace exports
    monkeypatch.setattr(mod, "BATCH_ARTICLES", 7)
    lines = "".join('{"id": "r%d", "text": "%s %d"}\n' % (i, BODY, i) for i in range(30))
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    with Store(":memory:") as s:
        report = ingest(tmp_path / "a.jsonl.gz", db=s)
        assert report.articles == 30 and report.new_ids == [f"r{i}" for i in range(30)]
        assert [a.id for a in s.articles(since_seq=28)] == ["r28", "r29"]


def test_empty_store_dedupes_across_batches_as_a_lookup_does(tmp_path, monkeypatch):
    """Into an empty store ingest keeps the ids it added instead of looking each batch up in the table: the same
    duplicates, seqs and rows as the lookup (a store that already held articles, second run), batch after batch."""
    mod = importlib.import_module("newstrace.ingest")
    monkeypatch.setattr(mod, "BATCH_ARTICLES", 3)
    ids = [0, 1, 2, 1, 3, 0, 4, 4, 5, 2, 6]  # repeats within a batch and across batches
    lines = "".join('{"id": "r%d", "text": "%s %d"}\n' % (i, BODY, i) for i in ids)
    (tmp_path / "a.jsonl").write_text(lines)
    calls = []
    real = Store.add_articles

    def spy(self, articles, **kw):
        calls.append(kw.get("known") is not None)
        return real(self, articles, **kw)

    monkeypatch.setattr(Store, "add_articles", spy)
    with Store(":memory:") as s:
        first = ingest(tmp_path / "a.jsonl", db=s)
        assert calls and all(calls)
        assert (first.articles, first.duplicates) == (7, 4) and first.new_ids == [f"r{i}" for i in range(7)]
        rows = s.con.execute("SELECT seq, id FROM articles ORDER BY seq").fetchall()
        assert rows == [(k + 1, f"r{k}") for k in range(7)]
        calls.clear()
        again = ingest(tmp_path / "a.jsonl", db=s)  # the store holds articles now: looked up
        assert calls and not any(calls)
        assert (again.articles, again.duplicates) == (0, 11) and s.stats()["articles"] == 7


def test_examples_corpus_ingests_cleanly(tmp_path):
    report = ingest([REPO / "examples"], db=tmp_path / "s.duckdb")
    assert (report.read, report.articles, report.rejections) == (6, 6, 0)
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        arts = {a.outlet: a for a in s.articles()}
    assert set(arts) == {"Northshore Wire", "Varrow Evening Post", "Coastline Daily", "The Maritime Ledger",
                         "The County Herald", "Harbour Gazette"}
    assert all(a.title and a.published and 300 <= len(a.text.split()) <= 700 for a in arts.values())
    assert "according to Northshore Wire" in arts["Varrow Evening Post"].text
    assert "Northshore Wire" not in arts["Coastline Daily"].text
    shared = "The East Quay terminal handles about a fifth of the grain exported through the region's ports"
    assert shared in arts["The Maritime Ledger"].text and shared in arts["Northshore Wire"].text


def test_shared_acceptance(shared_data, tmp_path):
    paths = [shared_data / "polnear/train/text", shared_data / "polnear/dev/text",
             shared_data / "story-chains/articles.csv"]
    report = ingest(paths, db=tmp_path / "s.duckdb")
    assert report.rejections == 0 and report.balanced and report.read == 1024
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        outlets = s.con.execute("SELECT count(DISTINCT outlet) FROM articles WHERE origin_path LIKE '%.csv'").fetchall()
    assert outlets[0][0] > 10
