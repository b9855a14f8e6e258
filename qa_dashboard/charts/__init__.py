"""The chart layer: Altair builders sharing one palette and one way of labelling, and the
figure block that puts a table and downloads behind every chart. The shared builders (trend
lines, stacked grades) and the figure block are here; each page's own builders are in a module
beside this one (`charts/audits.py`, `charts/workforce.py`, `charts/voice.py`,
`charts/system_health.py`, `charts/published.py`). The figures they draw come from the pure
page modules (`qa_dashboard/audits`, `workforce`, `voice`, ...); specs are cached with them by
`cached.derived`, on the data version.

Colour is never the only carrier of meaning: lines are labelled at their ends and drawn with
different dashes, bars carry their counts, and grades keep the same colours on every page.
"""
from __future__ import annotations


import os

import altair as alt
import pandas as pd
import streamlit as st

from qa_dashboard import contract, exports, plain_text

# Okabe–Ito, from the catalogue (contract.palette()): distinguishable with the common
# colour-vision deficiencies. Grade colours come from the catalogue too (contract.grade_colours()).
PALETTE = list(contract.palette().categorical)
# Series on a trend chart: the figure itself, then its target and comparators, each dashed differently.
SERIES_STYLE = {
    "Our figure": (contract.palette().own_figure, []),
    **{c.label: (c.colour, list(c.dash)) for c in contract.load().comparators},
}


def plain(text: str) -> str:
    """Text from an upload, escaped for the few Streamlit labels that read Markdown."""
    return plain_text.for_markdown(text)


# Altair checks a chart against the Vega-Lite schema as it turns it into a spec: about 50 ms a
# chart, and the same answer every time for charts this code builds (the schema never looks at
# the data's values). The test suite checks every chart it builds (tests/conftest.py sets
# QA_DASHBOARD_CHECK_CHARTS=1, and the browser tests' servers inherit it); the app skips it.
CHECK_ENV = "QA_DASHBOARD_CHECK_CHARTS"


def spec_of(chart: alt.TopLevelMixin | dict) -> dict:
    """A chart as its Vega-Lite spec (a spec is returned as it is)."""
    if isinstance(chart, dict):
        return chart
    return chart.to_dict(validate=os.environ.get(CHECK_ENV) == "1")


def grade_colours() -> dict[str, str]:
    return contract.grade_colours()


