"""What an Annex A file holds, as tables for the Upload page's preview (before anything is
written) and the data-quality view: counts only, never a child's row. Pure: no Streamlit."""
from __future__ import annotations

from collections import Counter

import pandas as pd

from qa_dashboard.ingest.annex_a.visits import VISITS, standard_text

_VISIT_NAMES = {"cp_visits_in_time_pct": "Child protection visits", "cin_visits_in_time_pct": "Child in need visits",
                "cla_visits_in_time_pct": "Children in care visits"}


def lists_frame(reduction) -> pd.DataFrame:
    """One row per list: rows read, months covered, teams, warnings, the indicators it will write."""
    rows = []
    for s in reduction.lists:
        months = f"{s.first_month:%b %Y} to {s.last_month:%b %Y}" if s.first_month else "none"
        rows.append({"List": f"{s.label}: {s.title}", "Sheet": s.sheet, "Rows read": s.rows_read,
                     "Rows used": s.rows_used, "Months": months, "Teams": s.teams, "Warnings": s.warnings,
                     "Indicators it will write": ", ".join(s.indicators) or "none (not used for figures)"})
    return pd.DataFrame(rows, columns=["List", "Sheet", "Rows read", "Rows used", "Months", "Teams", "Warnings",
                                       "Indicators it will write"])


def quality_frame(quality: Counter) -> pd.DataFrame:
    """Rows with a problem, by list, problem and team: what to fix in the case system."""
    rows = [{"List": lst, "Problem": problem, "Team": team or "(no team recorded)", "Rows": n}
            for (lst, problem, team), n in sorted(quality.items())]
    return pd.DataFrame(rows, columns=["List", "Problem", "Team", "Rows"])


def standards_sentence(standards: dict[str, int]) -> str:
    """`Visit standards used: child protection visits within 10 working days; ...`"""
    parts = [f"{_VISIT_NAMES[code].lower()} {standard_text(spec[4], standards[spec[4]])}"
             for code, spec in VISITS.items()]
    return "Visit standards used: " + "; ".join(parts) + "."
