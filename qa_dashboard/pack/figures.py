"""Everything the pack takes from the pages' own modules, in one place.

The pack shows the figures the pages show, so it calls the same pure figure functions and the
same named queries; when those modules move (the chart layer is being restructured), only the
names below need repointing. Nothing else in `qa_dashboard/pack/` imports from the pages'
modules.
"""
from __future__ import annotations

from qa_dashboard import (audits, chosen_comments, commentary, contract, inspections, loop_shown, metrics, overview, periods, spc,
                          store, system_health, voice, workforce)
from qa_dashboard.benchmarks import compare
from qa_dashboard.benchmarks.authority import chosen_authority
from qa_dashboard.charts import PALETTE, sparklines, spec_of, stacked_grades, trend_chart
from qa_dashboard.charts import published as published_charts
from qa_dashboard.charts import spc as spc_charts
from qa_dashboard.charts import voice as voice_charts
from qa_dashboard.charts import workforce as workforce_charts
from qa_dashboard.scope import Filters, period_options
from qa_dashboard.queries import queries

__all__ = [
    "audits", "chosen_comments", "commentary", "contract", "inspections", "metrics", "overview", "periods", "spc", "store", "system_health", "voice",
    "workforce", "compare", "published_charts", "spc_charts", "voice_charts", "workforce_charts", "chosen_authority", "PALETTE", "sparklines", "spec_of", "stacked_grades", "trend_chart", "Filters", "period_options",
    "query",
]


def query(db, name: str, params: dict | None = None):
    """The frame `qa_dashboard/queries/{name}.sql` gives the pages for these named parameters
    (the filter scope as `Filters.params()` gives it; names the query does not use are ignored)."""
    return queries.run(name, db, params or {})
