"""The XmR (statistical process control) chart, for any monthly series read by `spc.analyse` or
the `kpi_spc` view: System health's indicators, and Audits', Workforce's and Voice's monthly
figures alike.

    xmr_chart(points, title, unit_title, comparators=None, height=400, events=None) -> alt.LayerChart

`points`: one row per month SHOWN (the page chooses the months; the limits in the rows come from
every month loaded), with the columns of `kpi_spc` / `spc.Point.row()`:
    period (date), value (float), centre (float), lower_limit, upper_limit (float or missing),
    variation (the catalogue's words, e.g. "common cause"),
and optionally rule (words or missing), limits_from (date: the first month of the point's part;
each part gets its own centre and limits, drawn as steps) and target (float or missing: drawn
as the target line). `comparators`: optional long rows (period, series, value) of other lines,
named as the trend chart names them (the catalogue's comparator labels); a
"Target" series there is used as given instead of the points' target column.

What is drawn: the figures joined by a thin line (a month with no figure is left out and the line
spans it, as the moving range does: say so with `gap_note`), each point marked by its variation
with a colour AND a shape (circle common cause, diamond special cause improvement, triangle
special cause concern, square special cause neither: never colour alone), the centre (solid) and
the process limits (dashed) per part, the target and comparators dashed in their catalogue
colours. `provisional_note` gives the words for limits from fewer than 13 points.

`events`: optional rows (period, event, label) of the learning loop's marks
(qa_dashboard/loop_shown.events): each a vertical rule through the month, dashed, with a mark at
the top whose SHAPE says its kind (a cross: warning raised; triangles right and left: themed
audit commissioned and completed; a triangle down: action completed) and its label written beside it.
"""
from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import altair as alt
import pandas as pd

from qa_dashboard import contract, spc_read
from qa_dashboard.charts import SERIES_STYLE

# Variation key -> (colour, Vega-Lite shape). Colours after Making Data Count (blue improvement,
# orange concern, purple neither, grey common cause), taken from the Okabe-Ito palette so they
# stay apart with the common colour-vision deficiencies; the shape carries the same meaning.
_SPC_COLOURS = contract.palette().spc
MARKS = {key: (_SPC_COLOURS[key], shape) for key, shape in
         (("common", "circle"), ("improvement", "diamond"), ("concern", "triangle-up"), ("neither", "square"))}
# The lines drawn from the points' own columns, with their colour and dash.
CENTRE, LIMITS, FIGURE = "Centre (mean)", "Process limits", "Our figure"
LINE_STYLE = {
    FIGURE: (_SPC_COLOURS["figure"], []),
    CENTRE: (_SPC_COLOURS["centre"], []),
    LIMITS: (_SPC_COLOURS["limits"], [10, 4]),
}


def variation_marks() -> tuple[list[str], list[str], list[str]]:
    """The variation words in the legend's order, their colours and their shapes."""
    words = contract.spc_words().variation
    keys = list(MARKS)
    return [words[k] for k in keys], [MARKS[k][0] for k in keys], [MARKS[k][1] for k in keys]


def _parts(points: pd.DataFrame) -> pd.Series:
    if "limits_from" in points:
        return pd.to_datetime(points["limits_from"]).dt.strftime("%Y-%m")
    return pd.Series("0", index=points.index)


def _lines(points: pd.DataFrame, comparators: pd.DataFrame | None) -> pd.DataFrame:
    """Every line as long rows (period, series, line, value): `line` keeps each part's centre and
    each limit apart, so a rebase draws as a step and the upper limit never joins the lower."""
    part = _parts(points)
    long = [pd.DataFrame({"period": points["period"], "series": FIGURE, "line": "figure", "value": points["value"]})]
    long.append(pd.DataFrame({"period": points["period"], "series": CENTRE, "line": "centre " + part,
                              "value": points["centre"]}))
    for column in ("upper_limit", "lower_limit"):
        long.append(pd.DataFrame({"period": points["period"], "series": LIMITS, "line": f"{column} " + part,
                                  "value": points[column]}))
    has_target = comparators is not None and not comparators.empty and (comparators["series"] == "Target").any()
    if "target" in points and not has_target:
        long.append(pd.DataFrame({"period": points["period"], "series": "Target", "line": "target",
                                  "value": points["target"]}))
    if comparators is not None and not comparators.empty:
        others = comparators[["period", "series", "value"]].copy()
        others["line"] = others["series"]
        long.append(others)
    frame = pd.concat(long, ignore_index=True)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame[frame["value"].notna()].copy()
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


