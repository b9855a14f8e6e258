"""Workforce: caseloads against target, dependence on agency staff, starters against leavers,
and whether children keep their worker, from the monthly workforce return.

The four headline figures are always shown; the detail sits in tabs, and only the open tab is
built (`tab.open`), so a reader pays for one tab's charts at a time. The open tab is in the
link (`?workforce_tab=...`), so a copied link opens the same view."""

import streamlit as st

from qa_dashboard import cached, charts, filters, workforce
from qa_dashboard.charts import commentary_box, monthly_spc
from qa_dashboard.charts import published
from qa_dashboard.charts import workforce as drawn

chosen = filters.current()
st.title("Workforce")
st.text(f"Showing {chosen.describe()}, from the monthly workforce return (one row per team per month). "
        "A figure for several teams is worked out from their totals (all children ÷ all FTE), "
        "never as an average of the teams' figures.")

sums = ("workforce_sums", chosen.params(first_month=workforce.first_month_asked(chosen)))
top = cached.derived(workforce.headline, sums, chosen)
if top.month is None:
    st.info("No workforce figures are loaded for this choice. Upload the workforce sheet (period, team, "
            "social_worker_fte, children_allocated, …) to fill this page.")
    st.stop()

for column, tile in zip(st.columns(4), top.tiles):
    with column.container(border=True):
        st.metric(tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color,
                  delta_arrow="off", help=tile.help)
        for line in tile.lines:
            st.text(line)

commentary_box.practice_analysis("section", "Workforce", chosen)
tabs = st.tabs(list(workforce.TABS), key="workforce_tab", bind="query-params")
for name, tab in zip(workforce.TABS, tabs):
    if not tab.open:
        continue
    with tab:
        if name == workforce.PUBLISHED_TAB:
            shown = [published.published_comparison(*indicator) for indicator in workforce.PUBLISHED_INDICATORS]
            if not any(shown):
                st.info("No published figures are loaded. Upload DfE's children's social work workforce "
                        "statistics (csww indicators CSV) on the Upload page to compare with other authorities.")
            continue
        # Caseload and agency share as XmR charts, over every month loaded for the choice, each
        # after its tab's monthly line.
        signal = cached.derived(monthly_spc.workforce_part, ("workforce_by_month", chosen.params()), chosen, name)
        after = monthly_spc.WORKFORCE[name][2] if signal is not None and signal[1] is not None else None

        def show_signal() -> None:
            read, chart = signal
            st.subheader(f"{read.label} each month: signal or noise")
            charts.figure(chart, read.table, f"{read.label} by month, XmR chart", caption=monthly_spc.caption(read))

        for block in cached.derived(drawn.tab_blocks, [sums, ("workforce_england", ())], chosen, name):
            if block.kind == "text":
                st.text(block.text)
            elif block.kind == "subheader":
                st.subheader(block.text)
            else:
                charts.figure(block.chart, block.table, block.text)
                if block.text == after:
                    show_signal()
                    after = None
        if after is not None:
            show_signal()
