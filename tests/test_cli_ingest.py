import json
from pathlib import Path

from typer.testing import CliRunner

from newstrace.cli import app

REPO = Path(__file__).resolve().parents[1]
BODY = "The harbour reopened on Wednesday after repairs to the sea wall, the port authority said in a statement."
runner = CliRunner()


def test_ingest_stats_export(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "j1", "text": "%s", "source": "Wire"}\n{"text": \n' % BODY)
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "read 2 = 1 articles + 0 duplicates + 1 rejections" in r.stdout
    assert "rejected" in r.stderr and "a.jsonl:2: malformed" in r.stderr
    r = runner.invoke(app, ["stats", "--db", str(db), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == {"articles": 1, "rejected": 1, "outlets": 1, "runs": 1}
    for fmt in ("parquet", "jsonl"):
        r = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, str(tmp_path / f"out.{fmt}")])
        assert r.exit_code == 0 and (tmp_path / f"out.{fmt}").stat().st_size > 0
    r = runner.invoke(app, ["ingest", str(tmp_path / "out.jsonl"), "--db", str(db), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["duplicates"] == 1  # the export reads back as the same article


def test_mapping_option(tmp_path):
    (tmp_path / "a.csv").write_text('story,site\n"%s",Gazette\n' % BODY)
    r = runner.invoke(app, ["ingest", str(tmp_path / "a.csv"), "--db", str(tmp_path / "s.duckdb"), "--json",
                            "--map", "text=story", "--map", "outlet=site"])
    assert r.exit_code == 0 and json.loads(r.stdout)["articles"] == 1
    r = runner.invoke(app, ["ingest", str(tmp_path / "a.csv"), "--db", str(tmp_path / "s.duckdb"), "--map", "bad"])
    assert r.exit_code == 2 and "error:" in r.stderr


def test_nothing_readable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("   ")
    r = runner.invoke(app, ["ingest", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"),
                            "--db", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 1
    assert "empty.txt: empty" in r.stderr and "missing.txt: unreadable" in r.stderr


def test_stats_and_export_without_a_store(tmp_path):
    for args in (["stats", "--db", str(tmp_path / "no.duckdb")],
                 ["export", "--db", str(tmp_path / "no.duckdb"), str(tmp_path / "o.parquet")],
                 ["export", "--format", "xml", str(tmp_path / "o.xml")]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and r.stderr.startswith("error:")


def test_demo_on_examples(tmp_path):
    r = runner.invoke(app, ["demo", str(REPO / "examples"), "--out", str(tmp_path / "demo")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "demo" / "newstrace.duckdb").exists()
    assert "records read" in r.stdout and "Northshore Wire" in r.stdout
    assert "store:" in r.stdout
