"""The Voice of the child and family page's charts, drawn from the figures `qa_dashboard.voice`
works out: a question's positive share over quarters, people heard against a year earlier,
and compliments and complaints. Each part returns its figures beside its finished spec, for
`cached.derived` to keep on the data version."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd

from qa_dashboard import contract, voice
from qa_dashboard.charts import PALETTE, spec_of
from qa_dashboard.metrics import Tile

END_LABELS_UP_TO = 3  # more lines than this and their end labels overprint: the legend names them
DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 4], [4, 2, 1, 2], [3, 6]]


def _series_scales(series: list[str], fixed: dict[str, str] | None = None):
    colours = [(fixed or {}).get(s, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    dashes = [DASHES[i % len(DASHES)] for i in range(len(series))]
    return alt.Scale(domain=series, range=colours), alt.Scale(domain=series, range=dashes)


def quarter_lines(frame: pd.DataFrame, value: str, value_title: str, title: str, quarters: list[str],
                  tooltip: list, percent: bool = False, height: int = 360,
                  colours: dict[str, str] | None = None) -> alt.LayerChart:
    """Lines over financial quarters, one per `series`, dashed differently and, when there are
    few enough not to collide, labelled at their last point; a row without a value breaks the
    line (a gap, not a zero). Small samples are drawn as open triangles, named in the legend.
    `height` is the whole chart's, legend and axes included (Streamlit fits the spec to it)."""
    series = list(pd.unique(frame["series"]))
    colour, dash = _series_scales(series, colours)
    x = alt.X("quarter:O", title=None, sort=quarters, scale=alt.Scale(domain=quarters),
              axis=alt.Axis(labelAngle=0 if len(quarters) <= 8 else -45))
    y_scale = alt.Scale(domain=[0, 100]) if percent else alt.Scale(zero=True)
    y = alt.Y(f"{value}:Q", title=value_title, scale=y_scale)
    base = alt.Chart(frame).encode(x=x, y=y, color=alt.Color("series:N", scale=colour, legend=alt.Legend(
        title=None, orient="bottom", labelLimit=400)))
    lines = base.mark_line(strokeWidth=2, invalid="break-paths-show-domains").encode(
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None))
    valid = frame[frame[value].notna()]
    points = alt.Chart(valid).encode(x=x, y=y, color=alt.Color("series:N", scale=colour, legend=None),
                                     tooltip=tooltip)
    if "reading" in valid:
        points = points.mark_point(size=60, filled=False, strokeWidth=2).encode(
            shape=alt.Shape("reading:N", scale=alt.Scale(domain=[voice.FULL_READING, voice.SMALL_READING],
                                                         range=["circle", "triangle-up"]),
                            legend=alt.Legend(title=None, orient="bottom", labelLimit=400)))
    else:
        points = points.mark_point(size=50, filled=True)
    layers = [lines, points]
    if len(series) <= END_LABELS_UP_TO:
        last = valid.sort_values("quarter_start").groupby("series", as_index=False).tail(1)
        layers.append(alt.Chart(last).mark_text(align="left", dx=7, fontSize=11).encode(
            x=x, y=y, text="series:N", color=alt.Color("series:N", scale=colour, legend=None)))
    return alt.layer(*layers).properties(title=title, height=height)


def survey_trend_chart(trend: pd.DataFrame, question: str) -> alt.LayerChart:
    tooltip = [alt.Tooltip("series:N", title="Who"), alt.Tooltip("quarter:O", title="Quarter"),
               alt.Tooltip("positive_share:Q", title="Positive (%)", format=".0f"),
               alt.Tooltip("answered:Q", title="n"), alt.Tooltip("excluded:Q", title="Don't know or blank")]
    quarters = list(pd.unique(trend["quarter"]))
    return quarter_lines(trend, "positive_share", "Positive answers (%)", question, quarters, tooltip, percent=True)



def heard_chart(table: pd.DataFrame) -> alt.FacetChart:
    """One small panel per respondent type: each quarter's count beside the same quarter a year earlier."""
    types = [t for t in pd.unique(table["respondent"]) if t != voice.ALL_HEARD]
    shown = table[table["respondent"].isin(types)]
    long = pd.concat([
        shown.assign(when=voice.THIS_YEAR, people=shown["people heard"]),
        shown.assign(when=voice.YEAR_EARLIER, people=shown["same quarter a year earlier"]),
    ])[["quarter", "respondent", "when", "people"]]
    long = long[long["people"].notna()].astype({"people": int})
    quarters = list(pd.unique(table["quarter"]))
    colour = alt.Scale(domain=[voice.THIS_YEAR, voice.YEAR_EARLIER], range=[PALETTE[0], contract.palette().lighter])
    base = alt.Chart().encode(
        x=alt.X("quarter:O", title=None, sort=quarters, axis=alt.Axis(labelAngle=-45 if len(quarters) > 2 else 0)),
        xOffset=alt.XOffset("when:N", sort=[voice.THIS_YEAR, voice.YEAR_EARLIER]),
        y=alt.Y("people:Q", title="People heard"),
        tooltip=[alt.Tooltip("respondent:N", title="Who"), alt.Tooltip("quarter:O", title="Quarter"),
                 alt.Tooltip("when:N", title="Bar"), alt.Tooltip("people:Q", title="People heard")],
    )
    bars = base.mark_bar().encode(color=alt.Color("when:N", scale=colour, sort=[voice.THIS_YEAR, voice.YEAR_EARLIER],
                                                  legend=alt.Legend(title=None, orient="bottom")))
    counts = base.mark_text(dy=-6, fontSize=10).encode(text="people:Q")
    width = max(120, 60 * len(quarters))
    return alt.layer(bars, counts, data=long).properties(width=width, height=160).facet(
        facet=alt.Facet("respondent:N", sort=types, title=None, header=alt.Header(labelFontSize=12)),
        columns=3,
    ).properties(title="People heard per quarter, by who they are")




