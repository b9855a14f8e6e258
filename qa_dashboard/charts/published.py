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


_POSITION_GROUPS = {"Our authority": ("diamond", PALETTE[0], 180), "Statistical neighbour": ("square", PALETTE[1], 70),
                    "Other authority": ("circle", contract.palette().neutral, 30)}
# England's line is drawn as on every trend chart: the catalogue's colour and dash for it.
_ENGLAND = next(c for c in contract.load().comparators if c.column == "england")
_LANES = 5  # dots spread over a few rows so equal and close figures stay visible


def band_extents(every: pd.DataFrame) -> pd.DataFrame:
    """The stretch of the value axis each quartile band covers (a boundary midway between the last
    authority of one band and the first of the next), or the middle half for a neutral indicator:
    rows of (start, end, name)."""
    values = every["value"]
    if every["quartile_band"].notna().any():
        spans = (every.groupby("quartile_band")["value"].agg(["min", "max"]).sort_values("min")
                 .reset_index())
        edges = [float(values.min())]
        for before, after in zip(spans["max"].iloc[:-1], spans["min"].iloc[1:]):
            edges.append((before + after) / 2)
        edges.append(float(values.max()))
        return pd.DataFrame({"start": edges[:-1], "end": edges[1:],
                             "name": list(spans["quartile_band"])})
    first = every.iloc[0]
    return pd.DataFrame({"start": [first["lower_quartile"]], "end": [first["upper_quartile"]], "name": ["Middle half"]})


def position_chart(every: pd.DataFrame, title: str, unit_title: str) -> alt.LayerChart:
    """Every authority's published figure as a dot on one axis: the quartile bands (or the
    middle half) shaded and named by their letters (A the best quarter), England's figure a
    labelled line, the authority a large diamond named beside it, its statistical neighbours
    squares (shape as well as colour)."""
    dots = every.assign(group=[
        "Our authority" if ours else "Statistical neighbour" if neighbour else "Other authority"
        for ours, neighbour in zip(every["is_authority"], every["is_neighbour"])])
    # The authority alone on the top row, drawn last: never hidden behind a neighbour of equal figure.
    dots["lane"] = [_LANES if ours else index % _LANES for index, ours in enumerate(dots["is_authority"])]
    dots = dots.sort_values("is_authority", kind="stable")
    groups = [g for g in _POSITION_GROUPS if g in set(dots["group"])]
    x = alt.X("value:Q", title=unit_title, scale=alt.Scale(zero=False, nice=False))
    lanes = alt.Scale(domain=[-1.5, _LANES + 1.5])
    y = alt.Y("lane:Q", axis=None, scale=lanes)
    bands = band_extents(every)
    shading = alt.Chart(bands).mark_rect().encode(
        x=alt.X("start:Q", title=unit_title), x2="end:Q",
        color=alt.Color("name:N", scale=alt.Scale(domain=list(bands["name"]),
                                                  range=["#F0F0F0", "#D9D9D9"] * 2), legend=None),
        tooltip=[alt.Tooltip("name:N", title="Band"), alt.Tooltip("start:Q", title="From", format=",.1f"),
                 alt.Tooltip("end:Q", title="To", format=",.1f")])
    band_names = alt.Chart(bands.assign(middle=(bands["start"] + bands["end"]) / 2, top=_LANES + 1)).mark_text(
        baseline="bottom", fontWeight="bold").encode(x="middle:Q", y=alt.Y("top:Q", axis=None, scale=lanes), text="name:N")
    points = alt.Chart(dots).mark_point(filled=True, opacity=0.8).encode(
        x=x, y=y,
        shape=alt.Shape("group:N", scale=alt.Scale(domain=groups, range=[_POSITION_GROUPS[g][0] for g in groups]),
                        legend=alt.Legend(title=None, orient="bottom")),
        color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=[_POSITION_GROUPS[g][1] for g in groups]),
                        legend=alt.Legend(title=None, orient="bottom")),
        size=alt.Size("group:N", scale=alt.Scale(domain=groups, range=[_POSITION_GROUPS[g][2] for g in groups]),
                      legend=None),
        tooltip=[alt.Tooltip("area_name:N", title="Authority"), alt.Tooltip("value:Q", title=unit_title, format=",.1f"),
                 alt.Tooltip("rank:Q", title="Rank"), alt.Tooltip("quartile_band:N", title="Band")])
    ours = dots[dots["is_authority"]]
    named = alt.Chart(ours).mark_text(align="left", dx=10, fontWeight="bold").encode(
        x=x, y=y, text="area_name:N")
    layers = [shading, band_names, points, named]
    england = every["england"].dropna()
    if not england.empty:
        line = pd.DataFrame({"value": [float(england.iloc[0])], "name": [f"{_ENGLAND.label} {england.iloc[0]:,.1f}"],
                             "bottom": [-1.2]})
        layers += [alt.Chart(line).mark_rule(strokeDash=list(_ENGLAND.dash), color=_ENGLAND.colour, strokeWidth=2).encode(x="value:Q"),
                   alt.Chart(line).mark_text(align="left", dx=4, baseline="bottom").encode(
                       x="value:Q", y=alt.Y("bottom:Q", axis=None, scale=lanes), text="name:N")]
    # The shading's greys and the dots' colours are separate scales: shared, the dots would take greys.
    return alt.layer(*layers).resolve_scale(color="independent", shape="independent").properties(title=title, height=190)


def position_figure(every: pd.DataFrame, label: str, unit_title: str) -> tuple[dict, pd.DataFrame]:
    """The position chart's spec and its figures table, from the `benchmark_positions_every` rows:
    every authority, then England."""
    year = every["financial_year"].iloc[0]
    chart = position_chart(every, f"{label}, {year}: every authority", unit_title)
    table = every[["area_name", "value", "rank", "quartile_band", "is_authority", "is_neighbour"]].rename(columns={
        "area_name": "Authority", "value": label, "rank": "Rank", "quartile_band": "Band",
        "is_authority": "Ours", "is_neighbour": "Statistical neighbour"})
    england = every["england"].dropna()
    if not england.empty:
        table = pd.concat([table, pd.DataFrame({"Authority": [_ENGLAND.label], label: [float(england.iloc[0])],
                                                "Ours": [False], "Statistical neighbour": [False]})],
                          ignore_index=True)
    return spec_of(chart), table


def among_every_authority(indicator: str, label: str, polarity: str, unit_title: str) -> None:
    """The authority's band and rank among every authority beside the published figure, its band
    over the years as a row of letters, and the position chart of the latest year."""
    catalogued = contract.load().indicator(indicator)
    said = cached.derived(compare.among_every_authority, ("benchmark_positions_chosen", ()), indicator, polarity,
                          catalogued.unit if catalogued else "")
    if said is None:
        return
    sentence, letters, year = said
    st.text(sentence)
    if letters:
        st.text(letters)
    figure(*cached.derived(position_figure, ("benchmark_positions_every", [indicator, year]), label, unit_title),
           f"{label}, every authority {compare.financial_year(year)}")


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
    among_every_authority(indicator, label, polarity, unit_title)
    return True
