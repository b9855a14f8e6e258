"""Build the board pack's document model for one period and scope, in the order a board reads:
cover, one-page summary, system health, audits, workforce, voice, improvement plan, early warnings
and the learning loop, appendix."""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from qa_dashboard.pack import figures as f
from qa_dashboard.pack import sections
from qa_dashboard.pack.model import Bullets, Chart, Document, Heading, PageBreak, Paragraph, printable_parts, table_from
from qa_dashboard.scope import PeriodRefused, read_period

SECTIONS = ("Overview", "System health", "Audits", "Workforce", "Voice", "Improvement plan", sections.LOOP)
SECTION_SLUGS = {name.lower().replace(" ", "-"): name for name in SECTIONS}
LATEST = "latest"


class PackError(Exception):
    """A plain sentence for the user: the period has no data, an option is unknown."""


# ------------------------------------------------------------------------------ the period --
def resolve_period(db, token: str | None) -> tuple[dt.date, dt.date, str]:
    """The months a period names, as the sidebar reads a link's (`scope.read_period`): `latest`
    (default), a month `2024-07` or `Jul-24`, months `2024-06..2024-11`, a financial year
    `2024-25` or a quarter `Q3 2024-25`."""
    months = f.query(db, "months_loaded")
    if months.empty:
        raise PackError("The database holds no figures yet, so there is nothing to put in a pack.")
    try:
        _, start, end, label = read_period(months, token or LATEST)
    except PeriodRefused as refused:
        raise PackError(str(refused)) from None
    return start, end, label


def choose_sections(names) -> list[str]:
    """Section names or their link forms (`system-health`); every section when none are named."""
    if not names:
        return list(SECTIONS)
    chosen = []
    for name in names:
        key = str(name).strip().lower().replace(" ", "-")
        if key not in SECTION_SLUGS:
            raise PackError(f"There is no section called '{name}'. Choose from: "
                            + ", ".join(SECTION_SLUGS) + ".")
        chosen.append(SECTION_SLUGS[key])
    return [name for name in SECTIONS if name in chosen]


def filters_for(db, period: str | None, service: str | None, team: str | None) -> f.Filters:
    start, end, label = resolve_period(db, period)
    teams = f.query(db, "teams_by_service")
    if service and service not in set(teams["service_area"]):
        raise PackError(f"There is no service area called '{service}' in the data.")
    if team and team not in set(teams["team"]):
        raise PackError(f"There is no team called '{team}' in the data.")
    return f.Filters(start=start, end=end, period_label=label, service_area=service, team=team)


# ----------------------------------------------------------------------------- the parts --
def _authority(db, demo: bool) -> str:
    with f.store.read_connection(db) as con:
        chosen = f.chosen_authority(con)
    if chosen:
        return chosen.la_name
    return "A fictional authority (demo data)" if demo else "Authority not set (python -m qa_dashboard authority NAME)"


def ofsted_blocks(judged) -> list:
    """Ofsted's latest judgement of the authority, and its neighbours' and region's by grade
    (`inspections.judgements`), for the cover. Authorities' grades are public: never suppressed."""
    blocks = [Heading(2, "Ofsted's judgements"), Paragraph(judged.headline, "body")]
    if not judged.counts.empty:
        blocks += [*[Paragraph(note, "body") for note in judged.notes],
                   table_from(judged.counts, "Ofsted judgements of the statistical neighbours and the region", False)]
    return blocks


def cover(doc: Document, judged=None) -> list:
    lines = [f"Period: {doc.period_label}", f"Scope: {doc.scope_label}", f"Made on {doc.made_on:%d %B %Y} "
             "from the QA dashboard: every figure comes from the dashboard's database; none was typed."]
    if doc.demo:
        lines.insert(0, "DEMO DATA: a fictional authority. None of it describes real children, families, staff or teams.")
    if doc.publish:
        lines.append("Published version: counts under 5, and shares built on them, are suppressed; officers' "
                     "practice analysis and people's own comments are left out.")
    return [Heading(1, doc.title), Paragraph(doc.authority, "body"), *[Paragraph(line, "body") for line in lines],
            *(ofsted_blocks(judged) if judged is not None else []),
            Paragraph("How to read it: every share is given with n, the number it counts; a figure from fewer "
                      "than 5 is flagged; a dash (–) is a figure not loaded, never zero; figures over several "
                      "teams are ratios of their totals.", "note"), PageBreak()]


