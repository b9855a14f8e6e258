"""Altair builders sharing one palette and one way of labelling, and the figure block that
puts a table and downloads behind every chart.

Colour is never the only carrier of meaning: lines are labelled at their ends and drawn with
different dashes, bars carry their counts, and grades keep the same colours on every page.
"""
from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from qa_dashboard import contract, exports

# Okabe–Ito: distinguishable with the common colour-vision deficiencies (also in config.toml).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Best to worst: dark blue, sky blue, orange, vermillion. The order of grades comes from the contract.
_GRADE_COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#D55E00"]
# Series on a trend chart: the figure itself, then its target and comparators, each dashed differently.
SERIES_STYLE = {
    "Our figure": ("#0072B2", []),
    "Target": ("#000000", [6, 3]),
    "Statistical neighbours": ("#E69F00", [2, 2]),
    "Region": ("#009E73", [8, 3, 2, 3]),
    "England": ("#CC79A7", [1, 3]),
}


def cached_spec(builder):
    """Make a chart builder return its Vega-Lite spec, cached on its inputs.

    Building an Altair chart and validating it costs tens of milliseconds; the inputs are
    frames that are themselves cached on the data version, so the spec is too.
    """
    @st.cache_data(show_spinner=False, max_entries=512)
    def spec(*args, **kwargs) -> dict:
        return builder(*args, **kwargs).to_dict()

    spec.__doc__ = builder.__doc__
    spec.build = builder  # the Altair chart itself, for tests and one-off layering
    return spec


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text from an upload, escaped for the few Streamlit labels that read Markdown."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def grade_colours() -> dict[str, str]:
    return dict(zip(contract.load().grade_labels, _GRADE_COLOURS))


def grade_scale() -> alt.Scale:
    colours = grade_colours()
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def trend_chart(frame: pd.DataFrame, title: str, unit_title: str, height: int = 260) -> alt.Chart:
    """Lines of `value` by `period` for each `series`, each labelled at its last point.

    `frame` columns: period (date), series (str), value (float). Gaps stay gaps: missing months
    are simply absent rows, and the line breaks where a month is missing.
    """
    series = [s for s in SERIES_STYLE if s in set(frame["series"])] + sorted(
        set(frame["series"]) - set(SERIES_STYLE))
    colours = [SERIES_STYLE.get(s, (PALETTE[i % len(PALETTE)], []))[0] for i, s in enumerate(series)]
    dashes = [SERIES_STYLE.get(s, ("", []))[1] for s in series]
    base = alt.Chart(frame).encode(
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %y")),
        y=alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=colours), legend=alt.Legend(title=None, orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=dashes), legend=None),
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=30), strokeWidth=2).encode(
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("period:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f")])
    last = frame.sort_values("period").groupby("series", as_index=False).tail(1)
    labels = alt.Chart(last).mark_text(align="left", dx=6, fontSize=11).encode(
        x="period:T", y="value:Q", text="series:N",
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=colours), legend=None))
    return (lines + labels).properties(title=title, height=height)


def stacked_grades(frame: pd.DataFrame, x: str, x_title: str, title: str, height: int = 260) -> alt.Chart:
    """100% stacked bars of grade counts, the count written on each segment.

    `frame` columns: `x`, grade, count.
    """
    order = contract.load().grade_labels
    ranked = frame.assign(grade_order=frame["grade"].map({g: i for i, g in enumerate(order)}))
    base = alt.Chart(ranked).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=None),
        y=alt.Y("count:Q", stack="normalize", title="Share of audits", axis=alt.Axis(format="%")),
        color=alt.Color("grade:N", scale=grade_scale(), legend=alt.Legend(title="Grade", orient="bottom")),
        order=alt.Order("grade_order:Q"),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), "grade:N", alt.Tooltip("count:Q", title="Audits")],
    )
    bars = base.mark_bar()
    counts = base.mark_text(dy=0, baseline="middle", color="white", fontWeight="bold").encode(
        y=alt.Y("count:Q", stack="normalize", bandPosition=0.5), text="count:Q")
    return (bars + counts).properties(title=title, height=height)


# The builders' specs, cached on their inputs: pages use these unless they layer more on top.
trend_spec = cached_spec(trend_chart)
stacked_grades_spec = cached_spec(stacked_grades)


def figure(chart: alt.Chart | dict | None, table: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """A chart (an Altair chart or a cached spec) with its figures one click away and downloads
    of exactly those figures. Without a chart the table is the figure, shown open."""
    described = f"Chart: {name}. Its figures are in the table below it."
    if isinstance(chart, dict):
        st.vega_lite_chart(spec=chart, width="stretch", alt=described)
    elif chart is not None:
        st.altair_chart(chart, width="stretch")
    if caption:
        st.text(caption)
    with st.expander(f"Figures: {name}", expanded=chart is None):
        st.dataframe(table, hide_index=True, width="stretch")
        left, right = st.columns(2)
        stem = "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")[:60] or "figures"
        # Files are made only when clicked (a callable), so a page does not write a workbook
        # per figure on every rerun; "ignore" keeps the click from rerunning the page.
        left.download_button("Download CSV", lambda: exports.to_csv(table), file_name=f"{stem}.csv",
                             mime="text/csv", key=f"csv-{stem}", on_click="ignore")
        right.download_button("Download Excel", lambda: exports.to_xlsx(table), file_name=f"{stem}.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              key=f"xlsx-{stem}", on_click="ignore")