CC_COLOURS = {voice.COMPLIMENTS: PALETTE[0], voice.COMPLAINTS: PALETTE[5]}


def compliments_trend_chart(by_quarter: pd.DataFrame) -> alt.LayerChart:
    tooltip = [alt.Tooltip("series:N", title="What"), alt.Tooltip("quarter:O", title="Quarter"),
               alt.Tooltip("count:Q", title="Count")]
    return quarter_lines(by_quarter, "count", "Number received", "Compliments and complaints per quarter",
                         list(by_quarter["quarter"].drop_duplicates()), tooltip, colours=CC_COLOURS)



def compliments_service_chart(table: pd.DataFrame, period: str) -> alt.LayerChart:
    long = table.melt(id_vars="service area", value_vars=["compliments", "complaints"], var_name="what",
                      value_name="count")
    long["what"] = long["what"].str.capitalize()
    colour = alt.Scale(domain=list(CC_COLOURS), range=list(CC_COLOURS.values()))
    base = alt.Chart(long).encode(
        y=alt.Y("service area:N", title=None, sort=list(table["service area"]), axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("what:N", sort=[voice.COMPLIMENTS, voice.COMPLAINTS]),
        x=alt.X("count:Q", title="Number received"),
        tooltip=[alt.Tooltip("service area:N", title="Service area"), alt.Tooltip("what:N", title="What"),
                 alt.Tooltip("count:Q", title="Count")],
    )
    bars = base.mark_bar().encode(color=alt.Color("what:N", scale=colour, sort=[voice.COMPLIMENTS, voice.COMPLAINTS],
                                                  legend=alt.Legend(title=None, orient="bottom")))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(text="count:Q")
    return alt.layer(bars, labels).properties(title=f"Compliments and complaints by service area, {period}",
                                              height=alt.Step(16))


# ------------------------------------------------------------------- the page, prepared --
# Each part is worked out from one query's frame by `cached.derived`, so a rerun with nothing
# new (a search, a click elsewhere on the page) costs a cache lookup, not the arithmetic and the
# charts' schema validation again. They take the period as dates, which the cache can key on.


def prepared_spec(chart: alt.TopLevelMixin) -> dict:
    """A chart as its finished Vega-Lite spec, for `charts.figure`: built once (`spec_of`),
    then cached with the figures beside it. Its
    data (a few hundred rows at most) travels inside the spec as `values`, plain JSON."""
    spec = spec_of(chart)
    # Altair's default theme adds a fixed view size Streamlit does not want (it switches the
    # theme off when it converts a chart itself); everything else is the chart's own.
    view = spec.get("config", {}).pop("view", None)
    if view is not None and not spec["config"]:
        spec.pop("config")
    return _inline_data(spec, spec.pop("datasets", {}))


def _inline_data(node, datasets: dict):
    """The spec with each `{"name": ...}` data reference replaced by that dataset's values."""
    if isinstance(node, dict):
        if set(node) == {"name"} and node["name"] in datasets:
            return {"values": _inline_data(datasets[node["name"]], {})}
        return {key: _inline_data(value, datasets) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_data(item, datasets) for item in node]
    if isinstance(node, dt.date):
        return node.isoformat()  # the spec goes to the browser as JSON
    return node


@dataclass(frozen=True)
class TrendPart:
    figures: pd.DataFrame
    chart: dict


def trend_part(counts: pd.DataFrame, question: str, split: str | None, start: dt.date, end: dt.date) -> TrendPart:
    trend = voice.survey_trend(counts, question, split, voice.windows(start, end))
    return TrendPart(voice.survey_trend_figures(trend, split), prepared_spec(survey_trend_chart(trend, question)))


@dataclass(frozen=True)
class HeardPart:
    table: pd.DataFrame
    chart: dict | None
    note: str | None
    tile: Tile


def heard_part(heard: pd.DataFrame, start: dt.date, end: dt.date) -> HeardPart:
    win = voice.windows(start, end)
    table_ = voice.heard_table(heard, win)
    return HeardPart(table_, prepared_spec(heard_chart(table_)) if not table_.empty else None,
                     voice.heard_in_progress(heard, win), voice.heard_tile(heard, win))


@dataclass(frozen=True)
class ComplimentsPart:
    any_feedback: bool          # any feedback at all in the window, whatever its source
    any_loaded: bool            # any compliment or complaint among it
    by_quarter: pd.DataFrame | None
    quarter_chart: dict | None
    by_service: pd.DataFrame | None
    service_chart: dict | None
    tiles: list[Tile]


def compliments_part(cc: pd.DataFrame, start: dt.date, end: dt.date) -> ComplimentsPart:
    win = voice.windows(start, end)
    tiles = voice.compliments_tiles(cc, win)
    if not voice.any_compliments_or_complaints(cc):
        return ComplimentsPart(not cc.empty, False, None, None, None, None, tiles)
    by_quarter, by_service = voice.compliments_by_quarter(cc, win), voice.compliments_by_service(cc, win)
    first, last = voice.quarter_label(win.period[0]), voice.quarter_label(win.latest)
    period = first if first == last else f"{first} to {last}"
    return ComplimentsPart(True, True, voice.compliments_quarter_table(by_quarter), prepared_spec(compliments_trend_chart(by_quarter)),
                           by_service, prepared_spec(compliments_service_chart(by_service, period)), tiles)
