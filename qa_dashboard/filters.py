"""The sidebar filters every page shares, and their URL form.

A copied link opens the same view: each filter is mirrored in the query string (`period`,
`service`, `team`, `type`). A value the data does not have (a team since renamed, a mistyped
link) is dropped with a note rather than failing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from qa_dashboard import cached, metrics, plain_text, store
from qa_dashboard.periods import financial_year_start

LATEST = "Latest 12 months"
CHOOSE = "Choose months"
ALL_SERVICES = "All service areas"
ALL_TEAMS = "All teams"
ALL_TYPES = "All audit types"


@dataclass(frozen=True)
class Filters:
    """What the reader chose. Months are first-of-month dates; `end` is included."""

    start: dt.date
    end: dt.date
    period_label: str
    service_area: str | None = None
    team: str | None = None
    audit_type: str | None = None

    def describe(self) -> str:
        where = self.team or self.service_area or "the whole authority"
        return f"{self.period_label}, {where}"

    @property
    def end_exclusive(self) -> dt.date:
        return metrics.add_months(self.end, 1)


def _month_text(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def period_options(months: pd.DataFrame) -> dict[str, tuple[str, dt.date, dt.date, str]]:
    """Selectable periods, newest first after the default: shown label -> (link token, start,
    end, the label used in sentences). Tokens are what a copied link carries: `2024-25` for a
    financial year, `Q1 2025-26` for a quarter; a month range is `2025-01..2025-06`."""
    ordered = [pd.Timestamp(m).date() for m in months["month"]]
    last = ordered[-1]
    first_of_latest = metrics.add_months(last, -11)
    options = {LATEST: ("latest", first_of_latest, last,
                        f"{metrics.month_label(first_of_latest)} to {metrics.month_label(last)}")}
    years = months.groupby("financial_year")["month"].min().sort_index(ascending=False)
    for year, first in years.items():
        start = financial_year_start(pd.Timestamp(first).date())
        options[f"{year} (financial year)"] = (year, start, metrics.add_months(start, 11), f"financial year {year}")
    quarters = months.groupby(["quarter_start", "quarter"]).size().reset_index().sort_values("quarter_start", ascending=False)
    for _, row in quarters.iterrows():
        start = pd.Timestamp(row["quarter_start"]).date()
        options[row["quarter"]] = (row["quarter"], start, metrics.add_months(start, 2), row["quarter"])
    options[CHOOSE] = ("", ordered[0], last, "")
    return options


def _seed_from_url(key: str, url_key: str, allowed: list[str], what: str, notes: list[str]) -> None:
    """On a session's first run, start a widget at the value the link carries, if the data has it."""
    if key in st.session_state or url_key not in st.query_params:
        return
    wanted = st.query_params[url_key]
    if wanted in allowed:
        st.session_state[key] = wanted
    else:
        notes.append(f"The link asked for {what} '{wanted}', which is not in the data, so it is not applied.")


def _mirror_to_url(url_key: str, value: str | None, default: str) -> None:
    if value is None or value == default:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get(url_key) != value:
        st.query_params[url_key] = value


def sidebar(show_audit_type: bool = False) -> Filters | None:
    """Draw the filters in the sidebar; None when the database holds no months at all."""
    months = cached.query("months_loaded")
    if months.empty:
        return None
    notes: list[str] = []
    sidebar = st.sidebar
    sidebar.header("Filters")

    options = period_options(months)
    by_token = {token: shown for shown, (token, *_) in options.items() if token}
    url_period = st.query_params.get("period")
    if "filter_period" not in st.session_state and url_period:
        if url_period in by_token:
            st.session_state["filter_period"] = by_token[url_period]
        elif ".." in url_period:
            st.session_state["filter_period"] = CHOOSE
        else:
            notes.append(f"The link asked for the period '{url_period}', which the data does not cover, so it is not applied.")
    choice = sidebar.selectbox("Period", list(options), key="filter_period")
    token, start, end, label = options[choice]
    if choice == CHOOSE:
        all_months = [pd.Timestamp(m).date() for m in months["month"]]
        if "filter_months" not in st.session_state:
            first, _, last = (url_period or "").partition("..")
            chosen = [m for m in all_months if first <= _month_text(m) <= last]
            if url_period and ".." in url_period and not chosen:
                notes.append(f"The link asked for months '{url_period}', which the data does not cover.")
            st.session_state["filter_months"] = (chosen[0], chosen[-1]) if chosen else (all_months[0], all_months[-1])
        start, end = sidebar.select_slider("Months", options=all_months, format_func=lambda m: m.strftime("%b %Y"),
                                           key="filter_months")
        label = f"{metrics.month_label(start)} to {metrics.month_label(end)}"
        _mirror_to_url("period", f"{_month_text(start)}..{_month_text(end)}", "")
    else:
        _mirror_to_url("period", token, "latest")

    teams = cached.query("teams_by_service")
    services = [ALL_SERVICES] + sorted(teams["service_area"].unique())
    _seed_from_url("filter_service", "service", services, "service area", notes)
    service = sidebar.selectbox("Service area", services, key="filter_service")
    _mirror_to_url("service", service, ALL_SERVICES)

    in_service = teams if service == ALL_SERVICES else teams[teams["service_area"] == service]
    team_options = [ALL_TEAMS] + list(in_service["team"])
    _seed_from_url("filter_team", "team", team_options, "team", notes)
    if st.session_state.get("filter_team") not in (None, *team_options):
        st.session_state["filter_team"] = ALL_TEAMS  # the team is not in the newly chosen service area
    team = sidebar.selectbox("Team", team_options, key="filter_team")
    _mirror_to_url("team", team, ALL_TEAMS)

    audit_type = None
    if show_audit_type:
        types = [ALL_TYPES] + list(cached.query("audit_types")["audit_type"])
        _seed_from_url("filter_type", "type", types, "audit type", notes)
        chosen_type = sidebar.selectbox("Audit type", types, key="filter_type")
        _mirror_to_url("type", chosen_type, ALL_TYPES)
        audit_type = None if chosen_type == ALL_TYPES else chosen_type

    for note in notes:
        sidebar.warning(plain_text.for_markdown(note))  # it quotes the link: never read as Markdown
    return Filters(start=start, end=end, period_label=label,
                   service_area=None if service == ALL_SERVICES else service,
                   team=None if team == ALL_TEAMS else team, audit_type=audit_type)


def current() -> Filters:
    """The filters app.py drew for this run; when there is nothing to filter, explain and stop."""
    chosen = st.session_state.get("filters")
    if chosen is not None:
        return chosen
    if not store.exists(store.db_path()):
        st.info("There is no database yet, so there is nothing to show.")
        st.markdown("To try the dashboard with demo data, run this from the project folder:")
        st.code("make run", language=None)
        st.markdown("To load your own extracts, run:")
        st.code("python -m qa_dashboard ingest FILE", language=None)
    else:
        st.info("The database holds no figures yet. Load a KPI scorecard, audits, workforce or feedback "
                "extract (`python -m qa_dashboard ingest FILE`); the template shows the layout "
                "(`python -m qa_dashboard template blank.xlsx`).")
    st.stop()