SCORECARD_COLUMNS = ["Indicator", "Month", "Latest", "Counted", "Better when", "On the month", "On the year",
                     "Target", "RAG", "Variation", "Assurance"]


def headline_trends(tiles: list) -> list:
    """The Overview's tiles as small lines, each over its last 12 months, heading the summary."""
    shown = [t for t in tiles if any(v is not None for v in t.trend)]
    if not shown:
        return []
    parts = []
    for t in shown:
        months = [m for m, v in zip(t.trend_months, t.trend) if v is not None]
        parts.append(f"{t.label}, {f.metrics.month_label(months[0])} to {f.metrics.month_label(months[-1])}, "
                     f"latest {t.value}")
    alt = ("Small line charts, one per headline figure, each over its last 12 months (a gap where a month has "
           "no figure): " + "; ".join(parts) + ".")
    spec = f.spec_of(f.sparklines(f.overview.trend_frame(shown), "Headline figures, last 12 months"))
    return [Heading(2, "Headline trends"), Chart(spec, alt, "Headline figures, last 12 months")]


def provisional_note(card: pd.DataFrame) -> list:
    """Which indicators' limits are provisional (fewer than 13 months), said under the scorecard."""
    if "SPC limits" not in card:
        return []
    labels = [label for label, limits in zip(card["Indicator"], card["SPC limits"]) if str(limits).endswith("provisional")]
    if not labels:
        return []
    return [Paragraph(f"Provisional limits (fewer than {f.spc.FIRM_LIMITS_POINTS} months loaded, read with care): "
                      + ", ".join(labels) + ".", "note")]


def summary(scope: sections.Scope, by_indicator: dict, spc_points: pd.DataFrame) -> list:
    c = scope.chosen
    audit_quarters = f.query(scope.db, "audit_grades_by_quarter", c.params(audit_type=None))
    staff = f.query(scope.db, "workforce_by_month", c.params())
    changed = f.overview.what_changed(by_indicator, audit_quarters, staff, c, spc_points)
    heard = f.query(scope.db, "heard_by_quarter", c.params())
    tiles = f.overview.practice_tiles(audit_quarters, staff, heard, c)
    blocks = [Heading(1, "Summary"), *headline_trends(
        f.overview.kpi_tiles(by_indicator, c, system_health_only=True) + tiles), Heading(2, "What changed")]
    blocks.append(Bullets(tuple(scope.say(s).text for s in changed)) if changed else
                  Paragraph("Nothing to compare yet: each figure needs an earlier month or quarter.", "body"))
    card = f.system_health.scorecard(by_indicator, c, f.query(scope.db, "benchmarks_latest"),
                                     f.query(scope.db, "benchmark_positions_chosen"), spc_points)
    if not card.empty:
        card = card[card["System health"] == "yes"] if (card["System health"] == "yes").any() else card
        blocks += [Heading(2, "Scorecard"),
                   Paragraph("▲ ▼ show the move on the month before, and the words say whether it is better or "
                             "worse for that indicator. RAG is against the local target, written as well as shaded. "
                             "Variation says whether the latest month is a signal (special cause) or noise (common "
                             "cause), and assurance whether the target will be met, from the XmR chart of every "
                             "month loaded (how to read one is in the appendix).", "note"),
                   scope.table(card[[col for col in SCORECARD_COLUMNS if col in card.columns]],
                               "System-health scorecard", rag_column="RAG"),
                   *provisional_note(card)]
    blocks += sections.among_every_authority(scope)
    if tiles:
        blocks += [Heading(2, "Practice, workforce and voices"),
                   scope.table(pd.DataFrame([{"Figure": t.label, "Latest": t.value, "Change": t.delta or "",
                                              "Read with": " ".join(t.lines)} for t in tiles]),
                               "Practice, workforce and voices")]
    return blocks + [PageBreak()]


