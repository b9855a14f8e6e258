"""Altair builders sharing one palette and one way of labelling, and the figure block that
puts a table and downloads behind every chart.

Colour is never the only carrier of meaning: lines are labelled at their ends and drawn with
different dashes, bars carry their counts, and grades keep the same colours on every page.
"""
from __future__ import annotations

import importlib
import re
import weakref

import altair as alt
import pandas as pd
import streamlit as st

from qa_dashboard import contract, exports

# Okabe–Ito, from the catalogue (contract.palette()): distinguishable with the common
# colour-vision deficiencies. Grade colours come from the catalogue too (contract.grade_colours()).
PALETTE = list(contract.palette().categorical)
# Series on a trend chart: the figure itself, then its target and comparators, each dashed differently.
SERIES_STYLE = {
    "Our figure": (contract.palette().own_figure, []),
    **{c.label: (c.colour, list(c.dash)) for c in contract.load().comparators},
}


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(builder_path: str, args: tuple, keywords: tuple) -> dict:
    module, _, name = builder_path.rpartition(".")
    builder = getattr(importlib.import_module(module), name)
    return builder(*args, **dict(keywords)).to_dict()


def cached_spec(builder):
    """Make a chart builder return its Vega-Lite spec, cached on the builder and its inputs.

    Building an Altair chart and validating it costs tens of milliseconds; the inputs are
    frames that are themselves cached on the data version, so the spec can be too. The builder
    must be importable (defined at module level) so the cache can name it.
    """
    path = f"{builder.__module__}.{builder.__qualname__}"

    def spec(*args, **keywords) -> dict:
        return _spec(path, args, tuple(sorted(keywords.items())))

    spec.__doc__ = builder.__doc__
    spec.build = builder  # the Altair chart itself, for tests and one-off layering
    return spec


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text from an upload, escaped for the few Streamlit labels that read Markdown."""
    return _MARKDOWN.sub(r"\\\1", str(text))


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
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %y")),
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


_specs_by_chart: dict[int, tuple[weakref.ref, dict]] = {}


def _spec_of(chart: alt.TopLevelMixin) -> dict:
    """An Altair chart's spec, remembered for as long as the chart object lives, so a chart a
    page keeps in a resource cache is validated once, not on every rerun."""
    key = id(chart)
    remembered = _specs_by_chart.get(key)
    if remembered and remembered[0]() is chart:
        return remembered[1]
    spec = chart.to_dict()
    try:
        _specs_by_chart[key] = (weakref.ref(chart, lambda _, key=key: _specs_by_chart.pop(key, None)), spec)
    except TypeError:
        pass
    return spec


# The builders' specs, cached on their inputs: pages use these unless they layer more on top.
trend_spec = cached_spec(trend_chart)
stacked_grades_spec = cached_spec(stacked_grades)


def figure(chart: alt.Chart | dict | None, table: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """A chart (an Altair chart or a cached spec) with its figures one click away and downloads
    of exactly those figures. Without a chart the table is the figure, shown open."""
    described = f"Chart: {name}. Its figures are in the table below it."
    if chart is not None:
        spec = chart if isinstance(chart, dict) else _spec_of(chart)
        st.vega_lite_chart(spec=spec, width="stretch", alt=described)
    if caption:
        st.text(caption)
    with st.expander(f"Figures: {plain(name)}", expanded=chart is None):
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


# ------------------------------------------------------------- published comparisons --
_GROUP_COLOURS = {"Our authority": PALETTE[0], "Statistical neighbour": PALETTE[1], "Same region": PALETTE[2]}


def annual_chart(lines: pd.DataFrame, title: str, unit_title: str) -> alt.Chart:
    """DfE's published annual figures by financial year: the authority, its statistical
    neighbours' mean, its region and England, each a labelled, differently dashed line.
    `lines` are `benchmarks_series` rows (financial_year, series, series_order, value)."""
    order = list(lines.sort_values("series_order")["series"].drop_duplicates())
    colours = PALETTE[:4][:len(order)]
    dashes = [[], [2, 2], [8, 3, 2, 3], [1, 3]][:len(order)]
    legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, labelLimit=320)
    return alt.Chart(lines).mark_line(point=alt.OverlayMarkDef(size=40), strokeWidth=2).encode(
        x=alt.X("financial_year:O", title="Year to 31 March", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=order, range=colours), legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=order, range=dashes), legend=legend),
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("financial_year:O", title="Year"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f")],
    ).properties(title=title, height=260)


def ranking_chart(ranking: pd.DataFrame, title: str, unit_title: str) -> alt.LayerChart:
    """Where the authority stands: its neighbours and its region's authorities, highest first,
    as DfE's own dashboard ranks them. The authority's bar is named "(our authority)" and
    coloured; neighbours and region members differ in colour and are named in the legend."""
    ranked = ranking[ranking["value"].notna()].copy()
    ranked["group"] = ranked.apply(
        lambda r: "Our authority" if r["is_authority"] else "Statistical neighbour" if r["is_neighbour"] else "Same region",
        axis=1)
    ranked["name"] = ranked.apply(lambda r: f"{r['area_name']} (our authority)" if r["is_authority"] else r["area_name"],
                                  axis=1)
    groups = [g for g in _GROUP_COLOURS if g in set(ranked["group"])]
    highest_first = list(ranked.sort_values("value", ascending=False)["name"])
    base = alt.Chart(ranked).encode(
        y=alt.Y("name:N", sort=highest_first, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("value:Q", title=unit_title),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=[_GROUP_COLOURS[g] for g in groups]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("area_name:N", title="Authority"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f")])
    values = base.mark_text(align="left", dx=4).encode(text=alt.Text("value:Q", format=",.1f"))
    return (bars + values).properties(title=title, height=max(160, 24 * len(ranked)))


def published_comparison(indicator: str, label: str, polarity: str, unit_title: str) -> bool:
    """DfE's published figures for one indicator, drawn apart from the monthly local ones:
    annual lines (authority, statistical neighbours' mean, region, England) and the ranking
    among neighbours and region. False when nothing is published for it."""
    from qa_dashboard import cached
    from qa_dashboard.benchmarks import compare

    series = cached.query("benchmarks_series", indicator)
    if series.empty:
        return False
    st.subheader(f"{plain(label)}: DfE's published figures")
    st.text(f"{compare.PUBLISHED}: annual figures, shown apart from the monthly local figures and never "
            f"joined into one line with them. {metrics_phrase(polarity)}")
    figure(annual_chart(series, f"{label}, published annual figures", unit_title),
           series[["financial_year", "series", "value", "neighbours_averaged"]].rename(columns={
               "financial_year": "Year", "series": "Line", "value": label,
               "neighbours_averaged": "Neighbours averaged"}),
           f"{label}, published annual figures")
    local = series[series["geography_level"] == "Local authority"]
    if local.empty:
        st.text("Choose the authority this dashboard belongs to (Upload page, or "
                "`python -m qa_dashboard authority NAME`) to see its own figures, its statistical "
                "neighbours and its region.")
        return True
    year = int(local["year"].max())
    ranking = cached.query("benchmarks_ranking", indicator, year)
    for among in ("neighbours", "region"):
        placed = compare.standing(ranking, year, polarity, among)
        if placed:
            st.text(placed.sentence)
    figure(ranking_chart(ranking, f"{label}, {compare.financial_year(year)}: neighbours and region", unit_title),
           ranking[["area_name", "region_name", "value", "is_authority", "is_neighbour", "in_region"]].rename(columns={
               "area_name": "Authority", "region_name": contract.comparator_labels()["region"], "value": label, "is_authority": "Our authority",
               "is_neighbour": "Statistical neighbour", "in_region": "Same region"}),
           f"{label}, ranking {compare.financial_year(year)}")
    return True


def metrics_phrase(polarity: str) -> str:
    from qa_dashboard import metrics

    return metrics.better_phrase(polarity).capitalize() + "."