def grade_scale() -> alt.Scale:
    colours = grade_colours()
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _with_monthly_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Give each series a row for every month in its span, empty where no figure was loaded:
    Vega-Lite joins the points either side of a missing row, but breaks a line at an empty value."""
    if frame.empty:
        return frame
    periods = pd.to_datetime(frame["period"])
    if not (periods.dt.day == 1).all():
        return frame  # not monthly figures
    filled = []
    for name, rows in frame.assign(period=periods).groupby("series", sort=False):
        months = pd.date_range(rows["period"].min(), rows["period"].max(), freq="MS")
        filled.append(rows.set_index("period").reindex(months).rename_axis("period").reset_index()
                      .assign(series=name))
    return pd.concat(filled, ignore_index=True)


def trend_chart(frame: pd.DataFrame, title: str, unit_title: str, height: int = 260) -> alt.Chart:
    """Lines of `value` by `period` for each `series`: our figure solid, target and comparators
    dashed, each named in a legend that shows its colour and its dash together.

    `frame` columns: period (date), series (str), value (float). Missing months are absent rows,
    so a line breaks where a month has no figure: a gap, never a zero.
    """
    frame = _with_monthly_gaps(frame)
    present = set(frame["series"])
    series = [s for s in SERIES_STYLE if s in present] + sorted(present - set(SERIES_STYLE))
    colours = [SERIES_STYLE.get(s, (PALETTE[i % len(PALETTE)], []))[0] for i, s in enumerate(series)]
    dashes = [SERIES_STYLE.get(s, ("", []))[1] for s in series]
    legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, labelLimit=300)
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=30), strokeWidth=2).encode(
        # Month labels centred on their month and thinned where they would touch: flush end
        # labels are pushed inwards onto their neighbours ("Feb 26Mar 26" in a printed pack).
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %y", labelFlush=False, labelOverlap="greedy",
                                                      labelSeparation=6)),
        y=alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=colours), legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=dashes), legend=legend),
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("period:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f")],
    ).properties(title=title, height=height)


def stacked_grades(frame: pd.DataFrame, x: str, x_title: str, title: str, height: int = 320,
                   x_domain: list[str] | None = None, legend_columns: int = 4) -> alt.LayerChart:
    """100% stacked bars of grade counts, best grade at the bottom, the count written in the
    middle of each segment (white on the darkest colour, black on the others).

    `frame` columns: `x`, grade, count. Give `x_domain` (every month or quarter of the period)
    so a month without audits is an empty slot on the axis, never a zero bar.
    """
    order = list(contract.load().grade_labels)
    ranked = frame.assign(grade_order=frame["grade"].map({g: i for i, g in enumerate(order)}))
    axis = alt.Axis(labelAngle=0, labelLimit=90)
    x_encoding = (alt.X(f"{x}:O", title=x_title, sort=x_domain, scale=alt.Scale(domain=x_domain), axis=axis)
                  if x_domain else alt.X(f"{x}:O", title=x_title, sort=None, axis=axis))
    base = alt.Chart(ranked).transform_stack(
        stack="count", as_=["share_from", "share_to"], groupby=[x],
        sort=[alt.SortField("grade_order", order="ascending")], offset="normalize",
    ).transform_calculate(middle="(datum.share_from + datum.share_to) / 2")
    bars = base.mark_bar().encode(
        x=x_encoding,
        y=alt.Y("share_from:Q", title="Share of audits", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y2="share_to:Q",
        color=alt.Color("grade:N", scale=grade_scale(),
                        legend=alt.Legend(title="Grade", orient="bottom", columns=legend_columns)),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip("grade:N", title="Grade"),
                 alt.Tooltip("count:Q", title="Audits")],
    )
    counts = base.mark_text(baseline="middle", fontWeight="bold").encode(
        x=x_encoding, y="middle:Q", text="count:Q",
        color=alt.condition(alt.datum.grade == order[0], alt.value("white"), alt.value("black")),
    )
    return (bars + counts).properties(title=title, height=height)


def sparklines(frame: pd.DataFrame, title: str, columns: int = 4) -> alt.FacetChart:
    """Small multiples: one small line per headline figure, each on its own scale, headed with
    the figure's name and latest value (a line break between them). `frame` columns: panel (str), period (date), value
    (float, empty for a missing month: the line breaks there, never drops to zero)."""
    base = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=14), strokeWidth=2,
                                      color=contract.palette().own_figure).encode(
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=3, grid=False)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=3)),
    ).properties(width=130, height=55)
    return base.facet(
        facet=alt.Facet("panel:N", title=None, sort=list(dict.fromkeys(frame["panel"])),
                        header=alt.Header(labelLimit=0, labelFontWeight="bold", labelExpr="split(datum.value, '\\n')")),
        columns=columns, title=title,
    ).resolve_scale(y="independent", x="independent")


# Two rules for the Overview's tiles (a constant, never upload text):
# - Streamlit draws a metric's small line as SVG with an empty layer for the point it highlights
#   on hover, and marks that layer role="graphics-symbol" with no name: axe's svg-img-alt
#   (serious) on every tile. The layer is hidden (hidden elements leave the accessibility tree);
#   the tile's value and the sentences under it say in words what the line shows.
# - A metric's label is cut to one line with an ellipsis on screen (Streamlit wraps it only in
#   print): it wraps here, so a tile's name is its metric's own label, read in full, and a tile
#   costs one element less on every page view of every reader.
TILE_STYLE = ("<style>[data-testid='stMetric'] g[class*='_highlighted_points_marks'] {display: none;}"
              "[data-testid='stMetric'] [data-testid='stMetricLabel'] [data-testid='stMarkdownContainer'],"
              "[data-testid='stMetric'] [data-testid='stMetricLabel'] [data-testid='stMarkdownContainer'] p "
              "{white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word;}</style>")


def tile_style() -> None:
    """Once per page that draws tiles (metrics with a small line and a long label)."""
    st.html(TILE_STYLE)


def figure(chart: alt.Chart | dict | None, table: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """A chart (an Altair chart or a cached spec) with its figures one click away and downloads
    of exactly those figures. Without a chart the table is the figure, shown open."""
    described = f"Chart: {name}. Its figures are in the table below it."
    if chart is not None:
        spec = spec_of(chart)
        st.vega_lite_chart(spec=spec, width="stretch", alt=described)
    if caption:
        st.text(caption)
    with st.expander(f"Figures: {plain(name)}", expanded=chart is None):
        st.dataframe(table, hide_index=True, width="stretch")
        stem = "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")[:60] or "figures"
        # Files are made only when clicked (a callable), so a page does not write a workbook
        # per figure on every rerun; "ignore" keeps the click from rerunning the page. The two
        # buttons side by side in one row: one layout block, where two columns cost three.
        with st.container(horizontal=True):
            st.download_button("Download CSV", lambda: exports.to_csv(table), file_name=f"{stem}.csv",
                               mime="text/csv", key=f"csv-{stem}", on_click="ignore")
            st.download_button("Download Excel", lambda: exports.to_xlsx(table), file_name=f"{stem}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key=f"xlsx-{stem}", on_click="ignore")