UNIT_WORDS = {"%": "per cent", "rate10k": "per 10,000 children"}


def indicator_sources(frame: pd.DataFrame) -> dict[str, str]:
    """Each indicator's sources in the period in words: `Annex A, extract of 15 March 2026 (Apr
    2025 to Mar 2026); kpi.xlsx (Apr 2025)`."""
    said: dict[str, list[str]] = {}
    for row in frame.to_dict("records"):
        first, last = (f.metrics.month_label(row[key]) for key in ("first_month", "last_month"))
        said.setdefault(row["indicator"], []).append(f"{row['source']} ({first}{'' if first == last else ' to ' + last})")
    return {code: "; ".join(parts) for code, parts in said.items()}


SHAPE_WORDS = {"circle": "circle", "diamond": "diamond", "triangle-up": "triangle", "square": "square"}


def how_to_read_spc() -> list:
    """How to read an XmR chart, in five plain sentences, with the chart's own marks and words."""
    words = f.contract.spc_words()
    mark = {key: f"{words.variation[key]} ({SHAPE_WORDS[shape]})" for key, (_, shape) in f.spc_charts.MARKS.items()}
    sentences = (
        "Each point is one month's figure; the solid line is the centre, the average of every month loaded, and "
        "the dashed lines are the process limits, the range the figure moves within when nothing has changed.",
        f"A month is a signal, special cause, when it falls outside a limit, when {f.spc.RUN} months in a row sit "
        f"on one side of the centre, when {f.spc.RUN} months in a row each rise or each fall, or when two of three "
        "months in a row are close to the same limit.",
        f"Each point's shape says which: {mark['improvement']} and {mark['concern']} are signals in the better or "
        f"the worse direction for that indicator, {mark['neither']} is a signal for an indicator where neither "
        f"way is better, and {mark['common']} is noise.",
        "Common cause means no sign of change: a move of that size from one month to the next is usual, so it "
        "is no reason on its own to change practice.",
        f"Assurance compares the target with the limits: {words.assurance['passes']} or "
        f"{words.assurance['fails']} when the target lies outside them, {words.assurance['hit_and_miss']} when "
        f"it lies between them; limits from fewer than {f.spc.FIRM_LIMITS_POINTS} months are provisional, and "
        "limits start again from a month an officer records as a change in the service.",
    )
    return [Heading(2, "How to read an SPC chart"), *[Paragraph(s, "body") for s in sentences]]


def appendix(scope: sections.Scope, by_indicator: dict) -> list:
    spec = f.contract.load()
    sources = indicator_sources(f.query(scope.db, "kpi_sources_in_period", scope.chosen.params()))
    definitions = pd.DataFrame([{
        "Indicator": i.label, "Definition": i.definition, "Measured in": UNIT_WORDS.get(i.unit, i.unit),
        "Better when": f.metrics.better_phrase(i.better), "System health": "yes" if i.system_health else "no",
        "Source in this period": sources.get(i.code, "not loaded for this period and scope")}
        for i in spec.indicators if i.code in by_indicator or i.code in sources or i.system_health])
    known = {i.code for i in spec.indicators}
    local = [{"Indicator": rows[0]["label"], "Definition": "The authority's own indicator, loaded from its upload: "
              "the catalogue has no definition for it.", "Measured in": UNIT_WORDS.get(rows[0]["unit"], rows[0]["unit"]),
              "Better when": f.metrics.better_phrase(rows[0]["polarity"]), "System health": "no",
              "Source in this period": sources.get(code, "not loaded for this period and scope")}
             for code, rows in by_indicator.items() if code not in known]
    definitions = pd.concat([definitions, pd.DataFrame(local)], ignore_index=True) if local else definitions
    loads = f.query(scope.db, "upload_history")
    loads = loads[["upload_id", "file_name", "loaded_at", "rows_added", "status"]].rename(columns={
        "upload_id": "Load", "file_name": "File", "loaded_at": "Date loaded", "rows_added": "Rows added",
        "status": "Status"})
    loads["Date loaded"] = pd.to_datetime(loads["Date loaded"]).dt.strftime("%d %B %Y %H:%M")
    return [Heading(1, "Appendix"), *how_to_read_spc(), Heading(2, "Definitions and sources"),
            Paragraph("Indicators from the catalogue the dashboard reads; published comparators are DfE's "
                      "statistics where the upload gave none, labelled with their year. Audit, workforce and "
                      "feedback figures come from the audits, workforce and feedback sheets.", "note"),
            table_from(definitions, "Indicator definitions", False),
            Heading(2, "The loads these figures came from"),
            table_from(loads, "Loads, newest first", False)]


