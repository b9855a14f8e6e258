"""The data contract as Python objects, read once from ``catalogue.toml``.

Everything the product knows about sheets, columns, grades, practice areas, indicators,
comparators and colours is spelt in that one file; code asks this module rather than spelling
a label itself. `load(path)` reads another catalogue (tests use it to prove that a rule added
to the file needs no code).
"""
from __future__ import annotations

import re
import unicodedata
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")

UNIT_SCALE = {"%": 100.0, "rate10k": 10_000.0}


def squash(text: object) -> str:
    """Lower-case a label and drop spaces, underscores and punctuation: `Audit Date` = `audit_date`."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def squash_folded(text: object) -> str:
    """`squash` after Unicode's compatibility folding and case folding, for a name that must not
    pass for another: fullwidth `Ｗｈｏｌｅ authority` is `wholeauthority`. (Letters of another
    script that look alike, a Cyrillic `о`, are not folded.)"""
    return squash(unicodedata.normalize("NFKC", str(text)).casefold())


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    past: bool = False
    labels: tuple[str, ...] = ()
    help: str = ""
    stored: bool = True
    default: object = None  # what a blank cell means, when not "missing"
    free_text: bool = False  # keeps its line breaks; every other column's text is a name (plain_text.clean_name)
    longest: int | None = None  # a name's cap for this column, where it is not the catalogue's [names] longest


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str
    aliases: tuple[str, ...]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    derived: tuple[Column, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def past(self) -> tuple[Column, ...]:
        """Date and month columns whose values may not be after today."""
        return tuple(c for c in self.columns if c.past)

    @property
    def stored(self) -> tuple[str, ...]:
        """The columns a row of this sheet keeps in the database: read ones, then derived ones."""
        return tuple(c.name for c in self.columns if c.stored) + tuple(c.name for c in self.derived)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    better: str
    system_health: bool = False
    aliases: tuple[str, ...] = ()
    definition: str = ""        # what it counts, in plain words, for the pack's appendix


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
    good_or_better: bool = False
    colour: str = ""


@dataclass(frozen=True)
class OfstedOverview:
    """The ILACS overview file: its columns (name -> headings it answers to), the columns a sheet
    needs to be recognised, Ofsted's grades and the cells that hold no grade."""

    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    codes: tuple[str, ...]
    grades: tuple[Grade, ...]
    no_grade: frozenset[str]         # squashed
    frameworks: dict[str, str]       # squashed spelling -> label

    @cached_property
    def column_lookup(self) -> dict[str, str]:
        return {squash(h): name for name, headings in self.columns.items() for h in (name, *headings)}

    @cached_property
    def grade_lookup(self) -> dict[str, Grade]:
        return {squash(s): g for g in self.grades for s in (g.label, *g.spellings)}

    @property
    def grade_labels(self) -> tuple[str, ...]:
        return tuple(g.label for g in sorted(self.grades, key=lambda g: g.rank))


def _ofsted(raw: dict) -> OfstedOverview:
    return OfstedOverview(
        columns={name: _tuple(headings) for name, headings in raw["columns"].items()},
        required=_tuple(raw["required"]), codes=_tuple(raw["codes"]),
        grades=tuple(Grade(g["label"], g["rank"], _tuple(g["spellings"])) for g in raw["grades"]),
        no_grade=frozenset(squash(s) for s in raw["no_grade"]),
        frameworks={squash(k): v for k, v in raw["frameworks"].items()})


@dataclass(frozen=True)
class Comparator:
    """What a figure is set against: a target, or a published comparator's figure."""

    column: str                  # the kpi sheet's column
    label: str                   # heading a table column or a chart line
    phrase: str                  # inside a sentence
    colour: str
    dash: tuple[int, ...]
    geography_level: str | None = None  # the benchmarks view's level; None for the target


@dataclass(frozen=True)
class Palette:
    categorical: tuple[str, ...]
    own_figure: str
    lighter: str
    neutral: str
    spc: dict[str, str] = field(default_factory=dict)  # statistical process control's marks and lines


@dataclass(frozen=True)
class SpcWords:
    """The words statistical process control is read in (catalogue section `spc`): variation,
    assurance and rule, each keyed by what the code asks for, and the sentences' templates."""

    variation: dict[str, str]
    assurance: dict[str, str]
    rules: dict[str, str]
    sentences: dict[str, str]


@dataclass(frozen=True)
class LoopWords:
    """The learning loop's settings and words (catalogue section `loop`): how many points a
    warning and a verdict need, how many red months warn, the band that warns and when a year's
    band counts as published, the indicator_links kinds, and the sentences' templates."""

    fewest_points: int
    red_months: int
    warning_band: str
    band_published_month: int
    kinds: dict[str, str]
    words: dict[str, str]


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
    whole_authority: str = "Whole authority"  # the catalogue's; what no team or service area may be called
    comparators: tuple[Comparator, ...] = ()
    palette: Palette | None = None
    spc: SpcWords | None = None
    loop: LoopWords | None = None

    ofsted: OfstedOverview | None = None
    column_lookup: dict[str, dict[str, str]] = field(default_factory=dict)
    # Among every authority: band letter -> meaning; above/within/below -> the middle-half words.
    band_meanings: dict[str, str] = field(default_factory=dict)
    middle_half_words: dict[str, str] = field(default_factory=dict)
    longest_name: int = 200  # the catalogue's [names] longest: a name longer is refused at the door

    def indicator(self, code: str) -> Indicator | None:
        return self._indicators_by_code.get(code)

    @cached_property
    def _indicators_by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @property
    def grade_labels(self) -> tuple[str, ...]:
        return tuple(g.label for g in self.grades)

    @property
    def worst_grade(self) -> Grade:
        return max(self.grades, key=lambda g: g.rank)

    @property
    def good_or_better_ranks(self) -> frozenset[int]:
        return frozenset(g.rank for g in self.grades if g.good_or_better)

    @property
    def published_comparators(self) -> tuple[Comparator, ...]:
        """Statistical neighbours, region and England: the comparators DfE publishes."""
        return tuple(c for c in self.comparators if c.geography_level)

    def stored_columns(self, dataset: str) -> tuple[str, ...]:
        """The columns a dataset's rows keep, in table order (the load writes exactly these)."""
        return self.sheets[dataset].stored


