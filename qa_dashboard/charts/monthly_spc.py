"""A page's own monthly series (`qa_dashboard.monthly_spc`: Audits' good-or-better share,
Workforce's caseload and agency share, Voice's positive share) drawn as its XmR chart with the
shared builder (`charts/spc.py`), as a spec the pages cache with their other figures."""
from __future__ import annotations

import pandas as pd

from qa_dashboard import monthly_spc, voice, workforce
from qa_dashboard.charts import spec_of
from qa_dashboard.charts.spc import xmr_chart


def spc_chart(read: monthly_spc.MonthlySpc, unit_title: str) -> dict | None:
    """The XmR chart's spec of the points the period shows, or None when it shows none."""
    if not read.shown:
        return None
    return spec_of(xmr_chart(pd.DataFrame(read.rows()), f"{read.label}: signal or noise, by month", unit_title))


def caption(read: monthly_spc.MonthlySpc) -> str:
    """The words under the chart: the verdict first, then how to read it."""
    return f"{read.sentence} {read.note()}"


# The Workforce and Voice series with their charts (Audits' is in charts/audits.py's `page`), worked out together so `cached.derived` keeps both on the
# data version. The unit titles are the ones the pages' other monthly charts use.
# The tab, the series, its axis title, and the tab's figure it follows (its monthly line).
WORKFORCE = {"Caseloads": ("caseload_spc", "Children per social worker", "Caseload by month"),
             "Agency social workers": ("agency_spc", "Per cent of FTE", "Agency share by month")}


def workforce_part(by_month: pd.DataFrame, chosen, tab: str) -> tuple[monthly_spc.MonthlySpc, dict | None] | None:
    """The XmR chart a Workforce tab shows (caseload, agency share), None for the other tabs."""
    if tab not in WORKFORCE:
        return None
    function, unit_title, _ = WORKFORCE[tab]
    read = getattr(workforce, function)(by_month, chosen)
    return read, spc_chart(read, unit_title)


def voice_part(by_month: pd.DataFrame, start, end) -> tuple[monthly_spc.MonthlySpc, dict | None]:
    read = voice.positive_spc(by_month, start, end)
    return read, spc_chart(read, "Positive share of answers (%)")
