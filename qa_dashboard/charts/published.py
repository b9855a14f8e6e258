"""DfE's published figures for one indicator, drawn apart from the monthly local ones (System
health and Workforce pages): annual lines for the authority, its statistical neighbours' mean,
its region and England, and where it ranks among neighbours and region."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from qa_dashboard import cached, contract, metrics
from qa_dashboard.benchmarks import compare
from qa_dashboard.charts import PALETTE, figure, plain, spec_of

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


def annual_figure(series: pd.DataFrame, label: str, unit_title: str) -> tuple[dict, pd.DataFrame]:
    """The annual lines' spec and their figures table, from the `benchmarks_series` rows."""
    chart = annual_chart(series, f"{label}, published annual figures", unit_title)
    table = series[["financial_year", "series", "value", "neighbours_averaged"]].rename(columns={
        "financial_year": "Year", "series": "Line", "value": label, "neighbours_averaged": "Neighbours averaged"})
    return spec_of(chart), table


def ranking_figure(ranking: pd.DataFrame, label: str, unit_title: str, year: int) -> tuple[dict, pd.DataFrame]:
    """The ranking's spec and its figures table, from the `benchmarks_ranking` rows."""
    chart = ranking_chart(ranking, f"{label}, {compare.financial_year(year)}: neighbours and region", unit_title)
    table = ranking[["area_name", "region_name", "value", "is_authority", "is_neighbour", "in_region"]].rename(columns={
        "area_name": "Authority", "region_name": contract.comparator_labels()["region"], "value": label, "is_authority": "Our authority",
        "is_neighbour": "Statistical neighbour", "in_region": "Same region"})
    return spec_of(chart), table


def published_comparison(indicator: str, label: str, polarity: str, unit_title: str) -> bool:
    """DfE's published figures for one indicator, drawn apart from the monthly local ones:
    annual lines (authority, statistical neighbours' mean, region, England) and the ranking
    among neighbours and region. False when nothing is published for it."""
    series = cached.query("benchmarks_series", [indicator])
    if series.empty:
        return False
    st.subheader(f"{plain(label)}: DfE's published figures")
    st.text(f"{compare.PUBLISHED}: annual figures, shown apart from the monthly local figures and never "
            f"joined into one line with them. {metrics.better_phrase(polarity).capitalize()}.")
    figure(*cached.derived(annual_figure, ("benchmarks_series", [indicator]), label, unit_title),
           f"{label}, published annual figures")
    local = series[series["geography_level"] == "Local authority"]
    if local.empty:
        st.text("Choose the authority this dashboard belongs to (Upload page, or "
                "`python -m qa_dashboard authority NAME`) to see its own figures, its statistical "
                "neighbours and its region.")
        return True
    year = int(local["year"].max())
    ranking = cached.query("benchmarks_ranking", [indicator, year])
    for among in ("neighbours", "region"):
        placed = compare.standing(ranking, year, polarity, among)
        if placed:
            st.text(placed.sentence)
    figure(*cached.derived(ranking_figure, ("benchmarks_ranking", [indicator, year]), label, unit_title, year),
           f"{label}, ranking {compare.financial_year(year)}")
    return True
