"""The SQL examples of README.md's "Querying with Athena" section, statement by statement, as written."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Querying with Athena"


def readme_statements() -> list[str]:
    """Every statement of every ```sql block in the section, without its closing semicolon."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    blocks = re.findall(r"```sql\n(.*?)```", text[start:end if end >= 0 else None], re.S)
    statements = []
    for block in blocks:
        # A statement ends with ';' at the end of a line; the comment lines above it belong to it.
        for statement in re.split(r";[ \t]*\n", block):
            if statement.strip():
                statements.append(statement.strip().removesuffix(";").rstrip())
    return statements


def statement_with(marker: str) -> str:
    matching = [s for s in readme_statements() if marker in s]
    assert len(matching) == 1, f"expected one README query containing {marker!r}, found {len(matching)}"
    return matching[0]