def _tuple(value) -> tuple:
    return tuple(value or ())


def _column(spec: dict) -> Column:
    return Column(name=spec["name"], kind=spec["kind"], required=spec.get("required", False),
                  past=spec.get("past", False), labels=_tuple(spec.get("labels")), help=spec.get("help", ""),
                  stored=spec.get("stored", True), default=spec.get("default"),
                  free_text=spec.get("free_text", False), longest=spec.get("longest"))


def _sheets(raw: dict, practice_areas: tuple[PracticeArea, ...]) -> dict[str, Sheet]:
    sheets = {
        name: Sheet(name, spec["description"], _tuple(spec.get("aliases")), _tuple(spec["key"]),
                    tuple(_column(c) for c in spec["columns"]), tuple(_column(c) for c in spec.get("derived", ())))
        for name, spec in raw["sheets"].items()
    }
    # Each practice area is an optional grade column of the audits sheet.
    audits = sheets["audits"]
    area_columns = tuple(
        Column(name=p.code, kind="grade", labels=(p.label, *p.aliases), help=f"Grade for {p.label}, or N/A when not judged.")
        for p in practice_areas
    )
    sheets["audits"] = Sheet(audits.name, audits.description, audits.aliases, audits.key,
                             audits.columns + area_columns, audits.derived)
    return sheets


def _by_kind(section: dict) -> dict[str, str]:
    """{kind: [spellings]} -> {squashed spelling: kind}."""
    return {squash(s): kind for kind, spellings in section.items() for s in spellings}


@cache
def load(path: Path = CATALOGUE_FILE) -> Contract:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    practice_areas = tuple(PracticeArea(p["code"], p["label"], _tuple(p["aliases"])) for p in raw["practice_areas"])
    sheets = _sheets(raw, practice_areas)
    words = raw["vocabulary"]
    contract = Contract(
        sheets=sheets,
        indicators=tuple(Indicator(**{**i, "aliases": _tuple(i.get("aliases"))}) for i in raw["indicators"]),
        practice_areas=practice_areas,
        grades=tuple(Grade(g["label"], g["rank"], _tuple(g["spellings"]), g.get("good_or_better", False),
                           g.get("colour", "")) for g in raw["grades"]),
        not_grades={squash(k): v for k, v in raw["not_grades"].items()},
        missing=frozenset(squash(m) for m in raw["cells"]["missing"]) | {""},
        yes=frozenset(squash(s) for s in raw["yesno"]["yes"]),
        no=frozenset(squash(s) for s in raw["yesno"]["no"]),
        answers=_by_kind(raw["answers"]),
        respondents=_tuple(words["respondents"]),
        audit_types=_tuple(words["audit_types"]),
        sources=_tuple(words["sources"]),
        statuses=_tuple(words["statuses"]),
        rags=_tuple(words["rags"]),
        polarities=_by_kind(raw["polarities"]),
        ignored_sheets=frozenset(squash(n) for n in words["ignored_sheets"]),
        whole_authority=words["whole_authority"][0],
        comparators=tuple(Comparator(**{**c, "dash": _tuple(c.get("dash"))}) for c in raw["comparators"]),
        palette=Palette(**{**raw["palette"], "categorical": _tuple(raw["palette"]["categorical"])}),
        spc=SpcWords(**{part: dict(words) for part, words in raw["spc"].items()}),
        loop=LoopWords(**{k: dict(v) if isinstance(v, dict) else v for k, v in raw["loop"].items()}),

        ofsted=_ofsted(raw["ofsted"]) if "ofsted" in raw else None,
        band_meanings=dict(raw["positions"]["bands"]),
        middle_half_words=dict(raw["positions"]["middle_half"]),
        longest_name=int(raw["names"]["longest"]),
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


def spc_words() -> SpcWords:
    """Variation, assurance and rule words, and the SPC sentences' templates."""
    return load().spc


def loop_words() -> LoopWords:
    """The learning loop's settings, link kinds and sentences' templates."""
    return load().loop


def palette() -> Palette:
    """The chart colours (Okabe–Ito) and the named ones the pages use."""
    return load().palette


def grade_colours() -> dict[str, str]:
    """Grade label -> colour, best grade first."""
    return {g.label: g.colour for g in sorted(load().grades, key=lambda g: g.rank)}


def comparator_labels(with_target: bool = True) -> dict[str, str]:
    """kpi column -> the comparator's label, in the catalogue's order."""
    return {c.column: c.label for c in load().comparators if with_target or c.geography_level}
