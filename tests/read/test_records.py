import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newstrace.errors import ConfigError
from newstrace.read.records import parse_mapping

from .helpers import BODY, jsonl, read_all


def test_jsonl_common_field_names(tmp_path):
    p = jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "headline": "Ferries resume", "body": BODY, "publish_date": "2024-02-03",
         "link": "https://x.example/a1", "publisher": "Island Times", "lang": "en"},
        {"content": "  " + BODY + "  ", "source": {"name": "Harbour News"}, "timestamp": 1706947200},
    ])
    arts, rejs = read_all(p)
    assert not rejs
    a, b = arts
    assert (a.id, a.title, a.published, a.url, a.outlet) == ("a1", "Ferries resume", dt.date(2024, 2, 3),
                                                              "https://x.example/a1", "Island Times")
    assert a.origin.line == 1 and a.origin.record == 1
    assert b.outlet == "Harbour News" and b.published == dt.datetime(2024, 2, 3, 8, tzinfo=dt.timezone.utc)
    assert b.text == BODY and b.offsets.to_source(0) == 2  # trimmed, mapped back into the field value
    assert len(b.id) == 16


def test_explicit_mapping_wins(tmp_path):
    p = jsonl(tmp_path / "a.jsonl", [{"text": "short teaser", "full": BODY, "site": "S"}])
    arts, _ = read_all(p, mapping=["text=full", "outlet=site"])
    assert arts[0].text == BODY and arts[0].outlet == "S"
    with pytest.raises(ConfigError):
        parse_mapping(["colour=x"])
    with pytest.raises(ConfigError):
        parse_mapping(["text"])


def test_json_array_and_nested_list(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": BODY}, {"text": BODY + " More."}, 3]))
    (tmp_path / "b.json").write_text(json.dumps({"status": "ok", "articles": [{"body": BODY, "id": 7}]}))
    arts, rejs = read_all(tmp_path / "a.json", tmp_path / "b.json")
    assert len(arts) == 3 and arts[2].id == "7"
    assert [(r.reason, r.origin.record) for r in rejs] == [("malformed", 3)]


def test_csv_multiline_fields_and_paperurl_outlet(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('url,paperurl,title,date,text\r\n'
                 'https://x.example/1,https://x.example/,"Ferries, again",2021-06-24 00:00:00,"Line one.\r\n\r\n'
                 'Line ""two""."\r\n'
                 'https://y.example/2,https://y.example/,Other,2021-06-25,"' + BODY + '"\r\n', encoding="utf-8")
    arts, rejs = read_all(p)
    assert not rejs
    assert arts[0].text == 'Line one.\r\n\r\nLine "two".' and arts[0].title == "Ferries, again"
    assert arts[0].outlet == "https://x.example/" and arts[0].published == dt.date(2021, 6, 24)
    assert (arts[1].origin.line, arts[1].origin.record) == (5, 2)


def test_semicolon_csv_and_tsv(tmp_path):
    (tmp_path / "a.csv").write_text(f"id;text\n1;{BODY}\n")
    (tmp_path / "b.tsv").write_text(f'id\ttext\n2\tHe said "yes, fine\tthen.\n3\t{BODY}\n')
    arts, rejs = read_all(tmp_path / "a.csv", tmp_path / "b.tsv")
    assert [a.id for a in arts] == ["1", "3"]
    assert rejs[0].reason == "malformed" and rejs[0].origin.line == 2


def test_parquet(tmp_path):
    p = tmp_path / "a.parquet"
    pq.write_table(pa.table({"article_id": ["p1", "p2"], "maintext": [BODY, ""],
                             "date_publish": [dt.datetime(2024, 2, 3, 9, 30), None]}), p)
    arts, rejs = read_all(p)
    assert arts[0].id == "p1" and arts[0].published == dt.datetime(2024, 2, 3, 9, 30, tzinfo=dt.timezone.utc)
    assert [(r.reason, r.origin.record) for r in rejs] == [("empty", 2)]


def test_record_without_text_field_is_malformed(tmp_path):
    arts, rejs = read_all(jsonl(tmp_path / "a.jsonl", [{"title": "no body"}, {"text": 12}]))
    assert not arts and [r.reason for r in rejs] == ["malformed", "malformed"]
