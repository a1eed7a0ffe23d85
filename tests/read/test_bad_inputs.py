"""One test per bad-input case of the issue: each becomes a counted Rejection and the rest still loads."""

import bz2
import gzip
import lzma
import zipfile

from newstrace.read import ReadSettings, read

from .helpers import BODY, jsonl, page, read_all, split, warc


def test_binary_file(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    _, rejs = read_all(tmp_path / "photo.txt")
    assert [r.reason for r in rejs] == ["binary"]


def test_empty_and_whitespace_only_articles(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n   \n")
    (tmp_path / "a.jsonl").write_text('{"text": "   "}\n')
    arts, rejs = read_all(tmp_path)
    assert not arts and sorted(r.reason for r in rejs) == ["empty", "empty", "empty"]


def test_undecodable_bytes(tmp_path):
    # a record of bytes that are not UTF-8 and carry control bytes no text encoding produces
    (tmp_path / "a.jsonl").write_bytes(b'{"text": "ok ' + BODY.encode() + b'"}\n' + b"\xff\xfe\x00\x01\x02\x03" * 20
                                       + b"\n")
    arts, rejs = read_all(tmp_path / "a.jsonl")
    assert len(arts) == 1 and rejs[0].reason in ("binary", "undecodable") and rejs[0].origin.line == 2


def test_legacy_encoding_is_decoded_not_rejected(tmp_path):
    text = "Le maire a déclaré que le café de la gare rouvrira après les travaux de l'été prochain."
    (tmp_path / "fr.txt").write_bytes(("Titre\n\n" + text * 3).encode("cp1252"))
    arts, rejs = read_all(tmp_path / "fr.txt")
    assert not rejs and "déclaré" in arts[0].text


def test_malformed_jsonl_line_rest_loads(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "one ' + BODY + '"}\n{"text": broken\n\n[1, 2]\n{"text": "four ' + BODY + '"}\n')
    arts, rejs = read_all(p)
    assert len(arts) == 2 and arts[1].origin.line == 5
    assert [(r.reason, r.origin.line) for r in rejs] == [("malformed", 2), ("malformed", 4)]


def test_truncated_gzip_keeps_records_before_the_damage(tmp_path):
    lines = "".join('{"id": "r%d", "text": "%s %d"}\n' % (i, BODY, i) for i in range(200)).encode()
    data = gzip.compress(lines)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    arts, rejs = read_all(tmp_path / "cut.jsonl.gz")
    assert 20 < len(arts) < 200 and [a.id for a in arts] == [f"r{i}" for i in range(len(arts))]
    assert [r.reason for r in rejs] == ["truncated"]
    assert arts[0].origin.member == "cut.jsonl"


def test_truncated_warc_keeps_records_before_the_damage(tmp_path):
    p = warc(tmp_path / "c.warc.gz", [(f"https://x.example/{i}", page(f"T{i}", BODY + f" Item {i}."), "text/html")
                                      for i in range(6)])
    data = p.read_bytes()
    p.write_bytes(data[: int(len(data) * 0.7)])
    arts, rejs = read_all(p)
    assert 2 <= len(arts) < 6
    assert [r.reason for r in rejs] == ["truncated"] and rejs[0].origin.record == len(arts) + 1


def test_csv_row_with_broken_quote_rest_loads(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('id,text\n1,"' + BODY + '"\n2,"He said ""no"" and left\n3,"' + BODY + ' Three."\n4,"' + BODY
                 + ' Four."\n')
    arts, rejs = read_all(p)
    assert [a.id for a in arts] == ["1", "3", "4"]
    assert [(r.reason, r.origin.line) for r in rejs] == [("malformed", 3)]


def test_twenty_megabyte_article_is_too_large(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Headline\n\n" + ("word " * 4_200_000))  # 21 MB
    (tmp_path / "big.jsonl").write_text('{"text": "' + "x" * 9_000_000 + '"}\n{"text": "' + BODY + '"}\n')
    arts, rejs = read_all(big, tmp_path / "big.jsonl")
    assert len(arts) == 1 and [r.reason for r in rejs] == ["too-large", "too-large"]


def test_limit_is_a_setting(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    items = list(read([str(tmp_path / "a.txt")], settings=ReadSettings(max_article_bytes=50)))
    assert items[0].reason == "too-large"


def test_missing_path_and_bad_containers(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "bad.gz").write_bytes(b"plain text named gz")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 nope")
    arts, rejs = split(list(read([str(tmp_path / "nope.txt"), str(tmp_path / "bad.zip"), str(tmp_path / "bad.gz"),
                                  str(tmp_path / "bad.parquet")])))
    assert not arts
    assert [r.reason for r in rejs] == ["unreadable", "malformed", "malformed", "malformed"]


def test_containers_of_every_kind(tmp_path):
    rec = ('{"id": "c1", "text": "%s"}\n' % BODY).encode()
    (tmp_path / "a.jsonl.bz2").write_bytes(bz2.compress(rec))
    (tmp_path / "b.jsonl.xz").write_bytes(lzma.compress(rec.replace(b"c1", b"c2")))
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as z:
        z.writestr("dir/one.txt", "Zip headline\n\n" + BODY)
        z.writestr("two.jsonl.gz", gzip.compress(rec.replace(b"c1", b"c3")))
        z.writestr("__MACOSX/._one.txt", b"\x00\x05")
    jsonl(tmp_path / "plain.jsonl", [{"id": "c4", "text": BODY}])
    arts, rejs = read_all(tmp_path)
    assert not rejs
    assert sorted(a.id for a in arts if a.id.startswith("c")) == ["c1", "c2", "c3", "c4"]
    members = {a.origin.member for a in arts}
    assert {"a.jsonl", "b.jsonl", "dir/one.txt", "two.jsonl.gz/two.jsonl"} <= members


def test_decompression_past_the_container_limit_is_too_large(tmp_path):
    lines = "".join('{"id": "z%d", "text": "%s"}\n' % (i, BODY) for i in range(100)).encode()
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(lines))
    items = list(read([str(tmp_path / "bomb.jsonl.gz")], settings=ReadSettings(max_container_bytes=len(lines) // 2)))
    arts, rejs = split(items)
    assert 10 < len(arts) < 100 and [r.reason for r in rejs] == ["too-large"]


def test_unpaired_surrogate_escapes_become_replacement_characters_in_place(tmp_path):
    # JSON may escape half of a surrogate pair ("\ud800"): not a Unicode character, and no store takes it.
    # The record loads, the half becomes U+FFFD at the same offset, a whole escaped pair stays one character.
    (tmp_path / "a.jsonl").write_text(
        '{"title": "Ti\\udc00tle", "outlet": "Wire\\ud800", "text": "He said \\"we \\ud800 will\\" \\ud83d\\ude00 ok."}\n'
        '{"text": "' + BODY + '"}\n')
    arts, rejs = read_all(tmp_path / "a.jsonl")
    assert not rejs and len(arts) == 2
    a = arts[0]
    assert a.text == 'He said "we \ufffd will" \U0001F600 ok.' and a.text.index("\ufffd") == 12
    assert a.title == "Ti\ufffdtle" and a.outlet == "Wire\ufffd"
    a.text.encode("utf-8")  # everything downstream (Arrow, DuckDB, the stemmer) can take it now
