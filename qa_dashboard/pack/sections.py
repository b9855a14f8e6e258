"""The pack's sections, each built from the same query frames and figure functions as its page.

Each builder returns its blocks, or None when the period holds nothing for it (the pack then
says in one line that the section is left out)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_dashboard.pack import figures as f
from qa_dashboard.pack.model import Bullets, Chart, Heading, Paragraph, Table, table_from, words


@dataclass(frozen=True)
class Scope:
    db: object
    chosen: f.Filters
    publish: bool
    notes: dict              # (scope_kind, key) -> commentary Note in force for the period

    def say(self, text: str) -> Paragraph:
        return Paragraph(words(text, self.publish))

    def table(self, frame: pd.DataFrame, caption: str, rag_column: str | None = None) -> Table:
        return table_from(frame, caption, self.publish, rag_column)


# A published pack leaves free text out: its small numbers cannot be found reliably ("two of the
# hundred", "(2 of 100)", "a 15-year-old at Hub"), and people's own words may point to a child or a
# family. Printing them with a warning would publish them all the same. The internal pack has them.
LEFT_OUT_OF_PUBLISHED = ("{what} {are} left out of this published version: free text cannot be checked for "
                         "counts under 5 or for details that could identify someone. The internal version "
                         "of the pack has {them}.")


def practice_analysis(scope: Scope, kind: str, key: str) -> list:
    """The officers' words for an indicator or section, exactly as written, with who and when;
    in a published pack, a line saying they are left out and why."""
    if scope.publish:
        return [Heading(3, "Practice analysis"),
                Paragraph(LEFT_OUT_OF_PUBLISHED.format(what="Officers' practice analysis", are="is", them="it"),
                          "note")]
    note = scope.notes.get((kind, key))
    if note is None:
        return [Heading(3, "Practice analysis"),
                Paragraph(f"No practice analysis was written for {scope.chosen.period_label}.", "note")]
    written = "uploaded in" if note.source == "uploaded" else "written by"
    return [Heading(3, "Practice analysis"), Paragraph(note.text, "quote"),
            Paragraph(f"{f.metrics.month_label(note.period)}, {written} {note.author} "
                      f"on {note.written_at:%d %B %Y}.", "byline")]


def _chart(spec, alt_text: str, caption: str) -> Chart:
    return Chart(f.spec_of(spec), alt_text, caption)


def _has_small_counts(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if ((values > 0) & (values < f.metrics.SMALL_N)).any():
            return True
    return False


def _chart_or_note(scope: Scope, chart: Chart, counts: pd.DataFrame | None, *columns: str) -> list:
    """Under --publish a chart that shows counts under 5 is left out, saying so."""
    if scope.publish and counts is not None and _has_small_counts(counts, columns):
        return [Paragraph(f"The chart \"{chart.caption}\" is left out of this published version: it shows "
                          "counts under 5.", "note")]
    return [chart]


# ------------------------------------------------------------------------ system health --
def indicator_figure(rows: list[dict], end: dt.date) -> str:
    """The latest figure in words with its numerator and denominator, small counts flagged."""
    latest, _, _ = f.metrics.latest_and_earlier(rows, end)
    first = rows[0]
    text = f"{f.metrics.month_label(latest['period'])}: {f.metrics.format_value(latest['value'], first['unit'])}"
    if latest.get("numerator") is not None and latest.get("denominator") is not None:
        text += f" ({latest['numerator']:,.0f} of {latest['denominator']:,.0f})"
        if 0 < latest["denominator"] < f.metrics.SMALL_N:
            text += " (fewer than 5: read with care)"
    if latest.get("target") is not None:
        rag = f.metrics.rag(latest["value"], latest["target"], first["polarity"])
        text += f"; target {f.metrics.format_value(latest['target'], first['unit'])}, RAG {rag or 'not rated'}"
    return text + f". {f.metrics.better_phrase(first['polarity']).capitalize()}."


def among_every_authority(scope: Scope) -> list:
    """The authority's latest band and ranks among every authority, for each indicator DfE
    publishes (nothing when no authority is chosen or no DfE file is loaded)."""
    indicators = f.contract.load().indicators
    table = f.compare.positions_table(f.query(scope.db, "benchmark_positions_chosen"),
                                      {i.code: i.label for i in indicators}, {i.code: i.unit for i in indicators})
    if table.empty:
        return []
    meanings = "; ".join(f"{band} {meaning}" for band, meaning in f.contract.load().band_meanings.items())
    return [Heading(2, "Among every authority"),
            Paragraph("Where the authority sits among every authority with a published figure, in DfE's latest "
                      f"year for each indicator: rank 1 is the best end, and the quartile bands are {meanings}. "
                      "Neither higher nor lower is better for a neutral indicator, so it has no band: its figure "
                      "is placed against the middle half of authorities.", "note"),
            scope.table(table, "Bands and ranks among every authority")]


def position_chart(scope: Scope, code: str, label: str, unit_title: str) -> list:
    """The indicator's position chart for its latest published year, with the sentence beside it."""
    catalogued = f.contract.load().indicator(code)
    latest = f.compare.latest_positions(f.query(scope.db, "benchmark_positions_chosen")).get(code)
    if latest is None or catalogued is None:
        return []
    every = f.query(scope.db, "benchmark_positions_every", [code, int(latest["year"])])
    spec, _ = f.published_charts.position_figure(every, label, unit_title)
    sentence = f.compare.position_sentence(latest, catalogued.better, catalogued.unit)
    neighbours = int(every["is_neighbour"].sum())
    england = every["england"].dropna()
    alt = (f"Dot chart: {label} in {latest['financial_year']}, DfE's latest published year, for each of the "
           f"{len(every)} authorities with a published figure, one dot each on one axis; {latest['area_name']} a labelled diamond at "
           f"{f.metrics.format_value(latest['value'], catalogued.unit)}, its {neighbours} statistical neighbours "
           "squares, " + (f"England's {f.metrics.format_value(england.iloc[0], catalogued.unit)} a dashed line, "
                          if not england.empty else "")
           + "the quartile bands (or the middle half) shaded. " + sentence)
    return [Heading(3, "Among every authority"), scope.say(sentence),
            _chart(spec, alt, f"{label}, {latest['financial_year']}: every authority")]



