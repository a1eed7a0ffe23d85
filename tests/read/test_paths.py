import io
import sys

from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.read import expand

from .helpers import BODY, read_all


def test_folders_globs_and_skips(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "b.txt").write_text("B head\n\n" + BODY)
    (tmp_path / "a.txt").write_text("A head\n\n" + BODY + " A.")
    (tmp_path / "noext").write_text('{"text": "%s"}\n' % BODY)  # sniffed as JSON Lines
    (tmp_path / "notes.md").write_text("not news")
    (tmp_path / ".hidden.txt").write_text("hidden")
    inputs = expand([str(tmp_path)])
    assert [s.name for s in inputs.sources] == ["a.txt", "noext", "b.txt"]
    assert inputs.skipped == [str(tmp_path / "notes.md")]
    arts, rejs = read_all(str(tmp_path / "**" / "*.txt"))
    assert sorted(a.title for a in arts) == ["A head", "B head"] and not rejs
    arts, _ = read_all(tmp_path / "noext")
    assert arts[0].text == BODY


def test_named_file_is_read_whatever_its_extension(tmp_path):
    (tmp_path / "story.md").write_text("Head\n\n" + BODY)
    arts, _ = read_all(tmp_path / "story.md")
    assert arts[0].title == "Head"


def test_stdin(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(('{"text": "%s"}\n' % BODY).encode())))
    arts, _ = read_all("-")
    assert arts[0].origin.path == "<stdin>" and arts[0].text == BODY
    r = CliRunner().invoke(app, ["ingest", "-", "--db", str(tmp_path / "s.duckdb"), "--json"],
                           input="Head line\n\n" + BODY)
    assert r.exit_code == 0 and '"articles": 1' in r.stdout
