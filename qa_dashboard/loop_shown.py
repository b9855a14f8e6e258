"""What the pages and the pack show of the learning loop (issue 21, "Where it shows"), from the
rows of the `early_warnings`, `indicator_links` and `loop_verdicts` views. Pure: no Streamlit.

- `events`: the marks on an indicator's XmR chart: the month each run of warnings was raised, a
  themed audit commissioned and completed, an action completed; each with its words.
- `block`: System health's "The loop" under the chart: the warnings (each run with its reasons),
  the themed audits (n audits, judgement mix, findings), the actions (status and RAG), the verdict.
- `open_warnings` and `verdicts`: the Overview's "Early warnings" and "What we did and what
  moved", as sentences and a table.
- `themed_audits`: the Audits page's table of themed audits.

Words from an upload (themes, titles, findings) are returned as they are: the pages show them
with st.text or escaped, never as Markdown or HTML.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from qa_dashboard import contract
from qa_dashboard.periods import month_label

# The kinds of mark on the chart, in the legend's order.
WARNING, COMMISSIONED, AUDIT_DONE, ACTION_DONE = ("Warning raised", "Themed audit commissioned",
                                                  "Themed audit completed", "Action completed")
EVENT_KINDS = (WARNING, COMMISSIONED, AUDIT_DONE, ACTION_DONE)


def _date(value) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _month(value) -> dt.date:
    value = _date(value)
    return dt.date(value.year, value.month, 1)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _number(month: dt.date) -> int:
    return month.year * 12 + month.month


@dataclass(frozen=True)
class Run:
    """Consecutive months with a warning: the first, the last, and why in each."""

    first: dt.date
    last: dt.date
    months: int
    first_reasons: str
    last_reasons: str

    def sentence(self) -> str:
        if self.months == 1:
            return f"Warning raised in {month_label(self.first)}: {self.first_reasons}."
        said = (f"Warning raised in {month_label(self.first)} and every month to {month_label(self.last)} "
                f"({self.months} months). In {month_label(self.first)}: {self.first_reasons}.")
        if self.last_reasons != self.first_reasons:
            said += f" In {month_label(self.last)}: {self.last_reasons}."
        return said


def warning_runs(warnings: pd.DataFrame) -> list[Run]:
    """The runs of consecutive warning months in `loop_warnings_for` rows (period, reasons), oldest first."""
    if warnings is None or warnings.empty:
        return []
    rows = sorted((_month(p), r) for p, r in zip(warnings["period"], warnings["reasons"]))
    runs: list[list] = []
    for month, reasons in rows:
        if runs and _number(month) - _number(runs[-1][-1][0]) == 1:
            runs[-1].append((month, reasons))
        else:
            runs.append([(month, reasons)])
    return [Run(run[0][0], run[-1][0], len(run), run[0][1], run[-1][1]) for run in runs]


def of_scope(warnings: pd.DataFrame, team: str | None) -> pd.DataFrame:
    """The `loop_warnings_shown` rows of one scope: the team's, or the whole authority's (None)."""
    if warnings is None or warnings.empty:
        return warnings
    keep = warnings["team"].isna() if team is None else warnings["team"] == team
    return warnings[keep]


def _mix(judgements) -> list[tuple[str, int]]:
    if judgements is None or judgements is pd.NA or (isinstance(judgements, float) and judgements != judgements):
        return []
    return [(item["grade"] if item["grade"] is not None else "not judged", int(item["n"])) for item in judgements]


def mix_words(judgements, shares: bool = True) -> str:
    """A themed audit's overall judgement mix: `Good 1 (50%), Requires improvement 1 (50%)`; the
    percentages are of the audits judged under the theme, whose n the caller states. Without
    `shares`, counts of the whole (`Good 1 of 2, Requires improvement 1 of 2`), the form a
    published pack suppresses when a count is under 5."""
    mix = _mix(judgements)
    total = sum(n for _, n in mix)
    if not total:
        return ""
    if not shares:
        return ", ".join(f"{grade} {n} of {total}" for grade, n in mix)
    return ", ".join(f"{grade} {n} ({n / total:.0%})" for grade, n in mix)


def _link_rows(links: pd.DataFrame | None) -> list[dict]:
    return [] if links is None or links.empty else links.to_dict("records")


def events(warnings: pd.DataFrame | None, links: pd.DataFrame | None, start: dt.date | None = None,
           end: dt.date | None = None) -> pd.DataFrame:
    """The chart's marks (period: the first of the month; event: one of EVENT_KINDS; label: its
    words), between `start` and `end` when given: the first month of each run of warnings (a run
    raised before `start` and still warning then is marked at `start`, "Warning since June 2023"),
    each themed audit's commission and completion, each action's completion."""
    rows = []
    for run in warning_runs(warnings):
        if start is not None and run.first < _month(start) <= run.last:  # raised before the chart begins
            rows.append((_month(start), WARNING, f"Warning since {month_label(run.first)}"))
        else:
            rows.append((run.first, WARNING, "Warning raised"))
    for link in _link_rows(links):
        reference = _text(link["reference"]) or ""
        if link["kind"] == "themed audit":
            if (started := _date(link["started"])) is not None:
                rows.append((_month(started), COMMISSIONED, f"Audit commissioned: {reference}"))
            if (completed := _date(link["completed"])) is not None:
                rows.append((_month(completed), AUDIT_DONE, f"Audit completed: {reference}"))
        elif (completed := _date(link["completed"])) is not None:
            rows.append((_month(completed), ACTION_DONE, f"Action {reference} completed"))
    frame = pd.DataFrame(rows, columns=["period", "event", "label"])
    if start is not None:
        frame = frame[frame["period"] >= _month(start)]
    if end is not None:
        frame = frame[frame["period"] <= _month(end)]
    return frame.sort_values(["period", "event"], key=lambda c: c.map(EVENT_KINDS.index) if c.name == "event" else c
                             ).reset_index(drop=True)


def events_by_month(frame: pd.DataFrame) -> dict[dt.date, str]:
    """Each month's marks in words, for the Figures table's "Loop" column."""
    return {month: "; ".join(group["label"]) for month, group in frame.groupby("period", sort=True)}


@dataclass(frozen=True)
class Audit:
    theme: str
    lines: tuple[str, ...]          # what it was, when, n and judgement mix (words we wrote)
    findings: str | None            # as uploaded: shown as plain text


@dataclass(frozen=True)
class Block:
    """System health's "The loop" for one indicator and scope."""

    warnings: tuple[str, ...] = ()
    audits: tuple[Audit, ...] = ()
    actions: tuple[str, ...] = ()
    verdict: str | None = None
    empty: bool = field(default=False)