def indicator_chart(detail, alt: str) -> Chart:
    """The indicator's chart as System health draws it: the XmR chart of the points its
    `spc_points` rows give for the window (centre and limits from every month loaded), or the
    plain trend where the scope has no SPC reading (a team with too few months of its own)."""
    if detail.points is None or detail.points.empty:
        return _chart(f.trend_chart(detail.lines, detail.label, detail.unit_title), alt, f"{detail.label}, 24 months")
    others = detail.lines[detail.lines["series"] != "Our figure"]
    return _chart(f.spc_charts.xmr_chart(detail.points, detail.label, detail.unit_title, others), alt,
                  f"{detail.label}, XmR chart, 24 months")


# The pack's table of the last 12 months keeps the page's figures and the month's variation;
# centre, limits and rule are on the chart (and in the page's Figures table), for width.
LEFT_OUT_OF_TABLE = ("Commentary", "Centre", "Lower limit", "Upper limit", "Rule")


def one_indicator(scope: Scope, code: str, by_indicator: dict, spc_points: pd.DataFrame) -> list:
    rows = by_indicator[code]
    detail = f.system_health.indicator_detail(by_indicator, code, scope.chosen, spc_points)
    latest = indicator_figure(rows, scope.chosen.end)
    read = detail.reading
    others = ", ".join(s for s in dict.fromkeys(detail.lines["series"]) if s != "Our figure")
    verdict = (f" Variation: {read.variation_words()}; assurance: {read.assurance_words(detail.polarity) or 'none'}."
               if read is not None else "")
    kind = "Line chart" if detail.points is None or detail.points.empty else \
        "XmR chart, each month's figure marked by its variation, with the centre and process limits from every month loaded"
    alt = (f"{kind}: {detail.label} by month over up to 24 months to {scope.chosen.end:%B %Y}"
           f"{', lines for ' + others if others else ''}.{verdict} Latest figure {latest}")
    trend = f.system_health.trend_analysis(rows, scope.chosen, spc_points)
    recent = detail.table.tail(12).drop(columns=list(LEFT_OUT_OF_TABLE), errors="ignore")
    return [Heading(2, detail.label), Paragraph(detail.direction_note, "note"), indicator_chart(detail, alt),
            *[Paragraph(note, "note") for note in detail.notes],
            scope.say(f"Latest figure, {latest}"),
            Heading(3, "Trend analysis"),
            *([scope.say(s) for s in trend] if trend else
              [Paragraph("There is no figure in the period to read.", "body")]),
            *practice_analysis(scope, "indicator", code),
            scope.table(recent, f"{detail.label}: the last {len(recent)} months"),
            *position_chart(scope, code, detail.label, detail.unit_title)]


