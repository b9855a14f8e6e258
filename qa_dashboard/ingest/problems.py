"""Errors are values: every check adds a Problem; nothing is thrown at the first bad cell."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
SHOWN_LONGEST = 40  # characters of a cell's value a problem shows; a longer one is cut and ends "…"


def cut(text: str) -> str:
    """`text` as a problem shows it: its first SHOWN_LONGEST characters and "…" when longer."""
    return text if len(text) <= SHOWN_LONGEST else text[:SHOWN_LONGEST] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, placed as a performance officer would look for it.

    `row` is the row number as Excel shows it (None for a problem with the whole file or sheet);
    `column` is the column's header as written in the file, `value` the cell as written.
    """

    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    severity: str = ERROR
    file: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.value, str) and len(self.value) > SHOWN_LONGEST:  # a 32,767-character name is not echoed whole
            object.__setattr__(self, "value", cut(self.value))

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        """`sheet:row:column: message`, the command line's format (the file is named above it)."""
        row = "" if self.row is None else str(self.row)
        shown_value = f" (value: {self.value!r})" if self.value not in ("", None) else ""
        label = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.sheet}:{row}:{self.column}: {label}{self.message}{shown_value}"


def errors(problems) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def warnings(problems) -> list[Problem]:
    return [p for p in problems if p.severity == WARNING]


def shown(value: object) -> str:
    """A cell's value as the officer would recognise it in Excel."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y") if not hasattr(value, "hour") or (value.hour, value.minute) == (0, 0) else value.isoformat(sep=" ")
    return cut(str(value))
