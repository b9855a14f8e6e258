"""The data contract as Python objects, read once from ``catalogue.toml``.

Everything the product knows about sheets, columns, grades, practice areas and indicators
is spelt in that one file; code asks this module rather than spelling a label itself.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")

UNIT_SCALE = {"%": 100.0, "rate10k": 10_000.0}


def squash(text: object) -> str:
    """Lower-case a label and drop spaces, underscores and punctuation: `Audit Date` = `audit_date`."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    past: bool = False
    labels: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str
    aliases: tuple[str, ...]
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    better: str
    system_health: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PracticeArea:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grade:
    label: str
    rank: int
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Contract:
    sheets: dict[str, Sheet]
    indicators: tuple[Indicator, ...]
    practice_areas: tuple[PracticeArea, ...]
    grades: tuple[Grade, ...]
    not_grades: dict[str, str]
    missing: frozenset[str]
    yes: frozenset[str]
    no: frozenset[str]
    answers: dict[str, str]  # squashed answer -> positive / negative / neutral / excluded
    respondents: tuple[str, ...]
    audit_types: tuple[str, ...]
    sources: tuple[str, ...]
    statuses: tuple[str, ...]
    rags: tuple[str, ...]
    polarities: dict[str, str]  # squashed spelling -> higher / lower / neutral
    ignored_sheets: frozenset[str]  # squashed names of sheets that are never data
    column_lookup: dict[str, dict[str, str]] = field(default_factory=dict)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def grade_labels(self) -> tuple[str, ...]:
        return tuple(g.label for g in self.grades)


def _tuple(value) -> tuple:
    return tuple(value or ())


@cache
def load() -> Contract:
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    sheets = {}
    for name, spec in raw["sheets"].items():
        columns = tuple(
            Column(
                name=c["name"], kind=c["kind"], required=c.get("required", False),
                past=c.get("past", False), labels=_tuple(c.get("labels")), help=c.get("help", ""),
            )
            for c in spec["columns"]
        )
        sheets[name] = Sheet(name, spec["description"], _tuple(spec.get("aliases")), _tuple(spec["key"]), columns)
    practice_areas = tuple(PracticeArea(p["code"], p["label"], _tuple(p["aliases"])) for p in raw["practice_areas"])
    # Each practice area is an optional grade column of the audits sheet.
    audits = sheets["audits"]
    area_columns = tuple(
        Column(name=p.code, kind="grade", labels=(p.label, *p.aliases), help=f"Grade for {p.label}, or N/A when not judged.")
        for p in practice_areas
    )
    sheets["audits"] = Sheet(audits.name, audits.description, audits.aliases, audits.key, audits.columns + area_columns)
    answers = {squash(s): kind for kind, spellings in raw["answers"].items() for s in spellings}
    polarities = {squash(s): kind for kind, spellings in raw["polarities"].items() for s in spellings}
    contract = Contract(
        sheets=sheets,
        indicators=tuple(Indicator(**{**i, "aliases": _tuple(i.get("aliases"))}) for i in raw["indicators"]),
        practice_areas=practice_areas,
        grades=tuple(Grade(g["label"], g["rank"], _tuple(g["spellings"])) for g in raw["grades"]),
        not_grades={squash(k): v for k, v in raw["not_grades"].items()},
        missing=frozenset(squash(m) for m in raw["cells"]["missing"]) | {""},
        yes=frozenset(squash(s) for s in raw["yesno"]["yes"]),
        no=frozenset(squash(s) for s in raw["yesno"]["no"]),
        answers=answers,
        respondents=_tuple(raw["vocabulary"]["respondents"]),
        audit_types=_tuple(raw["vocabulary"]["audit_types"]),
        sources=_tuple(raw["vocabulary"]["sources"]),
        statuses=_tuple(raw["vocabulary"]["statuses"]),
        rags=_tuple(raw["vocabulary"]["rags"]),
        polarities=polarities,
        ignored_sheets=frozenset(squash(n) for n in raw["vocabulary"]["ignored_sheets"]),
    )
    for sheet in sheets.values():
        lookup = {}
        for column in sheet.columns:
            for spelling in (column.name, *column.labels):
                lookup.setdefault(squash(spelling), column.name)
        contract.column_lookup[sheet.name] = lookup
    return contract


def indicator_lookup() -> dict[str, Indicator]:
    """Every code, label and alias (squashed) -> its catalogue indicator."""
    found: dict[str, Indicator] = {}
    for indicator in load().indicators:
        for spelling in (indicator.code, indicator.label, *indicator.aliases):
            found.setdefault(squash(spelling), indicator)
    return found
