"""Write a new date the way the page already writes its date.

``May 6th, 2025`` becomes ``June 1st, 2025``, ``30 April 2018`` becomes ``1 June 2025``,
``2022-06-26T00:00:00.000Z`` becomes ``2025-06-01T00:00:00.000Z``: month names keep their
spelling (full or abbreviated) and case, ordinal suffixes and commas stay where they were,
and the time of an ISO timestamp is kept. A configured strftime pattern that reads the old
date writes the new one.
"""

from __future__ import annotations

import datetime as dt
import re

from checker.page.dates import MONTHS

_FULL = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_MDY = re.compile(
    r"^(?P<month>[A-Za-z]+)(?P<dot>\.?)(?P<s1> +)(?P<day>\d{1,2})(?P<ord>st|nd|rd|th|ST|ND|RD|TH)?"
    r"(?P<comma>,?)(?P<s2> +)(?P<year>\d{4})$"
)
_DMY = re.compile(
    r"^(?P<day>\d{1,2})(?P<ord>st|nd|rd|th|ST|ND|RD|TH)?(?P<dot1>\.?)(?P<s1> +)"
    r"(?P<month>[A-Za-z]+)(?P<dot>\.?)(?P<comma>,?)(?P<s2> +)(?P<year>\d{4})$"
)


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _month(old: str, month: int) -> str:
    full = _FULL[month - 1]
    was = MONTHS.get(old.casefold())
    if was is not None and old.casefold() == _FULL[was - 1].casefold():
        name = full  # "May" is a full name, not an abbreviation
    else:
        name = "Sept" if old.casefold() == "sept" and month == 9 else full[:3]
    if old.isupper():
        return name.upper()
    if old.islower():
        return name.lower()
    return name


def _day(old: str, day: int) -> str:
    return f"{day:02d}" if len(old) == 2 and old.startswith("0") else str(day)


def _suffix(old: str | None, day: int) -> str:
    if not old:
        return ""
    suffix = ordinal(day)
    return suffix.upper() if old.isupper() else suffix


def format_like(old: str, day: dt.date, formats: list[str] | None = None) -> str | None:
    """``day`` written in the shape of ``old``; ``None`` when ``old`` has no shape we know."""
    text = old.strip()
    for fmt in formats or []:
        if "%" in fmt:
            try:
                dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return day.strftime(fmt)
    if _ISO.match(text):
        return day.isoformat() + text[10:]
    if m := _MDY.match(text):
        if MONTHS.get(m["month"].casefold()) is None:
            return None
        return (
            f"{_month(m['month'], day.month)}{m['dot']}{m['s1']}{_day(m['day'], day.day)}"
            f"{_suffix(m['ord'], day.day)}{m['comma']}{m['s2']}{day.year}"
        )
    if m := _DMY.match(text):
        if MONTHS.get(m["month"].casefold()) is None:
            return None
        return (
            f"{_day(m['day'], day.day)}{_suffix(m['ord'], day.day)}{m['dot1']}{m['s1']}"
            f"{_month(m['month'], day.month)}{m['dot']}{m['comma']}{m['s2']}{day.year}"
        )
    return None