def system_health(scope: Scope, by_indicator: dict, spc_points: pd.DataFrame) -> list | None:
    codes = [code for code, rows in by_indicator.items() if rows[0]["system_health"]
             and f.metrics.latest_and_earlier(rows, scope.chosen.end)[0] is not None]
    if not codes:
        return None
    blocks = [Heading(1, "System health"),
              Paragraph("The Children's Commissioner's system-health indicators, each with its trend against "
                        "target and comparators drawn as an XmR chart (how to read one is in the appendix), the "
                        "latest figure with what it counts, the trend analysis generated from the figures (the "
                        "signal first, then the moves on the month and the year) and the practice analysis "
                        "written by officers.", "note")]
    for code in codes:
        blocks += one_indicator(scope, code, by_indicator, spc_points)
    return blocks


# ------------------------------------------------------------------------------- audits --
def audit_blocks(scope: Scope) -> list | None:
    c = scope.chosen
    params = c.params()
    in_period = f.query(scope.db, "audits_in_period", params)
    if in_period.empty:
        return None
    overall = f.query(scope.db, "audits_overall_by_month", params)
    area_grades = f.query(scope.db, "audits_area_grades", params)
    fig = f.audits.page_figures(overall, area_grades, in_period, c.start, c.end)
    top = fig.headline
    blocks = [Heading(1, "Audits"),
              scope.say(f"Audits completed in {c.period_label}: {top.audits:,}. Good or better: "
                        f"{top.good_or_better.text()}. {f.audits.worst_label()}: {top.inadequate.text()}. "
                        f"Moderated: {top.moderated.text()}. Actions completed: {top.actions.text()} of those agreed."),
              scope.say(fig.grade_mix)]
    gaps = [f.metrics.month_label(m) for m in fig.months_without_audits] + fig.quarters_without_audits
    if gaps:
        blocks.append(Paragraph(f"No audits in {', '.join(gaps)}: left empty on the charts, not counted as zero.",
                                "note"))
    blocks += practice_analysis(scope, "section", "Audits")
    last_month = fig.by_month_table.tail(1).to_dict("records")
    latest = f" Latest month with audits: {', '.join(f'{k} {v}' for k, v in last_month[0].items())}." if last_month else ""
    by_month = _chart(f.stacked_grades(fig.by_month, "month_label", "Month", "Overall judgements by month",
                                       x_domain=fig.month_labels),
                      "Stacked bar chart: the share of audits at each overall grade in each month of the period, "
                      "with the number of audits written on each part." + latest, "Overall judgements by month")
    blocks += [Heading(2, "Judgements by month and quarter"),
               *_chart_or_note(scope, by_month, fig.by_month, "count"),
               scope.table(fig.by_quarter_table, "Overall judgements by financial quarter"),
               Heading(2, "This year against last")]
    blocks += [scope.say(s) for s in fig.year_on_year.sentences()]
    missing, expected = fig.not_judged
    blocks += [Heading(2, "Practice areas"),
               Paragraph(f"Good or better share of the audits that judged each area, with n, by financial quarter. "
                         f"{missing:,} of {expected:,} practice-area judgements were not judged and are left out of "
                         f"the shares. {f.audits.SMALL_NOTE}", "note"),
               scope.table(fig.area_grid, "Good or better by practice area and quarter"),
               Heading(2, "Moderation"),
               scope.say(f"Moderated by a second manager: {top.moderated.text()}. Graded down at moderation: "
                         f"{fig.moved[0]}; graded up: {fig.moved[1]}."),
               scope.table(fig.moderation_crosstab, "Grade before and after moderation"),
               Heading(2, "Actions agreed and completed"),
               scope.table(fig.actions_by_quarter, "Actions by quarter")]
    return blocks


