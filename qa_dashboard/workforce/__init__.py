"""What the Workforce page shows, worked out from the `workforce_sums` and `workforce_england`
frames: caseloads against target, agency share, recruitment and retention, and whether
children keep their worker. Pure functions (no Streamlit), tested without a browser.

Every figure over several teams is a ratio of the sums SQL returns for that group (team,
service area, the whole selection): a mean of team ratios would give a team of 2 workers the
weight of a team of 20, and the seeds' "Family Safeguarding at 24.5" is a ratio of sums.
A blank in the return stays missing: it is never read as 0, and a group's ratio is taken
over the teams that gave the figure.

The page reads this module alone; the work is in three beside it: `figures` (ratios, groups,
England, trends, the every-team table), `words` (tiles and sentences) and `bars` (the rows
behind each bar chart). The charts, and the order each tab shows them in, are in
`charts/workforce.py`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard.metrics import Tile
from qa_dashboard.scope import Filters
from qa_dashboard.workforce.bars import *  # noqa: F401,F403 - the page's figures, one module to the pages
from qa_dashboard.workforce.figures import *  # noqa: F401,F403
from qa_dashboard.workforce.figures import add_figures, latest_month
from qa_dashboard.workforce.words import *  # noqa: F401,F403
from qa_dashboard.workforce.words import headline_tiles

PUBLISHED_TAB = "Against other authorities"
TABS = ("Caseloads", "Agency social workers", "Recruitment and retention", "Consistent relationships", "Every team",
        PUBLISHED_TAB)
# DfE's published workforce indicators (year to 30 September, published for the year to 31 March):
# code, label, which way is better, axis title. Drawn apart from the monthly local figures.
PUBLISHED_INDICATORS = (
    ("agency_worker_pct", "Agency social workers (rate)", "lower", "Per cent of FTE"),
    ("caseload_avg", "Average caseload", "lower", "Cases per case-holding FTE"),
    ("vacancy_pct", "Vacancy rate", "lower", "Per cent of posts"),
    ("turnover_pct", "Turnover rate", "lower", "Per cent of FTE"),
)


@dataclass(frozen=True)
class Headline:
    month: dt.date | None          # the latest month in the period with a return; None: nothing to show
    tiles: list[Tile]


def headline(sums: pd.DataFrame, chosen: Filters) -> Headline:
    frame = add_figures(sums)
    month = latest_month(frame, chosen)
    return Headline(month, headline_tiles(frame, chosen) if month else [])
