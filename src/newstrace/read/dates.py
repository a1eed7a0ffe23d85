"""Publication dates from the many ways inputs write them. A date stays a date; a datetime is made aware."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

__all__ = ["parse_date", "to_iso"]

UTC = dt.timezone.utc
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")
# Epoch numbers above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
EPOCH_MS_ABOVE = 1e11


def parse_date(value: object) -> dt.date | dt.datetime | None:
    """A ``date`` or timezone-aware ``datetime`` from ``value``, or None when it is not a date.

    Naive datetimes are read as UTC; a naive midnight (``2021-06-24 00:00:00``, how many exports write a bare
    date) stays a date.

    >>> parse_date("2021-05-20"), parse_date("2021-06-24 00:00:00")
    (datetime.date(2021, 5, 20), datetime.date(2021, 6, 24))
    >>> parse_date("Thu, 20 May 2021 10:30:00 GMT").isoformat()
    '2021-05-20T10:30:00+00:00'
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _aware(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    s = str(value).strip()
    if not s or len(s) > 64:
        return None
    if _ISO_DATE.match(s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            return None
    try:
        return _aware(dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        pass
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", s):
        return _epoch(float(s))
    return _named(s)


def _named(s: str) -> dt.date | dt.datetime | None:
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    if re.search(r"\d{1,2}:\d{2}", s):
        try:
            return _aware(parsedate_to_datetime(s))
        except (TypeError, ValueError, IndexError):
            return None
    return None


def _epoch(x: float) -> dt.datetime | None:
    if x > EPOCH_MS_ABOVE:
        x /= 1000.0
    try:
        return dt.datetime.fromtimestamp(x, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _aware(d: dt.datetime) -> dt.date | dt.datetime:
    if d.tzinfo is None:
        if (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0):
            return d.date()
        return d.replace(tzinfo=UTC)
    return d


def to_iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()