def _audit(link: dict) -> Audit:
    theme = _text(link["reference"]) or ""
    started, completed = _date(link["started"]), _date(link["completed"])
    when = []
    if started is not None:
        when.append(f"commissioned {_day(started)}")
    when.append(f"completed {_day(completed)}" if completed is not None else "not completed yet")
    head = f"Themed audit: {theme}" + (f" ({_text(link['title'])})" if _text(link["title"]) else "")
    status = _text(link["status"])
    lines = [f"{head}: {', '.join(when)}" + (f"; status {status}." if status else ".")]
    n = link["audits_n"]
    n = 0 if n is None or n is pd.NA or n != n else int(n)
    mix = mix_words(link.get("judgements"))
    lines.append(f"{n} case audits under the theme" + (f", overall judgements: {mix}." if mix else "."))
    return Audit(theme, tuple(lines), _text(link.get("findings")))


def _action(link: dict) -> str:
    title = _text(link["title"])
    said = f"Action {_text(link['reference'])}" + (f": {title}" if title else "")
    status, rag = _text(link["status"]), _text(link.get("rag"))
    completed = _date(link["completed"])
    parts = [f"status {status}" if status else "no status given", f"RAG {rag}" if rag else "no RAG given"]
    if completed is not None:
        parts.append(f"completed {_day(completed)}")
    return f"{said} ({', '.join(parts)})."


def verdict_of(verdicts: pd.DataFrame | None, indicator: str, team: str | None) -> str | None:
    """The `loop_verdicts_all` sentence for one indicator and scope (None: no completed link)."""
    if verdicts is None or verdicts.empty:
        return None
    of_team = verdicts["team"].isna() if team is None else verdicts["team"] == team
    mine = verdicts[(verdicts["indicator"] == indicator) & of_team]
    if mine.empty:
        return None
    sentence = mine.iloc[0]["verdict"]
    return sentence[0].upper() + sentence[1:] + "."


def block(warnings: pd.DataFrame | None, links: pd.DataFrame | None, verdicts: pd.DataFrame | None,
          indicator: str, team: str | None) -> Block:
    """"The loop" for one indicator (`loop_warnings_for`, `loop_links_for`, `loop_verdicts_all` rows)."""
    rows = _link_rows(links)
    found = Block(
        warnings=tuple(run.sentence() for run in reversed(warning_runs(warnings))),
        audits=tuple(_audit(link) for link in rows if link["kind"] == "themed audit"),
        actions=tuple(_action(link) for link in rows if link["kind"] != "themed audit"),
        verdict=verdict_of(verdicts, indicator, team))
    empty = not (found.warnings or found.audits or found.actions or found.verdict)
    return Block(found.warnings, found.audits, found.actions, found.verdict, empty)


def block_of_scope(warnings: pd.DataFrame, links: pd.DataFrame, verdicts: pd.DataFrame, indicator: str,
                   team: str | None) -> Block:
    """`block` from the `loop_warnings_shown` rows (both scopes), for the page's cache."""
    return block(of_scope(warnings, team), links, verdicts, indicator, team)


# ------------------------------------------------------------------------------ Overview --
def _scope(team) -> str:
    return _text(team) or "Whole authority"


