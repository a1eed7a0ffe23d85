import datetime as dt

import pytest

from newstrace.read.dates import parse_date

UTC = dt.timezone.utc


@pytest.mark.parametrize("value, expected", [
    ("2021-05-20", dt.date(2021, 5, 20)),
    ("2021-06-24 00:00:00", dt.date(2021, 6, 24)),
    ("2021-05-20T10:30:00Z", dt.datetime(2021, 5, 20, 10, 30, tzinfo=UTC)),
    ("2021-05-20T10:30:00", dt.datetime(2021, 5, 20, 10, 30, tzinfo=UTC)),
    ("May 20, 2021", dt.date(2021, 5, 20)),
    ("20 May 2021", dt.date(2021, 5, 20)),
    ("Thu, 20 May 2021 10:30:00 GMT", dt.datetime(2021, 5, 20, 10, 30, tzinfo=UTC)),
    (1621506600, dt.datetime(2021, 5, 20, 10, 30, tzinfo=UTC)),
    (1621506600000, dt.datetime(2021, 5, 20, 10, 30, tzinfo=UTC)),
    ("yesterday", None), ("", None), (None, None), (True, None), ("2021-13-45", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_offsets_are_kept():
    d = parse_date("2021-05-20T10:30:00+02:00")
    assert d.utcoffset() == dt.timedelta(hours=2)