# ---------------------------------------------------------------------------- workforce --
WORKFORCE_PARTS = ("Caseloads", "Agency social workers", "Recruitment and retention", "Consistent relationships")


def workforce_blocks(scope: Scope) -> list | None:
    c = scope.chosen
    sums = f.query(scope.db, "workforce_sums", c.params(first_month=f.workforce.first_month_asked(c)))
    top = f.workforce.headline(sums, c)
    if top.month is None:
        return None
    england = f.query(scope.db, "workforce_england")
    tiles = pd.DataFrame([{"Figure": t.label, f"{f.metrics.month_label(top.month)}": t.value,
                           "Change": t.delta or "", "Read with": " ".join(t.lines)} for t in top.tiles])
    blocks = [Heading(1, "Workforce"),
              Paragraph("Figures for several teams are worked out from their totals (all children ÷ all FTE), "
                        "never as an average of the teams' figures.", "note"),
              scope.table(tiles, "Workforce headline figures"), *practice_analysis(scope, "section", "Workforce")]
    for part in WORKFORCE_PARTS:
        blocks.append(Heading(2, part))
        said = ""  # the part's first sentence gives its latest figure, for the charts' alt text
        for block in f.workforce_charts.tab_blocks(sums, england, c, part):
            if block.kind == "text":
                said = said or f"Latest: {block.text}"
                blocks.append(scope.say(block.text))
            elif block.kind == "subheader":
                said = ""
                blocks.append(Heading(3, block.text))
            elif block.chart is not None:
                chart = _chart(block.chart, f"Chart: {block.text}. {said}", block.text)
                counted = [col for col in block.table.columns if str(col).lower() in ("starters", "leavers")]
                blocks += _chart_or_note(scope, chart, block.table, *counted)
    return blocks


# -------------------------------------------------------------------------------- voice --
COMMENTS_SHOWN = 8


