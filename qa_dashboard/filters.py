"""The sidebar filters every page shares, and their URL form. The value they make, `Filters`,
is a plain dataclass in `scope.py`; this module draws the widgets.

A copied link opens the same view: each filter is mirrored in the query string (`period`,
`service`, `team`, `type`); a period may also be typed as a person writes a month (`Jul-24`,
`July 2024`: `scope.read_period`). A value the data does not have (a team since renamed, a mistyped
link) is dropped with a note rather than failing.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_dashboard import cached, plain_text, store
from qa_dashboard.scope import CHOOSE, LATEST, Filters, PeriodRefused, months_label, months_token, period_options, read_period

__all__ = ["CHOOSE", "LATEST", "Filters", "current", "period_options", "sidebar"]

ALL_SERVICES = "All service areas"
ALL_TEAMS = "All teams"
ALL_TYPES = "All audit types"
_MONTHS_FROM_LINK = "period_months_from_link"


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


def _period(months: pd.DataFrame, notes: list[str]):
    """The Period select (and the Months slider when choosing months): (start, end, label)."""
    options = cached.derived(period_options, ("months_loaded", ()))  # once per data version, not per page view
    all_months = [pd.Timestamp(m).date() for m in months["month"]]
    url_period = st.query_params.get("period")
    if "filter_period" not in st.session_state and url_period:
        _seed_period_from_url(months, url_period, options, all_months, notes)
    choice = st.sidebar.selectbox("Period", list(options), key="filter_period")
    token, start, end, label = options[choice]
    if choice != CHOOSE:
        _mirror_to_url("period", token, "latest")
        return start, end, label
    # The months start as a range given as `value` (not set through session state): Streamlit reads
    # the slider back as a range only when its value is one, and else fails on the next rerun.
    first_shown = st.session_state.get(_MONTHS_FROM_LINK, (all_months[0], all_months[-1]))
    start, end = st.sidebar.select_slider("Months", options=all_months, value=first_shown,
                                          format_func=lambda m: m.strftime("%b %Y"), key="filter_months")
    _mirror_to_url("period", months_token(start, end), "")
    return start, end, months_label(start, end)


def _seed_period_from_url(months, url_period: str, options: dict, all_months: list, notes: list[str]) -> None:
    """A link's period, read as the command line reads one: a listed period selects that option;
    a month or months choose them on the slider (the months loaded within them)."""
    try:
        token, start, end, _ = read_period(months, url_period, options)
    except PeriodRefused as refused:
        notes.append(f"The link's period is not applied. {refused}")
        return
    by_token = {token: shown for shown, (token, *_) in options.items() if token}
    if token in by_token:
        st.session_state["filter_period"] = by_token[token]
        return
    chosen = [m for m in all_months if start <= m <= end]
    st.session_state["filter_period"] = CHOOSE
    st.session_state[_MONTHS_FROM_LINK] = (chosen[0], chosen[-1])


def _service_and_team(notes: list[str]) -> tuple[str | None, str | None]:
    teams = cached.query("teams_by_service")
    services = [ALL_SERVICES] + sorted(teams["service_area"].unique())
    _seed_from_url("filter_service", "service", services, "service area", notes)
    service = st.sidebar.selectbox("Service area", services, key="filter_service")
    _mirror_to_url("service", service, ALL_SERVICES)

    in_service = teams if service == ALL_SERVICES else teams[teams["service_area"] == service]
    team_options = [ALL_TEAMS] + list(in_service["team"])
    _seed_from_url("filter_team", "team", team_options, "team", notes)
    if st.session_state.get("filter_team") not in (None, *team_options):
        st.session_state["filter_team"] = ALL_TEAMS  # the team is not in the newly chosen service area
    team = st.sidebar.selectbox("Team", team_options, key="filter_team")
    _mirror_to_url("team", team, ALL_TEAMS)
    return None if service == ALL_SERVICES else service, None if team == ALL_TEAMS else team


def _audit_type(notes: list[str]) -> str | None:
    types = [ALL_TYPES] + list(cached.query("audit_types")["audit_type"])
    _seed_from_url("filter_type", "type", types, "audit type", notes)
    chosen_type = st.sidebar.selectbox("Audit type", types, key="filter_type")
    _mirror_to_url("type", chosen_type, ALL_TYPES)
    return None if chosen_type == ALL_TYPES else chosen_type


def sidebar(show_audit_type: bool = False) -> Filters | None:
    """Draw the filters in the sidebar; None when the database holds no months at all."""
    months = cached.query("months_loaded")
    if months.empty:
        return None
    notes: list[str] = []
    st.sidebar.header("Filters")
    start, end, label = _period(months, notes)
    service_area, team = _service_and_team(notes)
    audit_type = _audit_type(notes) if show_audit_type else None
    for note in notes:
        st.sidebar.warning(plain_text.for_markdown(note))  # it quotes the link: never read as Markdown
    return Filters(start=start, end=end, period_label=label, service_area=service_area, team=team,
                   audit_type=audit_type)


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