EVENT_SHAPES = {"Warning raised": "cross", "Themed audit commissioned": "triangle-right",
                "Themed audit completed": "triangle-left", "Action completed": "triangle-down"}


def _event_layers(events: pd.DataFrame, x: alt.X) -> list[alt.Chart]:
    """The loop's marks: a dashed rule per month marked, then per kind a shape near the top (one
    dark grey: the shape and the label carry the meaning) with its label written beside it, each
    kind a row lower than the one before so two in one month do not overprint. Rows are pixels
    from the top (alt.value), so the marks need no scale of their own."""
    frame = events[["period", "event", "label"]].copy()
    frame["period"] = pd.to_datetime(frame["period"])
    kinds = [k for k in EVENT_SHAPES if k in set(frame["event"])] + sorted(set(frame["event"]) - set(EVENT_SHAPES))
    colour = _SPC_COLOURS["centre"]
    legend = alt.Legend(title="The loop", orient="top", direction="horizontal", labelLimit=300, symbolSize=120)
    tooltip = [alt.Tooltip("period:T", title="Month", format="%B %Y"), alt.Tooltip("label:N", title="Event")]
    scale = alt.Scale(domain=kinds, range=[EVENT_SHAPES.get(k, "circle") for k in kinds])
    layers = [alt.Chart(frame).mark_rule(color=colour, strokeDash=[2, 3], strokeWidth=1, opacity=0.7).encode(
        x=x, tooltip=tooltip)]
    for row, kind in enumerate(kinds):
        of_kind = frame[frame["event"] == kind]
        y = alt.value(8 + 14 * row)
        layers.append(alt.Chart(of_kind).mark_point(filled=True, size=90, color=colour, opacity=1).encode(
            x=x, y=y, shape=alt.Shape("event:N", scale=scale, legend=legend if row == 0 else None), tooltip=tooltip))
        layers.append(alt.Chart(of_kind).mark_text(align="left", baseline="middle", dx=7, fontSize=11,
                                                   color=colour).encode(x=x, y=y, text="label:N", tooltip=tooltip))
    return layers


