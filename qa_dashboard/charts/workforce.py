"""The Workforce page's charts, drawn from the rows `qa_dashboard.workforce` works out:
caseload against target, agency share against the 40% flag and England, newly qualified
share, continuity and starters against leavers, and each tab's words and figures in the order
the tab shows them (`tab_blocks`, cached by `cached.derived` on the data version)."""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from qa_dashboard import contract, metrics, workforce as wf
from qa_dashboard.charts import PALETTE, spec_of, trend_chart
from qa_dashboard.scope import Filters

LEVEL_COLOURS = {wf.WHOLE_AUTHORITY: PALETTE[7], "Service area": PALETTE[4], "Team": PALETTE[0]}
TARGET_COLOURS = {wf.ABOVE: PALETTE[5], wf.AT_OR_BELOW: PALETTE[0], wf.NO_TARGET: contract.palette().neutral}
# Starters and leavers, and the two continuity measures, keep the colours trend_chart gives
# them (its unnamed series take the palette in alphabetical order), so bars and lines agree.
MOVES_COLOURS = {"Starters": PALETTE[1], "Leavers": PALETTE[0]}
CONTINUITY_COLOURS = {wf.CONTINUITY["6"]: PALETTE[1], wf.CONTINUITY["12"]: PALETTE[0]}
ROW_STEP = 28   # pixels per group on a bar chart
LABEL_LIMIT = 280  # pixels of a group's name on the y axis
# The words written after a bar must end inside the plot (a PDF cut "22.9 · 5.9 above the target
# of 17" to "of 1"). Vega-Lite cannot size a scale by its text, so the x scale's top is raised
# for the longest words, reckoned on the printed chart (the narrowest it is drawn: 620 px in
# all, less the group names) at a generous 6 px a character of 12 px text (5.2 measured).
CHAR_PX = 6.0
PRINTED_PX = 620 - 2 * 8   # the printed chart's width inside its padding (chart_printer)