def open_warnings(rows: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The Overview's "Early warnings": a sentence per open warning and the table behind them
    (`loop_open_warnings` rows)."""
    lines, table = [], []
    for row in ([] if rows is None or rows.empty else rows.to_dict("records")):
        label = _text(row["label"]) or row["indicator"]
        latest = _month(row["period"])
        first = _month(row["first_period"]) if _date(row["first_period"]) is not None else latest
        unanswered = row["months_unanswered"]
        unanswered = None if unanswered is None or unanswered is pd.NA or unanswered != unanswered else int(unanswered)
        answered = ("a linked themed audit or action is under way or came since" if unanswered is None else
                    f"{unanswered} month{'s' if unanswered != 1 else ''} without a linked themed audit or action")
        lines.append(f"{label} ({_scope(row['team'])}), warning since {month_label(first)}: {row['reasons']}; {answered}.")
        table.append({"Indicator": label, "Scope": _scope(row["team"]), "Warning since": month_label(first),
                      "Latest month": month_label(latest), "Why": row["reasons"],
                      "Months without a linked audit or action": unanswered})
    frame = pd.DataFrame(table, columns=["Indicator", "Scope", "Warning since", "Latest month", "Why",
                                         "Months without a linked audit or action"])
    frame["Months without a linked audit or action"] = frame["Months without a linked audit or action"].astype("Int64")
    return lines, frame


def verdicts(rows: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The Overview's "What we did and what moved": a sentence per verdict and the table behind
    them (`loop_verdicts_all` rows)."""
    lines, table = [], []
    for row in ([] if rows is None or rows.empty else rows.to_dict("records")):
        label = _text(row["label"]) or row["indicator"]
        lines.append(f"{label} ({_scope(row['team'])}): {row['verdict']}.")
        table.append({"Indicator": label, "Scope": _scope(row["team"]), "Since": month_label(_month(row["since"])),
                      "Linked": f"{row['kind']} {row['reference']}", "Points before": int(row["points_before"]),
                      "Points since": int(row["points_since"]), "Variation": _text(row["variation"]) or "",
                      "Verdict": row["verdict"]})
    return lines, pd.DataFrame(table, columns=["Indicator", "Scope", "Since", "Linked", "Points before", "Points since",
                                               "Variation", "Verdict"])


# -------------------------------------------------------------------------------- Audits --
def themed_audits(summary: pd.DataFrame, labels: dict[str, str] | None = None, shares: bool = True) -> pd.DataFrame:
    """The Audits page's themed audits (`themed_audits_summary` rows): theme, its indicators (by
    label: the catalogue's unless `labels` are given), why, when, status, n case audits, the
    judgement mix (`mix_words`) and the findings."""
    labels = labels if labels is not None else {i.code: i.label for i in contract.load().indicators}
    table = []
    for row in ([] if summary is None or summary.empty else summary.to_dict("records")):
        codes = row["indicators"]
        codes = [] if codes is None or codes is pd.NA or (isinstance(codes, float) and codes != codes) else list(codes)
        commissioned, completed = _date(row["commissioned"]), _date(row["completed"])
        table.append({"Theme": row["theme"], "Indicators": "; ".join(labels.get(c, c) for c in codes),
                      "Reason": _text(row["reason"]) or "",
                      "Commissioned": commissioned, "Completed": completed, "Status": _text(row["status"]) or "",
                      "Case audits (n)": int(row["audits_n"]), "Judgement mix": mix_words(row["judgements"], shares),
                      "Findings": _text(row["findings"]) or ""})
    return pd.DataFrame(table, columns=["Theme", "Indicators", "Reason", "Commissioned", "Completed", "Status",
                                        "Case audits (n)", "Judgement mix", "Findings"])


def audits_behind(rows: pd.DataFrame, theme: str) -> pd.DataFrame:
    """The case audits under one themed audit (`themed_audit_audits` rows)."""
    mine = rows[rows["theme"] == theme] if not rows.empty else rows
    return pd.DataFrame({"Audit": mine["audit_id"].to_list(), "Date": mine["audit_date"].to_list(),
                         "Team": mine["team"].to_list(), "Service area": mine["service_area"].to_list(),
                         "Type": mine["audit_type"].to_list(), "Overall judgement": mine["overall"].to_list(),
                         "Moderated": mine["moderated"].to_list()})


def linked_actions(links: pd.DataFrame) -> pd.DataFrame:
    """The actions linked to indicators (`loop_links_all` rows), with status, RAG and completion."""
    rows = [row for row in _link_rows(links) if row["kind"] != "themed audit"]
    return pd.DataFrame({"Action": [_text(r["reference"]) for r in rows], "Title": [_text(r["title"]) or "" for r in rows],
                         "Indicator": [_text(r["label"]) or r["indicator"] for r in rows],
                         "Status": [_text(r["status"]) or "" for r in rows], "RAG": [_text(r["rag"]) or "" for r in rows],
                         "Completed": [_date(r["completed"]) for r in rows]},
                        columns=["Action", "Title", "Indicator", "Status", "RAG", "Completed"])