def voice_blocks(scope: Scope) -> list | None:
    c = scope.chosen
    win = f.voice.windows(c.start, c.end)
    params = win.params(c.service_area, c.team)
    counts = f.query(scope.db, "voice_survey_counts", params)
    heard = f.voice_charts.heard_part(f.query(scope.db, "voice_heard_by_quarter", params), c.start, c.end)
    cc = f.voice_charts.compliments_part(f.query(scope.db, "voice_compliments_complaints", params), c.start, c.end)
    if not cc.any_feedback:
        return None
    survey = f.voice.survey_part(counts, c.start, c.end)
    blocks = [Heading(1, "Voice of the child and family"), Paragraph(win.describe(), "note"),
              *practice_analysis(scope, "section", "Voice")]
    if not survey.table.table.empty:
        blocks += [Heading(2, "Survey answers by quarter"),
                   Paragraph("Each cell is the share of answers that were positive, with n, the answers counted. "
                             f"Higher is better. {survey.table.change_note}", "note"),
                   scope.table(survey.table.table, "Survey answers by quarter")]
    if heard.chart is not None:
        alt = f"Chart: people heard in each quarter against the same quarter a year earlier. Latest quarter: {heard.tile.value}."
        blocks += [Heading(2, "How many were heard"), scope.say(" ".join([f"People heard: {heard.tile.value}.", *heard.tile.lines])),
                   *_chart_or_note(scope, Chart(heard.chart, alt, "People heard per quarter"), heard.table, "people heard")]
    blocks += comments_blocks(scope, win)
    if cc.any_loaded:
        latest = "; ".join(f"{t.label}: {t.value}" for t in cc.tiles)
        blocks += [Heading(2, "Compliments and complaints"),
                   *_chart_or_note(scope, Chart(cc.quarter_chart, f"Chart: compliments and complaints per quarter. "
                                                f"Latest quarter: {latest}.", "Compliments and complaints per quarter"),
                                   cc.by_quarter, "compliments", "complaints"),
                   scope.table(cc.by_quarter, "Compliments and complaints per quarter")]
    return blocks


def comments_blocks(scope: Scope, win) -> list:
    """People's words, exactly as written: the comments an officer chose on the Voice page for
    this period and scope; when none were chosen, the newest, saying so. None in a published pack."""
    found = f.voice.comments_for_reading(f.query(scope.db, "voice_comments",
                                                 win.period_params(scope.chosen.service_area, scope.chosen.team)))
    if found.empty:
        return []
    if scope.publish:
        return [Heading(2, "In their own words"), Paragraph(LEFT_OUT_OF_PUBLISHED.format(
            what=f"The period's {len(found):,} comments in people's own words", are="are", them="them"), "note")]
    chosen = found[found["comment_key"].isin(f.chosen_comments.chosen_keys(scope.db))]
    if chosen.empty:
        shown = found.head(COMMENTS_SHOWN)
        said = (f"No comments were chosen for the pack on the Voice page for this period, so these are the "
                f"{len(shown)} newest of the period's {len(found):,} comments, shown exactly as written.")
    else:
        shown = chosen
        said = (f"The {len(shown)} of the period's {len(found):,} comments chosen by officers on the Voice page, "
                "newest first, shown exactly as written.")
    blocks = [Heading(2, "In their own words"), Paragraph(said, "note")]
    for row in shown.to_dict("records"):
        blocks += [Paragraph(row["Comment"], "quote"), Paragraph(f.voice.comment_heading(row), "byline")]
    return blocks


# --------------------------------------------------------------------- improvement plan --
def plan_blocks(scope: Scope, today: dt.date, since: dt.date) -> list | None:
    """RAG, status and overdue as the plan stands, and what changed since `since` (the date of
    the last pack: nothing records packs, since making one writes nothing)."""
    actions = f.query(scope.db, "actions_current")
    if actions.empty:
        return None
    plan = f.overview.plan_summary(actions, today)
    changes = f.query(scope.db, "actions_changed_since", {"since": since})
    plain = f.overview.PLAN_COLUMNS  # the page's plain-word headings, one mapping for both
    rag = plain["rag"]
    rag_words = Bullets(tuple(f"{r['rag']}: {r['actions']:,}" for r in plan.by_rag.to_dict("records")))
    blocks = [Heading(1, "Improvement plan"), Paragraph("Actions by RAG rating:", "body"), rag_words,
              scope.table(plan.by_status.rename(columns=plain), "Actions by status"),
              Heading(2, f"Overdue ({len(plan.overdue)})")]
    if plan.overdue.empty:
        blocks.append(Paragraph(f"No action is past its due date and still open on {today:%d %B %Y}.", "body"))
    else:
        blocks.append(scope.table(plan.overdue.rename(columns=plain), "Overdue actions", rag_column=rag))
    said = (f"Actions whose status or RAG rating differs from the plan as loaded by the end of {since:%d %B %Y}, "
            "and actions added since; a dash is an action that was not in the plan then. The date is the last "
            "pack's: choose it on the Board pack page or with --since.")
    if changes.empty:
        blocks += [Heading(2, f"Changed since the last pack, {since:%d %B %Y} (0)"),
                   Paragraph(f"No action changed status or RAG rating, and none was added, since {since:%d %B %Y}.", "body")]
    elif not changes["plan_then"].iloc[0]:
        blocks += [Heading(2, f"Changed since the last pack, {since:%d %B %Y}"),
                   Paragraph(f"The plan was first loaded after {since:%d %B %Y}, so there is no earlier plan to "
                             "compare it with.", "body")]
    else:
        blocks += [Heading(2, f"Changed since the last pack, {since:%d %B %Y} ({len(changes)})"), Paragraph(said, "note"),
                   scope.table(changes.drop(columns=["plan_then"]).rename(columns=plain),
                               f"Actions changed since {since:%d %B %Y}", rag_column=rag)]
    return blocks