# ------------------------------------------------------------------------------ assemble --
def last_pack_default(today: dt.date) -> dt.date:
    """The date the improvement plan's changes are counted from when none is given: the same day
    a month before (a board meets monthly), the last day of that month when it is shorter."""
    month = f.periods.add_months(today.replace(day=1), -1)
    following = f.periods.add_months(month, 1)
    return month.replace(day=min(today.day, (following - dt.timedelta(days=1)).day))


def since_from(text: str | None) -> dt.date | None:
    """The last pack's date as written (`--since`, or the Board pack page's box): YYYY-MM-DD or
    DD/MM/YYYY; None when not given; a plain sentence when it is not a date."""
    if text is None or not text.strip():
        return None
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    raise PackError(f"The last pack's date is written YYYY-MM-DD or DD/MM/YYYY, such as 2026-11-01 or 01/11/2026, "
                    f"not '{text[:40]}'.")


def build(db: str | os.PathLike, chosen: f.Filters, wanted=None, publish: bool = False,
          today: dt.date | None = None, since: dt.date | None = None) -> Document:
    """The pack of `chosen` as a document model. `wanted`: section names (all when None).
    `since`: the last pack's date, for the plan's changes (a month before `today` when None).
    Every query reads through one connection: one snapshot of the data for the whole pack."""
    today = today or dt.date.today()
    since = since or last_pack_default(today)
    if since > today:
        raise PackError(f"The last pack's date ({since:%d %B %Y}) is after today; give a date on or before today.")
    with f.store.one_read(db):
        return _build(db, chosen, wanted, publish, today, since)


def _build(db, chosen: f.Filters, wanted, publish: bool, today: dt.date, since: dt.date) -> Document:
    notes = f.commentary.latest_by_key(db, chosen.start, chosen.end,
                                       **f.commentary.scope_for(chosen.team, chosen.service_area))
    scope = sections.Scope(db, chosen, publish, notes)
    kpis = f.query(db, "kpi_series", chosen.params())
    by_indicator = f.overview.indicator_rows(kpis, chosen.team)
    spc_points = f.query(db, "spc_points", {"team": chosen.team})  # every month loaded
    demo = f.store.is_demo(db)
    doc = Document(title="Performance and quality assurance report", authority=_authority(db, demo),
                   period_label=chosen.period_label, scope_label=chosen.team or chosen.service_area or f.contract.load().whole_authority,
                   made_on=today, demo=demo, publish=publish)
    doc.blocks += cover(doc, f.inspections.judgements(f.query(db, "ofsted_judgements")))
    builders = {
        "Overview": lambda: summary(scope, by_indicator, spc_points),
        "System health": lambda: sections.system_health(scope, by_indicator, spc_points),
        "Audits": lambda: sections.audit_blocks(scope),
        "Workforce": lambda: sections.workforce_blocks(scope),
        "Voice": lambda: sections.voice_blocks(scope),
        "Improvement plan": lambda: sections.plan_blocks(scope, today, since),
        sections.LOOP: lambda: sections.loop_blocks(scope),
    }
    for name in choose_sections(wanted):
        blocks = builders[name]()
        if blocks:
            doc.blocks += blocks
        else:
            doc.blocks += [Heading(1, name), Paragraph(f"No {name.lower()} figures are loaded for "
                                                       f"{chosen.period_label} and this scope, so this section is "
                                                       "left out.", "note")]
    doc.blocks += appendix(scope, by_indicator)
    # A chart with a bar per team would run off an A4 page: printed in parts, each a page at most.
    doc.blocks = [part for block in doc.blocks
                  for part in (printable_parts(block) if isinstance(block, Chart) else [block])]
    return doc