def _sized(chart, title: str, height) -> alt.LayerChart:
    """Fit the width to the page but keep the plot's own height: Streamlit's default autosize
    ("fit") squeezes axes, legend and bars into the height, which crushes a long list of teams."""
    return chart.properties(title=title, height=height,
                            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _level_colour(levels) -> alt.Color:
    present = [level for level in LEVEL_COLOURS if level in set(levels)]
    return alt.Color("level_name:N", title=None, legend=alt.Legend(orient="bottom"),
                     scale=alt.Scale(domain=present, range=[LEVEL_COLOURS[level] for level in present]))


def trend(lines: pd.DataFrame, title: str, unit_title: str) -> alt.LayerChart:
    """The shared trend chart sized like this page's bar charts (plot 220 px high, width fitted):
    under Streamlit's default autosize the legend and axes eat into the height, the lines are
    squashed flat, and the title is drawn under the figures expander of the chart above."""
    return _sized(trend_chart(lines, title, unit_title), title, 220)


def _group_axis(rows: pd.DataFrame) -> alt.Y:
    return alt.Y("label:N", sort=list(rows["label"]), title=None,
                 axis=alt.Axis(labelLimit=LABEL_LIMIT, labelFontSize=12))


def plot_px(data: pd.DataFrame) -> float:
    """The printed plot's width: the chart's, less its longest group name and the axis ticks."""
    longest = int(data["label"].astype(str).str.len().max()) if not data.empty else 0
    return PRINTED_PX - min(LABEL_LIMIT, longest * CHAR_PX) - 12


def room_for_words(data: pd.DataFrame, at: str, top: float, dx: int) -> float:
    """The x scale's top, raised where needed so that each row's words, written `dx` px after
    `at`, end inside the printed plot."""
    plot = plot_px(data)
    shown = data.dropna(subset=[at])
    for at_value, words in zip(shown[at], shown["words"].fillna("").astype(str)):
        free = max(plot - dx - len(words) * CHAR_PX - 4, plot * 0.2)  # words wider than the plot: bars kept visible
        top = max(top, float(at_value) * plot / free)
    return top


def _words(data: pd.DataFrame, y: alt.Y, x: str, dx: int = 6, **more) -> alt.Chart:
    """The words written beside each bar, in black."""
    return alt.Chart(data).mark_text(align="left", dx=dx, fontSize=more.pop("size", 12), color="black").encode(
        y=y, x=x, text="words:N", **more)


def caseload_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bars of average caseload per group, vermillion when above target, a black tick at the
    target and the gap written beside each bar."""
    data, table = wf.caseload_bar_rows(rows)
    y = _group_axis(data)
    present = [s for s in TARGET_COLOURS if s in set(data["status"])]
    top = float(data["label_at"].max()) * 1.6 if data["label_at"].notna().any() else 30
    top = room_for_words(data, "label_at", top, dx=8)
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("caseload_shown:Q", title="Children per social worker (FTE)", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=present, range=[TARGET_COLOURS[s] for s in present])),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("caseload_shown:Q", title="Average caseload"),
                 alt.Tooltip("target_shown:Q", title="Target"), alt.Tooltip("words:N", title="Against target")])
    ticks = alt.Chart(data).mark_tick(color="black", thickness=3, size=24).encode(y=y, x="target_shown:Q")
    return _sized(bars + ticks + _words(data, y, "label_at:Q", dx=8), title, alt.Step(ROW_STEP)), table


def agency_bars(rows: pd.DataFrame, england_value: float | None, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Agency share per group, vermillion and marked ⚑ when over 40%; the 40% level and England
    as vertical lines named in the legend."""
    data, table = wf.agency_bar_rows(rows, england_value)
    flag_name, fine_name = f"Over {wf.AGENCY_FLAG_PCT:.0f}%", f"{wf.AGENCY_FLAG_PCT:.0f}% or under"
    y = _group_axis(data)
    highest = float(data["share"].max()) if data["share"].notna().any() else 0.0
    top = room_for_words(data, "label_at", max(wf.AGENCY_FLAG_PCT, highest) + 30, dx=6)
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("share:Q", title="Agency share of social-worker FTE (%)", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("flag:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=[fine_name, flag_name], range=[PALETTE[0], PALETTE[5]])),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("words:N", title="Agency share")])
    lines = [{"at": wf.AGENCY_FLAG_PCT, "line": f"Flag level, {wf.AGENCY_FLAG_PCT:.0f}%", "dash": [6, 3]}]
    if england_value is not None:
        lines.append({"at": round(float(england_value), 1), "line": f"England, {float(england_value):.1f}%",
                      "dash": [2, 2]})
    line_data = pd.DataFrame(lines)
    rule = alt.Chart(line_data).mark_rule(color="black", strokeWidth=1.5).encode(
        x="at:Q", strokeDash=alt.StrokeDash("line:N", title=None, legend=alt.Legend(orient="bottom", symbolStrokeWidth=2),
                                            scale=alt.Scale(domain=list(line_data["line"]), range=list(line_data["dash"]))))
    chart = alt.layer(bars, _words(data, y, "label_at:Q"), rule).resolve_legend(color="independent",
                                                                                 strokeDash="independent")
    return _sized(chart, title, alt.Step(ROW_STEP)), table


def newly_qualified_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    data, table = wf.newly_qualified_bar_rows(rows)
    y = _group_axis(data)
    top = room_for_words(data, "share", float(data["share"].max()) + 25 if not data.empty else 50, dx=6)
    bars = alt.Chart(data).mark_bar(height=18).encode(
        y=y, x=alt.X("share:Q", title="Newly qualified share of social-worker FTE (%)", scale=alt.Scale(domain=[0, top])),
        color=_level_colour(data["level_name"]),
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("words:N", title="Newly qualified")])
    return _sized(bars + _words(data, y, "share:Q"), title, alt.Step(ROW_STEP)), table


def continuity_bars(rows: pd.DataFrame, title: str) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Two bars per group: same worker for 6 months (children open 6+ months) and for 12 (12+).
    A group with no counts gets no bar and says 'no figures'; it is not drawn as 0%."""
    data, table = wf.continuity_bar_rows(rows)
    order = list(wf.CONTINUITY.values())
    y = _group_axis(rows)
    offset = alt.YOffset("measure:N", sort=order)
    colour = alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=320),
                       scale=alt.Scale(domain=order, range=[CONTINUITY_COLOURS[m] for m in order]))
    bars = alt.Chart(data).mark_bar(height=13).encode(
        y=y, yOffset=offset,
        x=alt.X("share:Q", title="Share of children (%)", scale=alt.Scale(domain=[0, 120]),
                axis=alt.Axis(values=list(range(0, 101, 10)))), color=colour,
        tooltip=[alt.Tooltip("label:N", title="Group"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("words:N", title="Share")])
    words = _words(data, y, "label_at:Q", dx=4, size=11, yOffset=offset)
    return _sized(bars + words, title, alt.Step(16)), table


def moves_bars(rows: pd.DataFrame, title: str) -> alt.LayerChart:
    """Starters and leavers side by side each month, the count on each bar. A month with no
    return has no bar (a gap, not a zero)."""
    data, months = wf.moves_bar_rows(rows)
    x = alt.X("month:N", sort=months, title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color("who:N", title=None, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=list(MOVES_COLOURS), range=list(MOVES_COLOURS.values())))
    offset = alt.XOffset("who:N", sort=list(MOVES_COLOURS))
    bars = alt.Chart(data).mark_bar().encode(
        x=x, xOffset=offset, y=alt.Y("count:Q", title="Permanent social workers", axis=alt.Axis(tickMinStep=1)),
        color=colour,
        tooltip=[alt.Tooltip("month:N", title="Month"), alt.Tooltip("who:N", title="Who"),
                 alt.Tooltip("count:Q", title="Number")])
    counts = alt.Chart(data).mark_text(dy=-7, fontSize=11, color="black").encode(
        x=x, xOffset=offset, y="count:Q", text=alt.Text("count:Q", format=",.0f"))
    return _sized(bars + counts, title, 200)


# ------------------------------------------------------------------------------- tabs --
@dataclass(frozen=True)
class Block:
    """One thing a tab shows, in order: a line of text, a subheading, or a figure (a chart's
    spec, or None for a table shown open, with its figures table and its unique name)."""

    kind: str                      # "text", "subheader" or "figure"
    text: str                      # the words, or the figure's name
    chart: dict | None = None
    table: pd.DataFrame | None = None


def _text(*lines: str) -> list[Block]:
    return [Block("text", line) for line in lines]


def _figure(chart, table: pd.DataFrame, name: str) -> Block:
    return Block("figure", name, None if chart is None else spec_of(chart), table)


def _trend_figure(by_month: wf.Trend, title: str, unit_title: str, name: str) -> Block:
    return _figure(trend(by_month.lines, title, unit_title), by_month.table, name)


def _caseloads(frame, month, rows, chosen, england) -> list[Block]:
    when = metrics.month_label(month)
    blocks = _text(*wf.caseload_summary(frame, month))
    blocks.append(_figure(*caseload_bars(rows, f"Average caseload against target, {when} (lower is better)"),
                          f"Caseload by service area and team, {when}"))
    blocks.append(_trend_figure(wf.caseload_trend(frame, chosen, england), "Average caseload by month (lower is better)",
                                "Children per social worker", "Caseload by month"))
    blocks += [Block("subheader", "Newly qualified and experienced workers"),
               *_text(wf.newly_qualified_summary(frame, month))]
    if rows["newly_qualified_pct"].notna().any():
        blocks.append(_figure(*newly_qualified_bars(rows, f"Newly qualified share of social-worker FTE, {when}"),
                              f"Newly qualified share, {when}"))
    return blocks


def _agency(frame, month, rows, chosen, england) -> list[Block]:
    when = metrics.month_label(month)
    england_now = wf.england_by_month(england, "agency_worker_pct", [month])
    blocks = _text(*wf.agency_summary(frame, month, rows), wf.england_note(england_now, "%", "the agency share"))
    if rows["agency_pct"].notna().any():
        blocks.append(_figure(*agency_bars(rows, None if england_now.empty else england_now["value"].iloc[0],
                                           f"Agency share of social workers, {when} (lower is better)"),
                              f"Agency share by service area and team, {when}"))
        blocks.append(_trend_figure(wf.agency_trend(frame, chosen, england), "Agency share by month (lower is better)",
                                    "Per cent of FTE", "Agency share by month"))
    return blocks


def _recruitment(frame, month, rows, chosen, england) -> list[Block]:
    moves = wf.moves_by_month(frame, chosen)
    blocks = _text(wf.moves_text(frame, chosen))
    blocks.append(_figure(moves_bars(wf.selection_rows(wf.in_period(frame, chosen)),
                                     "Permanent starters and leavers each month"),
                          moves.table, "Starters and leavers by month"))
    if not moves.lines.empty:
        blocks.append(_trend_figure(moves, "Starters and leavers over the six months to each month "
                                    "(more starters than leavers is better)", "Social workers, 6 months",
                                    "Starters and leavers, rolling six months"))
    blocks += [Block("subheader", "Vacancies"), *_text(wf.vacancy_summary(frame, month))]
    vacancies = wf.vacancy_trend(frame, chosen, england)
    if not vacancies.lines.empty:
        blocks.append(_trend_figure(vacancies, "Vacancy rate by month (lower is better)", "Per cent of funded FTE",
                                    "Vacancy rate by month"))
    return blocks


def _continuity(frame, month, rows, chosen, england) -> list[Block]:
    when = metrics.month_label(month)
    blocks = _text(*wf.continuity_summary(frame, month, rows))
    if rows[["children_open_6m", "children_open_12m"]].isna().all(axis=None):
        return blocks
    blocks.append(_figure(*continuity_bars(rows, f"Children who kept the same worker, {when} (higher is better)"),
                          f"Same worker by service area and team, {when}"))
    by_month = wf.continuity_trend(frame, chosen)
    if not by_month.lines.empty:
        blocks.append(_trend_figure(by_month, "Children who kept the same worker, by month (higher is better)",
                                    "Per cent of children", "Same worker by month"))
    return blocks


def _every_team(frame, month, rows, chosen, england) -> list[Block]:
    return [*_text("Every figure on this page for the latest month in the period: each service area's "
                   "total, then its teams, with the whole authority first. Blank cells are figures the "
                   "return left blank."),
            _figure(None, wf.team_table(frame, month), f"Every team, {metrics.month_label(month)}")]


_TABS = {"Caseloads": _caseloads, "Agency social workers": _agency, "Recruitment and retention": _recruitment,
         "Consistent relationships": _continuity, "Every team": _every_team}


def tab_blocks(sums: pd.DataFrame, england: pd.DataFrame, chosen: Filters, tab: str) -> list[Block]:
    """Everything one tab shows, for the page to lay out, charts as their specs. Built only for
    the open tab."""
    if tab not in _TABS:
        raise ValueError(f"No tab named {tab!r}")
    frame = wf.add_figures(sums)
    month = wf.latest_month(frame, chosen)
    if month is None:
        return []
    return _TABS[tab](frame, month, wf.group_rows(frame, month), chosen, england)