LOOP = "Early warnings and the learning loop"


def loop_blocks(scope: Scope) -> list | None:
    """Early warnings still open, the themed audits (n, judgement mix, findings), the actions
    linked to indicators and what moved since (issue 21). Themes, titles and findings are words
    from an upload, printed as plain text; a published pack leaves the findings out, as it does
    officers' practice analysis, saying why."""
    open_rows = f.query(scope.db, "loop_open_warnings")
    summary = f.query(scope.db, "themed_audits_summary")
    links = f.query(scope.db, "loop_links_all")
    verdict_rows = f.query(scope.db, "loop_verdicts_all")
    if open_rows.empty and summary.empty and links.empty and verdict_rows.empty:
        return None
    blocks = [Heading(1, LOOP), Paragraph(
        "An indicator warns in a month when its figures to then end on special cause concern, consistently fail "
        "the target, have been red for three months running, or its latest published band among every authority "
        "is D. What was done is read against the figures since: a figure that moved after an action did not "
        "necessarily move because of it.", "note")]
    lines, table = f.loop_shown.open_warnings(open_rows)
    blocks.append(Heading(2, f"Early warnings still open ({len(lines)})"))
    if lines:
        blocks.append(scope.table(table, "Early warnings still open"))
    else:
        blocks.append(Paragraph("No early warning is open: no indicator's latest month raised one.", "body"))
    blocks.append(Heading(2, f"Themed audits ({len(summary)})"))
    if summary.empty:
        blocks.append(Paragraph("No themed audit is loaded.", "body"))
    else:
        themed = f.loop_shown.themed_audits(summary, shares=False)
        blocks.append(scope.table(themed.drop(columns=["Findings"]), "Themed audits"))
        if scope.publish:
            blocks.append(Paragraph(LEFT_OUT_OF_PUBLISHED.format(what="Themed audits' findings", are="are",
                                                                 them="them"), "note"))
        else:
            for theme, findings in zip(themed["Theme"], themed["Findings"]):
                if findings:
                    blocks += [Heading(3, f"Findings: {theme}"), Paragraph(findings, "quote")]
    actions = f.loop_shown.linked_actions(links)
    blocks.append(Heading(2, f"Actions linked to indicators ({len(actions)})"))
    if actions.empty:
        blocks.append(Paragraph("No action in the plan names an indicator.", "body"))
    else:
        blocks.append(scope.table(actions, "Actions linked to indicators", rag_column="RAG"))
    moved, moved_table = f.loop_shown.verdicts(verdict_rows)
    blocks.append(Heading(2, "What we did and what moved"))
    if moved:
        blocks += [Bullets(tuple(scope.say(line).text for line in moved)),
                   scope.table(moved_table, "What we did and what moved")]
    else:
        blocks.append(Paragraph("No themed audit or action linked to an indicator has completed yet, so there is "
                                "nothing to read the figures against.", "body"))
    return blocks
