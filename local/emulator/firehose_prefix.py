"""Firehose's S3 Prefix expressions, expanded as Firehose does for a batch: `!{timestamp:<Java
DateTimeFormatter pattern>}` with the arrival time (UTC), `!{firehose:random-string}`; a prefix without a
timestamp expression gets the default YYYY/MM/DD/HH/ appended. Used by local/emulator/moto_server.py."""
from __future__ import annotations

import re
import secrets
import string
from datetime import datetime

# Java DateTimeFormatter letters as strftime directives: the ones S3 prefixes use.
_JAVA_FIELDS = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_JAVA_TOKEN = re.compile(r"'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+")
_EXPRESSION = re.compile(r"!\{([^:}]+):([^}]*)\}")
_RANDOM_ALPHABET = string.ascii_lowercase + string.digits


def java_time(pattern: str, moment: datetime) -> str:
    """moment formatted by a Java DateTimeFormatter pattern (the subset in _JAVA_FIELDS, 'quoted' text)."""
    out = []
    for token in _JAVA_TOKEN.finditer(pattern):
        quoted, letter = token.group(1), token.group(2)
        if quoted is not None:
            out.append(quoted or "'")
        elif letter is None:
            out.append(token.group(0))
        elif token.group(0) in _JAVA_FIELDS:
            out.append(moment.strftime(_JAVA_FIELDS[token.group(0)]))
        else:
            raise ValueError(f"timestamp pattern {pattern!r}: {token.group(0)!r} is not supported locally; "
                             f"use {', '.join(_JAVA_FIELDS)}")
    return "".join(out)


def expand_prefix(prefix: str, moment: datetime) -> str:
    """An S3 destination Prefix as Firehose writes it for a batch arriving at moment (UTC): its expressions
    expanded, or without a timestamp expression, Firehose's default YYYY/MM/DD/HH/ appended."""
    timed = False

    def expression(match: re.Match[str]) -> str:
        nonlocal timed
        namespace, value = match.group(1).strip(), match.group(2).strip()
        if namespace == "timestamp":
            timed = True
            return java_time(value, moment)
        if namespace == "firehose" and value == "random-string":
            return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(11))
        raise ValueError(f"prefix {prefix!r}: !{{{namespace}:{value}}} is not valid in an S3 Prefix; "
                         "use !{timestamp:<pattern>} or !{firehose:random-string}")

    expanded = _EXPRESSION.sub(expression, prefix)
    if timed:
        return expanded
    # moto's own default layout (a slash after a non-empty prefix, then the hour).
    return f"{expanded}{'' if expanded.endswith('/') or expanded == '' else '/'}{moment.strftime('%Y/%m/%d/%H')}/"
