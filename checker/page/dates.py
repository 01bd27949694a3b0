"""Read the dates pages write: ISO by default, the common English forms when enabled."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NAMED_FORMATS = ("iso", "month-day-year", "day-month-year")
"""The date formats known by name (config ``date.formats`` may add strftime patterns)."""

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MDY = re.compile(r"^([A-Za-z]+)\.? +(\d{1,2})(?:st|nd|rd|th)?,? +(\d{4})$")
_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.? +([A-Za-z]+)\.?,? +(\d{4})$")


@dataclass(slots=True)
class ParsedDate:
    """A date statement read under some format."""

    date: dt.date | None
    """The date, when the text is a real date in an accepted format."""
    format: str | None
    """The format the text is written in, accepted or not (``None``: no known format)."""
    problem: str | None
    """Why ``date`` is ``None``: impossible date, or a format that is not accepted."""


def _build(year: str, month: int | None, day: str, fmt: str) -> ParsedDate:
    if month is None:
        return ParsedDate(None, None, "unknown month name")
    try:
        return ParsedDate(dt.date(int(year), month, int(day)), fmt, None)
    except ValueError:
        return ParsedDate(
            None, fmt, f"there is no such day ({year}, month {month}, day {int(day)})"
        )


def _read(text: str) -> ParsedDate:
    value = " ".join(text.split())
    if m := _ISO.match(value):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return ParsedDate(None, "iso", f"there is no month {month}")
        return _build(m.group(1), month, m.group(3), "iso")
    if m := _MDY.match(value):
        return _build(m.group(3), MONTHS.get(m.group(1).casefold()), m.group(2), "month-day-year")
    if m := _DMY.match(value):
        return _build(m.group(3), MONTHS.get(m.group(2).casefold()), m.group(1), "day-month-year")
    return ParsedDate(None, None, "not a date in any known format")


def parse_date(text: str, formats: list[str]) -> ParsedDate:
    """Read ``text`` under the accepted ``formats`` (named formats or strftime patterns)."""
    for fmt in formats:
        if "%" in fmt:
            try:
                return ParsedDate(dt.datetime.strptime(text.strip(), fmt).date(), fmt, None)
            except (ValueError, re.error):
                # re.error: a format that names a field twice ("%d%d") cannot read any date;
                # it comes from the config, which a pull request writes, so it is no crash.
                continue
    parsed = _read(text)
    if parsed.format is None or parsed.problem:
        return parsed
    if parsed.format not in formats:
        return ParsedDate(None, parsed.format, f"the {parsed.format} format is not accepted")
    return parsed
