"""Ofsted's judgements beside the figures: the authority's latest ILACS judgement, its
statistical neighbours' and its region's, counted by grade. Worked out from the
`ofsted_judgements` query's frame; pure, tested without Streamlit. The Overview page and the
board pack's cover both show what `judgements` returns."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from qa_dashboard import contract

NO_GRADE = "No overall grade in the file"
NOT_IN_FILE = "Not in the Ofsted file"
NEIGHBOUR_COLUMNS = ["Closeness rank", "Neighbour", "Overall effectiveness", "Inspection", "Framework", "Published"]


@dataclass
class Judgements:
    """What the Overview's Ofsted block and the pack's cover say."""

    headline: str                      # the authority's judgement and dates, or why there is none
    loaded: bool = False               # an ILACS overview is loaded
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)      # grade x (neighbours, region)
    neighbours: pd.DataFrame = field(default_factory=pd.DataFrame)  # each neighbour and its grade
    notes: list[str] = field(default_factory=list)                  # the counts in words


def _date(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def inspection_dates(start, end) -> str:
    """`11 to 15 September 2023`; `30 September to 4 October 2024`; one date when that is all."""
    start, end = _date(start), _date(end)
    if start and end and start != end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day} to {_day(end)}"
        if start.year == end.year:
            return f"{start.day} {start:%B} to {_day(end)}"
        return f"{_day(start)} to {_day(end)}"
    return _day(start or end)


def _grade(row: dict) -> str:
    if not row["in_file"]:
        return NOT_IN_FILE
    return row["overall_effectiveness"] or NO_GRADE


def _headline(row: dict | None, name: str) -> str:
    if row is None or not row["in_file"]:
        return (f"{name} is not in the Ofsted file loaded, so it has no judgement under ILACS there: "
                "not inspected under ILACS, as far as that file says.")
    dates = inspection_dates(row["inspection_start"], row["inspection_end"])
    if not dates:
        return f"{name} has not been inspected under ILACS, as the Ofsted file loaded says."
    inspection = f"{row['framework'].lower() if row['framework'] else 'inspection'} of {dates}"
    published = _date(row["published"])
    report = f"report published {_day(published)}" if published else "report not yet published"
    if not row["overall_effectiveness"]:
        return f"{name}: the Ofsted file gives no overall effectiveness grade for its {inspection}; {report}."
    return f"{name}: {row['overall_effectiveness']}. Ofsted's latest judgement, from its {inspection}; {report}."


def _in_words(counts: dict[str, int], total: int, who: str) -> str:
    parts = [f"{n} {grade.lower()}" for grade, n in counts.items() if n]
    return f"{who}: " + ("; ".join(parts) if parts else "none") + f" (of {total})."


def judgements(frame: pd.DataFrame) -> Judgements:
    rows = [{k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]
    status = next((r for r in rows if r["role"] == "file"), None)
    if status is None or not status["in_file"]:
        return Judgements("No Ofsted file is loaded. Upload Ofsted's ILACS overview (one row per authority: la_code, "
                          "overall_effectiveness_grade, inspection dates) to show Ofsted's judgements here.")
    name = status["la_name"]
    if name is None:
        return Judgements("An Ofsted file is loaded, but the dashboard does not know which authority it belongs to. "
                          "Choose the authority on the Upload page to see its judgement beside its neighbours'.",
                          loaded=True)
    own = next((r for r in rows if r["role"] == "authority"), None)
    neighbours = [r for r in rows if r["role"] == "neighbour"]
    region = [r for r in rows if r["role"] == "region"]
    labels = contract.comparator_labels(with_target=False)
    neighbours_label = labels["stat_neighbours"]
    region_name = own["region_name"] if own and own["region_name"] else labels["region"]
    order = [*contract.load().ofsted.grade_labels, NO_GRADE, NOT_IN_FILE]
    counted = {
        neighbours_label: {g: sum(_grade(r) == g for r in neighbours) for g in order},
        f"{region_name} (all its authorities)": {g: sum(_grade(r) == g for r in region) for g in order},
    }
    counts = pd.DataFrame({"Overall effectiveness": order, **{k: list(v.values()) for k, v in counted.items()}})
    counts = counts[(counts.iloc[:, 1:] > 0).any(axis=1) | counts["Overall effectiveness"].isin(order[:-2])]
    table = pd.DataFrame([{
        "Closeness rank": r["neighbour_rank"], "Neighbour": r["la_name"], "Overall effectiveness": _grade(r),
        "Inspection": inspection_dates(r["inspection_start"], r["inspection_end"]) or "not inspected under ILACS",
        "Framework": r["framework"] or "", "Published": _day(_date(r["published"])) or ""}
        for r in neighbours], columns=NEIGHBOUR_COLUMNS)
    notes = []
    if neighbours:
        notes.append(_in_words(counted[neighbours_label], len(neighbours), "Its statistical neighbours"))
    else:
        notes.append("Its statistical neighbours are not known: load DfE's statistical-neighbour model.")
    notes.append(_in_words(counted[f"{region_name} (all its authorities)"], len(region),
                           f"{region_name}'s authorities, {name} included"))
    return Judgements(_headline(own, name), True, counts.reset_index(drop=True), table, notes)