def xmr_chart(points: pd.DataFrame, title: str, unit_title: str, comparators: pd.DataFrame | None = None,
              height: int = 400, events: pd.DataFrame | None = None) -> alt.LayerChart:
    """The XmR chart of `points` (see the module docstring for the columns): lines for the
    figure, centre, process limits, target and comparators; a point per month marked by its
    variation in colour and shape; a tooltip with the month's figure, centre, limits, rule and
    variation."""
    points = points.copy()
    points["period"] = pd.to_datetime(points["period"])
    lines = _lines(points, comparators)
    shown = [c for c in ("period", "value", "centre", "lower_limit", "upper_limit", "variation", "rule") if c in points]
    points = points[shown]
    present = list(dict.fromkeys(lines["series"]))
    order = list(LINE_STYLE) + [s for s in SERIES_STYLE if s != FIGURE]
    series = [s for s in order if s in present] + sorted(set(present) - set(order))
    style = {**SERIES_STYLE, **LINE_STYLE}
    colours = [style.get(s, (_SPC_COLOURS["centre"], []))[0] for s in series]
    dashes = [style.get(s, ("", []))[1] for s in series]
    line_legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, labelLimit=300)
    x = alt.X("period:T", title=None, axis=alt.Axis(format="%b %y"))
    y = alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False))
    drawn_lines = alt.Chart(lines).mark_line(strokeWidth=1.5).encode(
        x=x, y=y, detail="line:N",
        color=alt.Color("series:N", scale=alt.Scale(domain=series, range=colours), legend=line_legend),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=dashes), legend=line_legend),
        tooltip=[alt.Tooltip("series:N", title="Line"), alt.Tooltip("period:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f")],
    )
    words, mark_colours, shapes = variation_marks()
    point_legend = alt.Legend(title="Variation", orient="top", direction="horizontal", labelLimit=300, symbolSize=150,
                              symbolStrokeWidth=0)
    marked = points.assign(rule=points["rule"] if "rule" in points else None)
    marked["rule"] = marked["rule"].fillna("none")
    drawn_points = alt.Chart(marked).mark_point(filled=True, size=80, opacity=1, stroke="#FFFFFF",
                                                strokeWidth=0.8).encode(
        x=x, y=alt.Y("value:Q", title=unit_title, scale=alt.Scale(zero=False)),
        color=alt.Color("variation:N", scale=alt.Scale(domain=words, range=mark_colours), legend=point_legend),
        shape=alt.Shape("variation:N", scale=alt.Scale(domain=words, range=shapes), legend=point_legend),
        tooltip=[alt.Tooltip("period:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=unit_title, format=",.1f"),
                 alt.Tooltip("centre:Q", title="Centre", format=",.1f"),
                 alt.Tooltip("lower_limit:Q", title="Lower limit", format=",.1f"),
                 alt.Tooltip("upper_limit:Q", title="Upper limit", format=",.1f"),
                 alt.Tooltip("variation:N", title="Variation"),
                 alt.Tooltip("rule:N", title="Rule")],
    )
    layers = [drawn_lines, drawn_points]
    if events is not None and not events.empty:
        layers += _event_layers(events, x)
    return alt.layer(*layers).resolve_scale(
        color="independent", strokeDash="independent", shape="independent",
    ).resolve_legend(color="independent", strokeDash="independent", shape="independent").properties(
        title=title, height=height)


# Said under the chart: worked out in the pure spc_read (the pages' figures use them too).
gap_note = spc_read.gap_note
provisional_note = spc_read.provisional_note


# ------------------------------------------------------------------------------ the icons --
# Drawn here (nothing fetched): the variation icon is the chart's own mark for it, in its colour;
# the assurance icon a letter in a circle. Each is an image with its words as its alternative
# text, and the words are written beside it too: never an icon alone.
ASSURANCE_MARKS = {key: (_SPC_COLOURS[key], letter) for key, letter in
                   (("passes", "P"), ("fails", "F"), ("hit_and_miss", "?"))}
_SHAPES = {
    "circle": '<circle cx="11" cy="11" r="8"/>',
    "diamond": '<path d="M11 2 L20 11 L11 20 L2 11 Z"/>',
    "triangle-up": '<path d="M11 2 L20 19 L2 19 Z"/>',
    "square": '<rect x="3" y="3" width="16" height="16"/>',
}


def _icon(colour: str, inner: str, alt: str) -> str:
    """An <img> of an SVG drawn here, as a data URI (st.html keeps an <img> and its alt; it
    drops inline <svg>)."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22" viewBox="0 0 22 22">'
           f'<g fill="{colour}">{inner}</g></svg>')
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" width="22" height="22" style="flex:none">'



def variation_icon(key: str, alt: str | None = None) -> str:
    """The variation icon (`key`: common / improvement / concern / neither) as inline SVG, its
    alternative text `alt` (by default "Variation: " and the words)."""
    colour, shape = MARKS[key]
    return _icon(colour, _SHAPES[shape], html.escape(alt or "Variation: " + contract.spc_words().variation[key]))


def assurance_icon(key: str, alt: str | None = None) -> str:
    """The assurance icon (`key`: passes / fails / hit_and_miss) as inline SVG (a letter in a circle)."""
    colour, letter = ASSURANCE_MARKS[key]
    inner = (f'<circle cx="11" cy="11" r="10"/><text x="11" y="15.5" text-anchor="middle" font-size="13" '
             f'font-weight="700" font-family="sans-serif" fill="#FFFFFF">{letter}</text>')
    return _icon(colour, inner, html.escape(alt or "Assurance: " + contract.spc_words().assurance[key]))


def badges(variation_key: str | None, assurance_key: str | None, provisional: bool = False,
           stacked: bool = False) -> str:
    """The two verdicts as icons with their words beside them, as one block of HTML for
    `st.html` (the words are the catalogue's; nothing from an upload is in it). The icon's
    alternative text is the words; the visible words are hidden from screen readers, so they
    are read once."""
    words = contract.spc_words()
    items = []
    if variation_key:
        said = words.variation[variation_key] + (" (provisional limits)" if provisional else "")
        items.append((variation_icon(variation_key, f"Variation: {said}"), f"Variation: {said}"))
    if assurance_key:
        said = f"Assurance: {words.assurance[assurance_key]}"
        items.append((assurance_icon(assurance_key, said), said))
    cells = "".join(f'<span style="display:inline-flex;align-items:center;gap:0.35rem">{icon}'
                    f'<span aria-hidden="true">{html.escape(text)}</span></span>' for icon, text in items)
    direction = "column;align-items:flex-start" if stacked else "row;align-items:center"
    return f'<div style="display:flex;flex-direction:{direction};flex-wrap:wrap;gap:0.3rem 1rem">{cells}</div>'


def badges_and_lines(verdict: tuple, lines: Sequence[str]) -> str:
    """A tile's verdict icons (`badges(*verdict)`, one under the other) and then its sentences,
    each escaped, as one block of HTML: one element where the icons and a text would be two."""
    said = "".join(f'<p style="margin:0.75rem 0 0">{html.escape(line)}</p>' for line in lines)
    return f"<div>{badges(*verdict, stacked=True)}{said}</div>"
