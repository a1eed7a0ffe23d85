"""``newstrace quotes`` on an invented file: JSON line shapes with offsets into the raw file, and the table."""

import json

from typer.testing import CliRunner

from newstrace.cli import app

TEXT = ("Harbour reopens\n\n"
        "\"We lost forty boats in one night,\" harbour master Ana Ruiz said.\n"
        "The mayor told Reuters that repairs would take a year.\n")


def test_json_lines(tmp_path):
    p = tmp_path / "harbour.txt"
    p.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(app, ["quotes", str(p), "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    quotes = [r for r in rows if "content" in r]
    credits = [r for r in rows if "credit" in r]
    assert quotes and credits
    for r in quotes:
        assert set(r) == {"article", "path", "kind", "speaker", "cue", "content", "addressee"}
        for part in ("speaker", "cue", "content", "addressee"):
            if r[part]:
                assert TEXT[r[part]["start"] : r[part]["end"]] == r[part]["text"]
    ruiz = [r for r in quotes if r["speaker"] and r["speaker"]["name"] == "Ana Ruiz"]
    assert ruiz and ruiz[0]["kind"] == "direct"
    (c,) = credits
    assert set(c) == {"article", "path", "credit"} and c["credit"]["outlet"] == "Reuters"
    assert TEXT[c["credit"]["start"] : c["credit"]["end"]] == c["credit"]["text"]


def test_table(tmp_path):
    p = tmp_path / "harbour.txt"
    p.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(app, ["quotes", str(p)])
    assert res.exit_code == 0 and "Ana Ruiz" in res.stdout and "Reuters" in res.stdout


def test_hostile_text_is_shown_as_text_in_the_tables(tmp_path):
    # brackets Rich would read as markup (an unbalanced closing tag used to stop the command) and a
    # right-to-left override that would reorder the terminal line
    hostile = 'The mayor said "[bold]we[/] will [/blue] reopen \u202e[link=http://x]it[/link]" on Friday.\n'
    a, b = tmp_path / "[red]a.txt", tmp_path / "b.txt"
    a.write_text(hostile, encoding="utf-8")
    b.write_text(hostile, encoding="utf-8")
    res = CliRunner().invoke(app, ["quotes", str(a)])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.stdout.split())
    assert "[/blue]" in flat and "<U+202E>" in flat and "\u202e" not in res.stdout and "[red]a.txt" in flat
    res = CliRunner().invoke(app, ["compare", str(a), str(b)])
    assert res.exit_code == 0, res.output
    assert "[/blue]" in res.stdout and "\u202e" not in res.stdout
