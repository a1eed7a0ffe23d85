"""Cross-article quote matching with hand-built attributions (pure: no tagger involved)."""

from newstrace.model import Span
from newstrace.quotes import Quote, match_quotes


def q(text, quoted, name):
    s = text.index(quoted)
    return Quote(content=Span(s, s + len(quoted)), kind="direct", name=name)


A = ("Ruiz said: “The harbour will reopen in May and the ferries will run daily.”\n"
     "“We will rebuild the pier first,” Ruiz added.\n"
     "“Fishing boats come back next,” said Ortega.")


def test_exact_truncated_extended():
    qa = [q(A, "“The harbour will reopen in May and the ferries will run daily.”", "Ana Ruiz"),
          q(A, "“We will rebuild the pier first,”", "Ana Ruiz")]
    b = ("Ruiz promised that “the harbour will reopen in May.” She added: "
         "“We will rebuild the pier first, and quickly.”")
    qb = [q(b, "“the harbour will reopen in May.”", "Ana Ruiz"),
          q(b, "“We will rebuild the pier first, and quickly.”", "Ana Ruiz")]
    got = match_quotes(A, b, qa, qb)
    assert [m.match for m in got] == ["truncated", "extended"]
    assert not any(m.misattributed for m in got)
    assert got[1].diff == ({"op": "insert", "a": "", "b": "and quickly"},)


def test_exact_ignores_case_and_punctuation():
    qa = [q(A, "“We will rebuild the pier first,”", "Ana Ruiz")]
    b = "“We will rebuild the pier first.” Ruiz said."
    (m,) = match_quotes(A, b, qa, [q(b, "“We will rebuild the pier first.”", "Ruiz")])
    assert m.match == "exact" and m.diff == () and not m.misattributed


def test_altered_with_word_diff_and_misattributed():
    qa = [q(A, "“We will rebuild the pier first,”", "Ana Ruiz")]
    b = "“We will rebuild the old pier soon,” Ortega said."
    (m,) = match_quotes(A, b, qa, [q(b, "“We will rebuild the old pier soon,”", "Luis Ortega")])
    assert m.match == "altered"
    assert {"op": "insert", "a": "", "b": "old"} in m.diff
    assert {"op": "replace", "a": "first", "b": "soon"} in m.diff
    assert m.misattributed


def test_spliced_from_two_quotes():
    qa = [q(A, "“We will rebuild the pier first,”", "Ana Ruiz"),
          q(A, "“Fishing boats come back next,”", "Ana Ruiz")]
    b = "Ruiz said “we will rebuild the pier first, fishing boats come back next.”"
    (m,) = match_quotes(A, b, qa, [q(b, "“we will rebuild the pier first, fishing boats come back next.”",
                                     "Ana Ruiz")])
    assert m.match == "spliced"


def test_spliced_within_one_quote():
    qa = [q(A, "“The harbour will reopen in May and the ferries will run daily.”", "Ana Ruiz")]
    b = "“The harbour will reopen... the ferries will run daily,” Ruiz said."
    (m,) = match_quotes(A, b, qa, [q(b, "“The harbour will reopen... the ferries will run daily,”", "Ruiz")])
    assert m.match == "spliced" and m.diff == ({"op": "delete", "a": "in may and", "b": ""},)


def test_unrelated_quotes_do_not_match():
    qa = [q(A, "“Fishing boats come back next,”", "Luis Ortega")]
    b = "“Taxes will not rise this year,” the mayor said."
    assert match_quotes(A, b, qa, [q(b, "“Taxes will not rise this year,”", None)]) == []


def test_match_json_shape_uses_source_offsets():
    from newstrace.model import Article, OffsetMap, Origin, Segment
    from newstrace.quotes import match_json

    body_a = "“We will rebuild the pier first,” Ruiz said."
    body_b = "Ruiz said: “We will rebuild the pier first.”"
    a = Article(id="a", text=body_a, origin=Origin("a.txt"),
                offsets=OffsetMap([Segment(0, 5, len(body_a), len(body_a))]))
    b = Article.from_text(body_b, id="b")
    (row,) = match_json(a, b)
    assert set(row) == {"a", "b", "match", "diff", "misattributed"} and row["match"] == "exact"
    raw_a = "HEAD\n" + body_a
    assert raw_a[row["a"]["quoted"]["start"] : row["a"]["quoted"]["end"]] == row["a"]["quoted"]["text"]
    assert row["a"]["speaker"]["name"] == "Ruiz"


def test_end_to_end_misattributed_between_invented_articles():
    a = ("The harbour reopened on Monday.\n"
         "\"We lost forty boats in one night, and we will rebuild every one of them,\" harbour master Ana Ruiz "
         "said.\nMayor Luis Ortega said the repairs would take a year. \"Nobody here has seen a storm like this,\" "
         "Ortega added.\n")
    b = ("Mayor Luis Ortega said on Tuesday: \"We lost forty boats in one night.\"\n"
         "\"Nobody here has seen a storm like this in fifty years,\" Ortega told reporters.\n")
    got = {m.match: m for m in match_quotes(a, b)}
    assert got["truncated"].misattributed and got["truncated"].a.name == "Ana Ruiz"
    assert got["extended"].b.name == "Luis Ortega" and not got["extended"].misattributed
