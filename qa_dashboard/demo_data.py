"""Seeded generator for the bundled demo extracts of Northbrook, a fictional authority.

Northbrook Children's Services does not exist: its teams, figures, audits and comments are
made up, and no row describes a real child, family or worker. The extracts follow the upload
contract (DATA_CONTRACT.md) exactly as a performance officer would send them, so the demo
database is built by the same ingest path as real data (`python -m qa_dashboard demo`).

What the story shows, April 2023 to March 2026 (three financial years, 36 months):
- a system that "ran hot" settling towards its statistical neighbours: referrals, assessments
  and section 47 enquiries per 10,000 fall; re-referrals fall from about 30% to under 22%;
  assessments within 45 working days rise from the low 60s to about 86% (first assessments
  ahead of repeat ones); visits, conferences and supervision get more timely;
- a workforce leaning on agency staff (just over 40% of frontline FTE) recruiting its way
  down to about 15%, with Family Safeguarding caseloads (25 falling to 22) still above the model's 17 and
  fewer than half of children open six months keeping the same worker early on;
- audits (about 15 a month, none in August or December) moving from mostly requires
  improvement or inadequate in 2023-24 to just over half good or better in 2025-26, with
  moderation that mostly grades down;
- children and families' feedback growing more positive, with comments in their own words,
  compliments and complaints;
- an improvement plan of 20 actions, some complete, five overdue; most name the indicators they
  aim to move, and the complete ones the date they completed;
- the learning loop: themed audits (re-referrals commissioned in June 2023 while re-referrals ran
  at 29%, NFA assessments, the out-of-hours handover, and four on practice themes no indicator
  measures), the dip samples and themed case audits held while each ran carrying its theme.

Files, in load order (`DEMO_FILES`): teams and the improvement plan first, so audits and
workforce rows without a service area take it from the teams sheet.
- teams_and_actions.xlsx: `teams`, `actions`, `themed_audits` (before the audits that name them)
- scorecard.xlsx: `scorecard`, the wide board scorecard (title rows, then indicators as rows
  and `Apr-23` ... `Mar-26` as columns), whole authority, all 16 catalogue indicators (two
  written as common aliases) and one custom indicator.
- kpi.xlsx: `kpi`, the long monthly return: the seven system-health indicators for the whole
  authority with numerators, denominators and the month's trend analysis (same values as the
  scorecard, so loading it after the scorecard supersedes those rows with richer ones), plus
  breakdown rows (first / repeat assessments) and team rows. It is a separate file because a
  key repeated inside one file is an error.
- workforce.xlsx: `workforce`, one row per team per month.
- audits.xlsx: `audits`, one row per audit, with human labels for three columns.
- feedback.csv: the feedback sheet (the file stem names the sheet).

Everything comes from `random.Random` seeded with `SEED` (one stream per extract) and the
workbooks are written with fixed timestamps, so running the module twice gives byte-identical
files: `python -m qa_dashboard.demo_data`. Indicators, grades, practice areas and column names come
from the catalogue (qa_dashboard.contract); only the story's figures and wording are spelt here.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections import namedtuple
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from qa_dashboard import contract, periods
from qa_dashboard.demo import DEMO_DIR, DEMO_FILES

SEED = 20230401
AUTHORITY = "Northbrook"
FIRST_MONTH = date(2023, 4, 1)
MONTH_COUNT = 36  # April 2023 to March 2026
FIXED_TIMESTAMP = datetime(2026, 4, 1, 9, 0, 0)


DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mmm-yy"

# ------------------------------------------------------------------------------- teams --
Team = namedtuple(
    "Team",
    "name service_area caseload_target base_fte caseload_start caseload_end "
    "agency_factor open_6m_share",
)
FRONT_DOOR = "Front door and assessment"
FAMILY_SAFEGUARDING = "Family Safeguarding"
CHILDREN_IN_CARE = "Children in care"
CARE_LEAVERS = "Care leavers"
DISABILITIES = "Children with disabilities"

# open_6m_share None: the MASH holds no child for six months, so continuity is left blank.
TEAMS = [
    Team("MASH", FRONT_DOOR, 15, 7.0, 18.5, 15.5, 1.20, None),
    Team("Assessment 1", FRONT_DOOR, 18, 10.0, 21.0, 17.5, 1.20, 0.12),
    Team("Assessment 2", FRONT_DOOR, 18, 9.5, 20.5, 17.0, 1.20, 0.12),
    Team("FS North", FAMILY_SAFEGUARDING, 17, 11.0, 25.5, 23.0, 1.30, 0.62),
    Team("FS South", FAMILY_SAFEGUARDING, 17, 10.0, 25.0, 22.0, 1.30, 0.62),
    Team("FS Central", FAMILY_SAFEGUARDING, 17, 9.0, 24.5, 22.5, 1.30, 0.62),
    Team("CiC 1", CHILDREN_IN_CARE, 15, 9.0, 17.0, 15.0, 0.75, 0.85),
    Team("CiC 2", CHILDREN_IN_CARE, 15, 8.0, 17.5, 15.0, 0.75, 0.85),
    Team("Fostering", CHILDREN_IN_CARE, 16, 7.0, 16.0, 15.0, 0.45, 0.80),
    Team("Leaving Care North", CARE_LEAVERS, 18, 6.0, 19.0, 17.0, 0.60, 0.90),
    Team("Leaving Care South", CARE_LEAVERS, 18, 6.0, 19.0, 16.5, 0.60, 0.90),
    Team("CWD", DISABILITIES, 15, 7.0, 16.0, 14.5, 0.70, 0.82),
]
SERVICE_AREA = {team.name: team.service_area for team in TEAMS}

# ---------------------------------------------------------------------------- calendar --


MONTHS = periods.months_between(FIRST_MONTH, periods.add_months(FIRST_MONTH, MONTH_COUNT - 1))


def _weekdays(month: date) -> list[date]:
    days = []
    day = month
    while day.month == month.month:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _financial_year_index(month: date) -> int:
    """0 for 2023-24, 1 for 2024-25, 2 for 2025-26."""
    return (month.year - FIRST_MONTH.year) - (1 if month.month < 4 else 0)


def _progress(index: int) -> float:
    """0 at April 2023, 1 at March 2026: how far along the improvement journey a month is."""
    return index / (MONTH_COUNT - 1)


def _along(start: float, end: float, index: int) -> float:
    return start + (end - start) * _progress(index)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _pct(numerator: float, denominator: float) -> float:
    return round(numerator / denominator * 100, 1)


def _binomial(rng: random.Random, trials: int, chance: float) -> int:
    return sum(1 for _ in range(trials) if rng.random() < chance)


# Busier in the autumn term, quieter in August and December.
SEASON = {1: 1.00, 2: 1.02, 3: 1.06, 4: 0.95, 5: 1.03, 6: 1.04, 7: 1.02,
          8: 0.86, 9: 1.05, 10: 1.08, 11: 1.05, 12: 0.84}

# --------------------------------------------------------------------------- workforce --


def build_workforce(rng: random.Random) -> list[dict]:
    rows = []
    total_fte = sum(team.base_fte for team in TEAMS)
    weighted_factor = sum(team.base_fte * team.agency_factor for team in TEAMS) / total_fte
    for index, month in enumerate(MONTHS):
        # Authority agency share: just over 40% of frontline FTE, recruited down to ~15%.
        agency_share = _along(0.415, 0.15, index) + rng.gauss(0, 0.008)
        vacancy_share = _along(0.17, 0.07, index)
        same_6m_share = _along(0.44, 0.66, index)
        same_12m_share = _along(0.26, 0.47, index)
        for team in TEAMS:
            fte = round(max(4.0, team.base_fte * (1 + 0.06 * _progress(index))
                            + rng.gauss(0, 0.25)), 1)
            team_share = _clamp(agency_share * team.agency_factor / weighted_factor
                                + rng.gauss(0, 0.025), 0.0, 0.8)
            agency = round(fte * team_share, 1)
            nqsw = round(min(fte - agency, fte * rng.uniform(0.10, 0.20)), 1)
            vacancy = round(max(0.0, fte * vacancy_share / (1 - vacancy_share)
                                + rng.gauss(0, 0.3)), 1)
            caseload = _along(team.caseload_start, team.caseload_end, index) + rng.gauss(0, 0.4)
            children = round(fte * caseload)
            starters = _binomial(rng, 2, _along(0.07, 0.10, index))
            leavers = _binomial(rng, 2, _along(0.06, 0.045, index))
            row = {
                "period": month,
                "team": team.name,
                "service_area": team.service_area,
                "social_worker_fte": fte,
                "agency_fte": agency,
                "vacancy_fte": vacancy,
                "nqsw_fte": nqsw,
                "children_allocated": children,
                "caseload_target": team.caseload_target,
                "starters": starters,
                "leavers": leavers,
                "children_open_6m": None,
                "same_worker_6m": None,
                "children_open_12m": None,
                "same_worker_12m": None,
            }
            if team.open_6m_share is not None:
                open_6m = round(children * _clamp(team.open_6m_share + rng.gauss(0, 0.03), 0, 1))
                open_12m = round(open_6m * _clamp(0.6 + rng.gauss(0, 0.05), 0, 1))
                row["children_open_6m"] = open_6m
                row["same_worker_6m"] = min(open_6m, round(
                    open_6m * _clamp(same_6m_share + rng.gauss(0, 0.05), 0, 1)))
                row["children_open_12m"] = open_12m
                row["same_worker_12m"] = min(open_12m, round(
                    open_12m * _clamp(same_12m_share + rng.gauss(0, 0.05), 0, 1)))
            rows.append(row)
    return rows


# -------------------------------------------------------------------------------- KPIs --
_Figures = namedtuple("_Figures", "code target stat_neighbours region england written_as", defaults=[None])


class Indicator(_Figures):
    """A scorecard row: the catalogue's indicator (or the custom one) with Northbrook's target
    and comparators. `written_as` is the name on the row: the catalogue label unless given."""

    @property
    def polarity(self) -> str:
        found = contract.load().indicator(self.code)
        return found.better if found else CUSTOM_POLARITY

    @property
    def name(self) -> str:
        return self.written_as or contract.load().indicator(self.code).label


# Comparators are illustrative constants; the England figures are DfE's where DOMAIN.md
# gives one. Two rows use an alias a scorecard commonly carries instead of the label.
CUSTOM_INDICATOR = "Care leavers in suitable accommodation"
CUSTOM_POLARITY = "higher"
SCORECARD_INDICATORS = [
    Indicator("referrals_rate", None, 557.9, 588.4, 519.4),
    Indicator("re_referrals_pct", 22.0, 22.9, 21.8, 22.6, "Re-referral rate"),
    Indicator("assessments_rate", None, 571.2, 602.5, 553.3),
    Indicator("assessments_45wd_pct", 85.0, 84.6, 82.9, 85.7, "% assessments in 45 days"),
    Indicator("s47_rate", None, 204.7, 213.0, 191.6),
    Indicator("agency_worker_pct", 18.0, 17.1, 15.9, 13.0),
    Indicator("unregistered_placements", 0, None, None, None),
    Indicator("nfa_assessments_pct", 35.0, None, None, None),
    Indicator("s47_median_days", 15, None, None, None),
    Indicator("icpc_15wd_pct", 90.0, 80.2, 79.5, 78.6),
    Indicator("cp_visits_in_time_pct", 95.0, None, None, None),
    Indicator("cla_visits_in_time_pct", 95.0, None, None, None),
    Indicator("cin_visits_in_time_pct", 90.0, None, None, None),
    Indicator("supervision_in_time_pct", 90.0, None, None, None),
    Indicator("cla_3plus_placements_pct", 10.0, 10.2, 10.6, 10.0),
    Indicator("caseload_avg", 17.0, 16.0, 15.8, 15.2),
    Indicator("care_leavers_accommodation", 90.0, 89.1, 88.4, 88.0, CUSTOM_INDICATOR),
]
INDICATOR = {indicator.code: indicator for indicator in SCORECARD_INDICATORS}
# The long kpi sheet carries the system-health indicators, named by their catalogue labels.
SYSTEM_HEALTH = [indicator.code for indicator in contract.load().indicators if indicator.system_health]


def _label(code: str) -> str:
    return contract.load().indicator(code).label


# 0-17 population, mid-year estimate of the previous year (as DfE uses), per financial year.
POPULATION = [61240, 61510, 61690]

ASSESSMENT_TEAMS = {"Assessment 1": (0.46, 0.66, 0.88), "Assessment 2": (0.44, 0.62, 0.86),
                    "CWD": (0.10, 0.75, 0.90)}
CP_VISIT_TEAMS = {"FS North": 88, "FS South": 80, "FS Central": 72}
CLA_VISIT_TEAMS = {"CiC 1": 78, "CiC 2": 70}


def _history_months() -> list[date]:
    """Eleven months before April 2023 as well, so rolling twelve-month rates start full."""
    return [periods.add_months(FIRST_MONTH, -count) for count in range(11, 0, -1)] + MONTHS


def _rolling_counts(rng: random.Random, annual_rate_start: float, annual_rate_end: float,
                    noise: float = 0.04) -> list[int]:
    """Monthly counts from June 2022 whose annual rate per 10,000 moves from start to end."""
    history = _history_months()
    counts = []
    for position, month in enumerate(history):
        rate = annual_rate_start + (annual_rate_end - annual_rate_start) * position / (len(history) - 1)
        expected = POPULATION[0] * rate / 10000 / 12 * SEASON[month.month]
        counts.append(round(expected * (1 + rng.gauss(0, noise))))
    return counts


def _assessments_by_team(rng: random.Random, index: int, period: str, assessments: int,
                         re_referral_share: float, detail: list[dict]) -> tuple[int, int]:
    """Assessments completed this month, by team and by first / repeat assessment, as long
    rows; returns (in time, completed) for the whole authority."""
    completed_total, in_time_total = 0, 0
    for team, (share, rate_start, rate_end) in ASSESSMENT_TEAMS.items():
        completed = max(5, round(assessments * share))
        rate = _clamp(_along(rate_start, rate_end, index) + rng.gauss(0, 0.025), 0.3, 0.98)
        in_time = round(completed * rate)
        completed_total += completed
        in_time_total += in_time
        detail.append(_long_row(period, "assessments_45wd_pct", team, None, in_time, completed))
    repeat_completed = round(completed_total * re_referral_share * 0.9)
    repeat_rate = _clamp(in_time_total / completed_total - 0.09 + rng.gauss(0, 0.02), 0.3, 0.95)
    repeat_in_time = round(repeat_completed * repeat_rate)
    first_completed = completed_total - repeat_completed
    first_in_time = in_time_total - repeat_in_time
    if first_in_time > first_completed:  # keep the split possible
        repeat_in_time += first_in_time - first_completed
        first_in_time = first_completed
    detail.append(_long_row(period, "assessments_45wd_pct", None, "First assessment",
                            first_in_time, first_completed))
    detail.append(_long_row(period, "assessments_45wd_pct", None, "Repeat assessment",
                            repeat_in_time, repeat_completed))
    return in_time_total, completed_total


def _unregistered_step(rng: random.Random, index: int, unregistered: int) -> int:
    """A count at month end, stepping down as the sufficiency work lands."""
    goal = _along(9, 1.5, index)
    if unregistered > goal + 1 or (unregistered > goal and rng.random() < 0.35):
        return unregistered - 1
    if unregistered < goal and rng.random() < 0.5:
        return unregistered + 1
    return unregistered


def _visits(rng: random.Random, index: int, period: str, code: str, teams: dict[str, int],
            spread: int, start: float, end: float, detail: list[dict]) -> float:
    """Visits in time by team as long rows; returns the authority's share."""
    visits_due, visits_in_time = 0, 0
    for team, due_base in teams.items():
        due = due_base + rng.randint(-spread, spread)
        in_time = round(due * _clamp(_along(start, end, index) + rng.gauss(0, 0.02), 0, 1))
        visits_due += due
        visits_in_time += in_time
        detail.append(_long_row(period, code, team, None, in_time, due))
    return _pct(visits_in_time, visits_due)


def _scorecard_only(rng: random.Random, index: int, period: str, series: dict, detail: list[dict],
                    month_workforce: list[dict], fte: float) -> None:
    """The month's figures for the indicators only the scorecard carries."""
    series["nfa_assessments_pct"].append(
        round(_along(47.0, 33.0, index) + rng.gauss(0, 1.3), 1))
    series["s47_median_days"].append(round(_along(24, 13, index) + rng.gauss(0, 1.0)))
    conferences = rng.randint(18, 32)
    series["icpc_15wd_pct"].append(_pct(
        min(conferences, round(conferences * _clamp(_along(0.71, 0.92, index) + rng.gauss(0, 0.04), 0, 1))),
        conferences))
    series["cp_visits_in_time_pct"].append(
        _visits(rng, index, period, "cp_visits_in_time_pct", CP_VISIT_TEAMS, 8, 0.82, 0.955, detail))
    series["cla_visits_in_time_pct"].append(
        _visits(rng, index, period, "cla_visits_in_time_pct", CLA_VISIT_TEAMS, 6, 0.85, 0.965, detail))
    series["cin_visits_in_time_pct"].append(
        round(_clamp(_along(70.0, 91.0, index) + rng.gauss(0, 1.5), 0, 100), 1))
    series["supervision_in_time_pct"].append(
        round(_clamp(_along(62.0, 89.0, index) + rng.gauss(0, 2.0), 0, 100), 1))
    series["cla_3plus_placements_pct"].append(
        round(_along(11.8, 8.4, index) + rng.gauss(0, 0.25), 1))
    children = sum(row["children_allocated"] for row in month_workforce)
    series["caseload_avg"].append(round(children / fte, 1))
    series["care_leavers_accommodation"].append(
        round(_clamp(_along(83.5, 93.0, index) + rng.gauss(0, 1.2), 0, 100), 1))


def build_kpis(rng: random.Random, workforce: list[dict]) -> tuple[dict, list[dict]]:
    """Return the authority's monthly values by indicator code and the long kpi rows."""
    series: dict[str, list] = {code: [] for code in INDICATOR}
    detail: list[dict] = []  # long rows other than the authority's system-health rows
    authority_long: dict[str, list[dict]] = {code: [] for code in SYSTEM_HEALTH}

    referrals = _rolling_counts(rng, 735, 560)
    re_referral_share = [_clamp(_along(0.295, 0.205, max(0, position - 11)) + rng.gauss(0, 0.012), 0.1, 0.4)
                         for position in range(len(referrals))]
    re_referrals = [round(count * share) for count, share in zip(referrals, re_referral_share)]
    assessments = _rolling_counts(rng, 770, 555)
    s47 = _rolling_counts(rng, 262, 188, noise=0.06)
    unregistered = 9

    for index, month in enumerate(MONTHS):
        position = index + 11  # this month in the history lists
        population = POPULATION[_financial_year_index(month)]
        window = slice(position - 11, position + 1)
        period = month.strftime("%Y-%m")

        def authority_row(code, value, numerator=None, denominator=None):
            indicator = INDICATOR[code]
            row = {"period": period, "indicator": _label(code), "team": None,
                   "breakdown": None, "value": value, "numerator": numerator,
                   "denominator": denominator, "target": indicator.target,
                   "stat_neighbours": indicator.stat_neighbours, "region": indicator.region,
                   "england": indicator.england, "commentary": None}
            authority_long[code].append(row)
            series[code].append(value)

        referrals_12m, re_referrals_12m = sum(referrals[window]), sum(re_referrals[window])
        authority_row("referrals_rate", round(referrals_12m / population * 10000, 1), referrals_12m, population)
        authority_row("re_referrals_pct", _pct(re_referrals_12m, referrals_12m), re_referrals_12m, referrals_12m)
        assessments_12m = sum(assessments[window])
        authority_row("assessments_rate", round(assessments_12m / population * 10000, 1), assessments_12m, population)
        in_time, completed = _assessments_by_team(rng, index, period, assessments[position],
                                                  re_referral_share[position], detail)
        authority_row("assessments_45wd_pct", _pct(in_time, completed), in_time, completed)
        s47_12m = sum(s47[window])
        authority_row("s47_rate", round(s47_12m / population * 10000, 1), s47_12m, population)
        month_workforce = [row for row in workforce if row["period"] == month]
        agency = round(sum(row["agency_fte"] for row in month_workforce), 1)
        fte = round(sum(row["social_worker_fte"] for row in month_workforce), 1)
        authority_row("agency_worker_pct", _pct(agency, fte), agency, fte)
        unregistered = _unregistered_step(rng, index, unregistered)
        authority_row("unregistered_placements", unregistered)
        _scorecard_only(rng, index, period, series, detail, month_workforce, fte)

    for code, rows in authority_long.items():
        for index, row in enumerate(rows):
            row["commentary"] = _commentary(rng, code, index, series[code])
    long_rows = [row for code in SYSTEM_HEALTH for row in authority_long[code]]
    return series, long_rows + detail


def _long_row(period: str, code: str, team: str | None, breakdown: str | None,
              numerator: int, denominator: int) -> dict:
    return {"period": period, "indicator": _label(code), "team": team,
            "breakdown": breakdown, "value": _pct(numerator, denominator),
            "numerator": numerator, "denominator": denominator,
            "target": INDICATOR[code].target if team else None,
            "stat_neighbours": None, "region": None, "england": None, "commentary": None}


# ------------------------------------------------------------------- trend commentary --
SHORT_NAME = {
    "referrals_rate": "Referrals per 10,000 children (rolling 12 months)",
    "re_referrals_pct": "Re-referrals within 12 months (rolling 12 months)",
    "assessments_rate": "Assessments completed per 10,000 children (rolling 12 months)",
    "assessments_45wd_pct": _label("assessments_45wd_pct"),
    "s47_rate": "Children subject to section 47 enquiries per 10,000 (rolling 12 months)",
    "agency_worker_pct": "The share of social workers employed through agencies",
}

# Practice analysis, by indicator and by financial year (2023-24, 2024-25, 2025-26).
PRACTICE_ANALYSIS = {
    "referrals_rate": [
        ["The front door continues to run hot: too many contacts become referrals without a clear threshold decision.",
         "Partners are referring concerns that could be met by early help; threshold workshops with schools and health are booked."],
        ["The revised MASH screening pathway is reducing referrals that do not need a social care response.",
         "Consultation calls with partners before referral are now routine and are reflected in the falling rate."],
        ["Referrals have settled close to statistical neighbours; the early help consultation line is embedded.",
         "Volumes rose slightly in the autumn term, as expected, but remain in line with similar authorities."],
    ],
    "re_referrals_pct": [
        ["The themed audit of re-referrals found step-down decisions not always evidenced and plans closed before change was sustained.",
         "Too many families return within a year; closure summaries rarely set out what would prompt a new referral."],
        ["Step-down panels now review every closure after a child protection plan, and re-referrals are falling.",
         "The dip sample of re-referred families shows closures are better planned, though early help offers are not always taken up."],
        ["Re-referrals are now close to statistical neighbours and the target; the learning from the themed audit is in the practice standards.",
         "Closure conversations with families are recorded more consistently, and fewer families are returning."],
    ],
    "assessments_rate": [
        ["A high proportion of assessments end in no further action, which points to thresholds at the front door.",
         "Assessment volumes remain well above similar authorities, adding to caseload pressure in the assessment teams."],
        ["Fewer, more proportionate assessments are being started as screening in the MASH improves.",
         "The NFA dip sample found auditors agreed with most outcomes but the reasoning was not always recorded."],
        ["Assessment volumes are now broadly in line with similar authorities.",
         "More proportionate assessments are being completed, with planning starting sooner for children who need it."],
    ],
    "assessments_45wd_pct": [
        ["Timeliness is held back by caseloads in the assessment teams and by repeat assessments, which are completed more slowly.",
         "Weekly tracking of assessments approaching 35 working days has started; first assessments are ahead of repeat assessments."],
        ["Timeliness continues to improve; first assessments are now close to the target, repeat assessments still lag.",
         "Assessment training is complete across the service and managers review progress at day 20."],
        ["Timeliness is at or near the target and in line with England; attention is now on the quality of analysis.",
         "First assessments are consistently above 85%; repeat assessments remain the focus of team managers."],
    ],
    "s47_rate": [
        ["Section 47 enquiries remain well above similar authorities; strategy discussions are not always multi-agency.",
         "Too many enquiries end with no further action, suggesting strategy discussions are convened where a child in need response would do."],
        ["Strategy discussions now routinely include police, health and education, and fewer enquiries are started without cause.",
         "The rate is falling towards statistical neighbours as the MASH model beds in."],
        ["The rate has settled near the average for statistical neighbours, with a small rise through the early summer.",
         "Timeliness from strategy discussion to initial conference is strong and the quality of s47 recording is improving."],
    ],
    "agency_worker_pct": [
        ["The service remains too dependent on agency staff, above all in the front door and Family Safeguarding.",
         "Recruitment of permanent social workers is steady but offset by leavers; the recruitment campaign launches in the autumn."],
        ["The recruitment campaign and the ASYE academy are bringing in permanent staff and agency reliance is falling.",
         "Agency workers are being converted to permanent contracts where they wish to stay."],
        ["Agency reliance is now close to the target; the remaining agency posts are mostly in Family Safeguarding.",
         "Retention has improved, with fewer permanent leavers than in previous years."],
    ],
    "unregistered_placements": [
        ["Every child in an unregistered placement is reviewed weekly by the Head of Service and reported to the DCS.",
         "Sufficiency pressures mean a small number of children with complex needs are placed in unregistered settings."],
        ["Two providers have registered with Ofsted and the children living there are no longer counted here.",
         "The sufficiency strategy is increasing local residential capacity, reducing the use of unregistered settings."],
        ["Numbers are low and each child has a plan to move to a registered home.",
         "The new in-house children's home has opened, giving an alternative to unregistered settings."],
    ],
}


def _format_value(code: str, value: float) -> str:
    if code == "unregistered_placements":
        return str(int(value))
    if code.endswith("_pct"):
        return f"{value:.1f}%"
    return f"{value:.1f}"


def _commentary(rng: random.Random, code: str, index: int, values: list) -> str:
    """A month's trend analysis: the figure, its direction, the comparators, and a practice note."""
    month = MONTHS[index]
    value = values[index]
    indicator = INDICATOR[code]
    practice = rng.choice(PRACTICE_ANALYSIS[code][_financial_year_index(month)])
    if code == "unregistered_placements":
        children = "child was" if value == 1 else "children were"
        return (f"{value} {children} in unregistered or unregulated placements at the end of "
                f"{month:%B %Y}. {practice}")

    sentences = []
    if index == 0:
        sentences.append(f"{SHORT_NAME[code]} stood at {_format_value(code, value)} in {month:%B %Y}.")
    else:
        previous = values[index - 1]
        verb = "rose" if value > previous else "fell" if value < previous else "was unchanged"
        where = "" if value == previous else f" to {_format_value(code, value)}"
        sentences.append(f"{SHORT_NAME[code]} {verb}{where} in {month:%B %Y}, "
                         f"from {_format_value(code, previous)} in {MONTHS[index - 1]:%B}.")
    if index >= 3:
        earlier = values[index - 3]
        if indicator.polarity == "neutral":
            closer = abs(value - indicator.stat_neighbours) < abs(earlier - indicator.stat_neighbours)
            sentences.append("Over three months it has moved "
                             + ("towards" if closer else "away from") + " statistical neighbours.")
        else:
            better = value < earlier if indicator.polarity == "lower" else value > earlier
            change = abs(value - earlier)
            if change < 0.5:
                sentences.append("The three-month trend is steady.")
            else:
                sentences.append("The three-month trend is "
                                 + ("improving" if better else "worsening") + ".")
    neighbours = indicator.stat_neighbours
    gap = (value - neighbours) / neighbours * 100
    if indicator.polarity == "neutral":
        if abs(gap) <= 10:
            sentences.append(f"This is within 10% of statistical neighbours ({neighbours:.1f}); "
                             f"England {indicator.england:.1f}.")
        else:
            side = "above" if gap > 0 else "below"
            sentences.append(f"This remains {abs(gap):.0f}% {side} statistical neighbours "
                             f"({neighbours:.1f}); England {indicator.england:.1f}.")
    else:
        target = indicator.target
        met = value <= target if indicator.polarity == "lower" else value >= target
        sentences.append(f"The target of {target:.0f}% is " + ("met" if met else "not yet met")
                         + f"; statistical neighbours {neighbours:.1f}%, England {indicator.england:.1f}%.")
    sentences.append(practice)
    return " ".join(sentences)


# ------------------------------------------------------------------------------ audits --
GRADES = [grade.label for grade in sorted(contract.load().grades, key=lambda grade: grade.rank)]
# Grades as people type them, by rank (1 is best); each is one of the catalogue's spellings.
HUMAN_SPELLINGS = {
    1: ["outstanding"],
    2: ["good", "Good "],
    3: ["RI", "Requires improvement to be good", "requires improvement"],
    4: ["inadequate"],
}
PRACTICE_AREAS = [area.code for area in contract.load().practice_areas]
# How a practice area tends to sit against the overall grade: chance of one grade better,
# chance of one grade worse (the seeds: outcomes judged more kindly, voice and oversight less).
AREA_LEAN = {
    "voice_of_child": (0.10, 0.25), "identification_of_harm": (0.18, 0.15),
    "assessment": (0.15, 0.18), "planning": (0.10, 0.25), "permanence": (0.20, 0.15),
    "multi_agency": (0.22, 0.12), "management_oversight": (0.10, 0.28),
    "relationships": (0.15, 0.20), "outcomes": (0.30, 0.08), "diversity": (0.12, 0.22),
}
AREAS_JUDGED = {
    "Foster carer": ["voice_of_child", "planning", "management_oversight", "relationships",
                     "outcomes", "diversity"],
    "Dip sample": ["identification_of_harm", "assessment", "management_oversight"],
    "Themed": ["voice_of_child", "identification_of_harm", "assessment", "planning",
               "multi_agency", "management_oversight"],
    "Practice observation": ["voice_of_child", "relationships", "diversity"],
}
# Teams whose children rarely have a permanence plan to judge.
PERMANENCE_APPLIES = {"CiC 1": 1.0, "CiC 2": 1.0, "Leaving Care North": 0.5,
                      "Leaving Care South": 0.5, "CWD": 0.5, "FS North": 0.3,
                      "FS South": 0.3, "FS Central": 0.3}
CASE_FILE_TEAM_WEIGHTS = {"MASH": 0.6, "Assessment 1": 1.0, "Assessment 2": 1.0,
                          "FS North": 1.3, "FS South": 1.3, "FS Central": 1.3, "CiC 1": 1.0,
                          "CiC 2": 1.0, "Leaving Care North": 0.6, "Leaving Care South": 0.6,
                          "CWD": 0.8}
AUDIT_TYPE_WEIGHTS = {"Case file": 0.74, "Foster carer": 0.09, "Dip sample": 0.07,
                      "Themed": 0.05, "Practice observation": 0.05}
SPECIAL_TOPICS = {
    "Dip sample": ["NFA assessments", "Re-referrals", "Out-of-hours handover to the MASH"],
    "Themed": ["Neglect", "Child exploitation", "Pre-birth assessments", "Domestic abuse"],
}

STRENGTHS = [
    "Child seen alone and their wishes and feelings recorded",
    "History and chronology used well in the assessment",
    "Timely strategy discussion with police and health",
    "Direct work captures the child's lived experience",
    "Father and wider family spoken to and their views recorded",
    "Plan is specific, with clear timescales and outcomes",
    "Purposeful management oversight at allocation",
    "Strong partnership working through core groups",
    "Consistent worker has built a trusting relationship with the family",
    "Identity and culture considered in the plan",
    "Clear evidence of the difference the plan has made for the child",
    "Safety plan co-produced with the family",
    "Supervision is reflective and actions are followed up",
    "Child's plan reviewed regularly and kept up to date",
    "Records written to the child in language they can understand",
]
FOSTERING_STRENGTHS = [
    "Carer well supported by the supervising social worker",
    "Supervision of the carer is purposeful and reviews the child's plan",
    "Fostering standards met and training up to date",
    "Carer promotes family time and keeps in touch with people who matter to the child",
]
DEVELOPMENT = [
    "Voice of the child not evident in the plan",
    "Analysis of parents' capacity to change is limited",
    "Plan lacks timescales and measurable outcomes",
    "Management oversight recorded but not reflective",
    "Case summary and chronology out of date",
    "Step-down decision not clearly evidenced",
    "Visits out of timescale for two months",
    "Changes of worker have affected the child's relationships",
    "Partner agencies not consistently attending core groups",
    "Identity and diversity needs not explored",
    "Supervision out of timescale and actions not tracked",
    "Safety plan not shared with the child",
    "Drift between strategy discussion and conference",
    "Contingency plan not set out",
]
FOSTERING_DEVELOPMENT = [
    "Child's views of the foster home not recorded",
    "Carer's training plan out of date",
    "Annual review of the carer overdue",
]


def _grade_chances(index: int) -> list[float]:
    """Expected share of each grade, best first, for audits in month `index`."""
    outstanding = max(0.0, 0.065 * (index - 8) / 27)
    good = _along(0.13, 0.56, index)
    inadequate = _along(0.32, 0.04, index)
    requires_improvement = max(0.0, 1 - outstanding - good - inadequate)
    return [outstanding, good, requires_improvement, inadequate]


def _month_grades(rng: random.Random, index: int, count: int, carry: list[float]) -> list[int]:
    """Grade ranks for a month's audits, close to the expected shares.

    Counts are rounded with the remainders carried to the next month (error diffusion), so
    the yearly shares follow the intended path instead of the luck of a few hundred draws;
    the month's grades are then shuffled across its audits.
    """
    expected = [count * chance + left for chance, left in zip(_grade_chances(index), carry)]
    counts = [int(value) for value in expected]
    by_remainder = sorted(range(4), key=lambda rank: expected[rank] - counts[rank], reverse=True)
    for rank in by_remainder[: count - sum(counts)]:
        counts[rank] += 1
    carry[:] = [value - whole for value, whole in zip(expected, counts)]
    ranks = [rank + 1 for rank in range(4) for _ in range(counts[rank])]
    rng.shuffle(ranks)
    return ranks


def _spelt(rng: random.Random, rank: int) -> str:
    """Most cells carry the grade as listed; some as people type it."""
    if rng.random() < 0.08:
        return rng.choice(HUMAN_SPELLINGS[rank])
    return GRADES[rank - 1]


def _audit_team(rng: random.Random, audit_type: str) -> str:
    if audit_type == "Foster carer":
        return "Fostering"
    if audit_type == "Dip sample":
        return rng.choice(["MASH", "Assessment 1", "Assessment 2"])
    return rng.choices(list(CASE_FILE_TEAM_WEIGHTS), list(CASE_FILE_TEAM_WEIGHTS.values()))[0]


def _area_grades(rng: random.Random, row: dict, audit_type: str, team: str, rank: int) -> None:
    """Each practice area's grade near the overall one; N/A or blank where it was not judged."""
    judged = AREAS_JUDGED.get(audit_type, PRACTICE_AREAS)
    for area in PRACTICE_AREAS:
        if area not in judged:
            row[area] = "N/A" if area == "permanence" else None
            continue
        if area == "permanence" and rng.random() >= PERMANENCE_APPLIES.get(team, 0.0):
            row[area] = "N/A"
            continue
        better, worse = AREA_LEAN[area]
        draw = rng.random()
        shift = -1 if draw < better else 1 if draw < better + worse else 0
        row[area] = _spelt(rng, int(_clamp(rank + shift, 1, 4)))


def _moderation(rng: random.Random, row: dict, rank: int) -> None:
    """A quarter of audits moderated; a few of those graded differently before, mostly down."""
    row["moderated"], row["original_overall"] = "No", None
    if rng.random() < 0.25:
        row["moderated"] = "Yes"
        original = rank
        if rng.random() < 0.25:
            if rng.random() < 0.8:
                if rank in (3, 4):
                    original = rank - 1  # graded down at moderation
            elif rank in (1, 2, 3):
                original = rank + 1  # graded up
        row["original_overall"] = GRADES[original - 1]


def _theme_running(topic: str | None, row: dict) -> str | None:
    """The themed audit a case audit belongs to: a dip sample's or themed audit's topic's, while it
    ran; and while a front-door themed audit ran, every third front-door case file audited (by day
    of the month, so no random draw changes)."""
    day = row["audit_date"]
    running = [theme for theme, _, _, commissioned, completed, *_ in THEMED_AUDITS
               if commissioned <= day and (completed is None or day <= completed)]
    if topic in running:
        return topic
    if row["audit_type"] == "Case file" and SERVICE_AREA[row["team"]] == FRONT_DOOR and day.day % 3 == 0:
        return next((theme for theme in running if theme in FRONT_DOOR_THEMES), None)
    return None


def _actions_and_themes(rng: random.Random, row: dict, audit_type: str, index: int, rank: int) -> None:
    agreed = 0 if audit_type == "Practice observation" and rng.random() < 0.5 else rng.randint(1, 5)
    months_ago = MONTH_COUNT - 1 - index
    chance = _along(0.62, 0.9, index) * (0.5 if months_ago < 2 else 1.0)
    row["actions_agreed"] = agreed
    row["actions_completed"] = _binomial(rng, agreed, chance)
    topic = SPECIAL_TOPICS.get(audit_type)
    picked = rng.choice(topic) if topic else None
    prefix = f"{picked}: " if topic else ""
    row["theme"] = _theme_running(picked, row)
    strengths = FOSTERING_STRENGTHS if audit_type == "Foster carer" else STRENGTHS
    development = FOSTERING_DEVELOPMENT if audit_type == "Foster carer" else DEVELOPMENT
    picks = 2 if rank <= 2 else 1
    row["theme_strengths"] = prefix + "; ".join(rng.sample(strengths, picks))
    row["theme_development"] = prefix + "; ".join(rng.sample(development, 3 - picks))


def build_audits(rng: random.Random) -> list[dict]:
    rows = []
    sequence_by_year: dict[int, int] = {}
    carry = [0.0, 0.0, 0.0, 0.0]
    for index, month in enumerate(MONTHS):
        if month.month in (8, 12):
            continue  # audits are not held in August and December: a gap, not a zero
        count = rng.randint(12, 18)
        days = sorted(rng.choice(_weekdays(month)) for _ in range(count))
        for day, rank in zip(days, _month_grades(rng, index, count, carry)):
            audit_type = rng.choices(list(AUDIT_TYPE_WEIGHTS), list(AUDIT_TYPE_WEIGHTS.values()))[0]
            team = _audit_team(rng, audit_type)
            sequence_by_year[day.year] = sequence_by_year.get(day.year, 0) + 1
            row = {
                "audit_id": f"AUD-{day.year}-{sequence_by_year[day.year]:04d}",
                "audit_date": day,
                "team": team,
                "service_area": None if rng.random() < 0.12 else SERVICE_AREA[team],
                "audit_type": audit_type,
                "overall": _spelt(rng, rank),
            }
            _area_grades(rng, row, audit_type, team, rank)
            _moderation(rng, row, rank)
            _actions_and_themes(rng, row, audit_type, index, rank)
            rows.append(row)
    return rows


# ---------------------------------------------------------------------------- feedback --
YES_NO = "yes/no"
AGREE = "agree"
QUESTIONS = {
    "child": [
        ("Did your social worker listen to you?", YES_NO, 0.10),
        ("Do you know why we are involved?", YES_NO, 0.02),
        ("Do you see your social worker enough?", YES_NO, -0.08),
        ("Were you given a copy of your plan?", YES_NO, -0.15),
        ("Do you feel safe where you live?", YES_NO, 0.08),
    ],
    "care leaver": [
        ("Do you feel included in your pathway plan?", YES_NO, 0.04),
        ("Can you contact your personal adviser when you need to?", YES_NO, 0.0),
        ("Do you feel safe where you live?", YES_NO, 0.05),
        ("Does your personal adviser listen to you?", YES_NO, 0.08),
    ],
    "parent": [
        ("Do you know why we are involved?", YES_NO, 0.05),
        ("Have things got better for your family?", YES_NO, -0.05),
        ("Did the social worker speak to the right people?", YES_NO, 0.03),
        ("I was included in the decisions made", AGREE, -0.02),
        ("It was easy to contact my social worker", AGREE, -0.10),
    ],
    "foster carer": [
        ("I feel well supported by my supervising social worker", AGREE, 0.08),
        ("I have access to good quality training", AGREE, 0.10),
        ("The child's social worker keeps me informed", AGREE, -0.10),
    ],
}
RESPONDENT_GROUP = {"Child": "child", "Young person": "child", "Care leaver": "care leaver",
                    "Parent": "parent", "Carer": "parent", "Foster carer": "foster carer"}
SOURCES = {
    "Child": {"Survey": 0.40, "Review": 0.35, "Audit": 0.25},
    "Young person": {"Survey": 0.40, "Review": 0.35, "Audit": 0.25},
    "Care leaver": {"Survey": 0.6, "Review": 0.4},
    "Parent": {"Closure call": 0.45, "Survey": 0.35, "Audit": 0.20},
    "Carer": {"Survey": 0.5, "Review": 0.5},
    "Foster carer": {"Survey": 0.7, "Review": 0.3},
}
QUESTIONS_ASKED = {"Survey": (3, 4), "Review": (2, 3), "Closure call": (3, 3), "Audit": (1, 2)}
RESPONDENT_TEAMS = {
    "Child": ["Assessment 1", "Assessment 2", "FS North", "FS South", "FS Central", "CiC 1",
              "CiC 2", "CWD"],
    "Young person": ["Assessment 1", "Assessment 2", "FS North", "FS South", "FS Central",
                     "CiC 1", "CiC 2", "CWD"],
    "Care leaver": ["Leaving Care North", "Leaving Care South"],
    "Parent": ["MASH", "Assessment 1", "Assessment 2", "FS North", "FS South", "FS Central", "CWD"],
    "Carer": ["CiC 1", "CiC 2", "FS North", "FS South", "CWD"],
    "Foster carer": ["Fostering"],
}
GETTING_IT_RIGHT = "Getting it right"
NEED_TO_DO_BETTER = "Need to do better"
COMMENTS = {
    ("child", GETTING_IT_RIGHT): [
        "My social worker listens to me and rings me back when she says she will.",
        "She's easy to talk to and she explains things properly.",
        "I see my brother more now and that's what I wanted.",
        "My worker helped me with school and I'm going every day now.",
        "He doesn't just talk to my mum, he asks me what I think.",
        "I feel safe where I live and my carers are kind to me.",
        "I knew what the meeting was about because my worker told me before.",
        "I liked doing the drawings, it made it easier to say how I feel.",
    ],
    ("child", NEED_TO_DO_BETTER): [
        "I've had four social workers and I have to tell my story again every time.",
        "I didn't get a copy of my plan.",
        "Nobody told me why the meeting was moved.",
        "I don't see my social worker enough.",
        "I didn't understand what the IRO was for.",
        "I wanted to see the house before I moved there.",
    ],
    ("care leaver", GETTING_IT_RIGHT): [
        "My PA helped me get my flat and sorted my bills with me.",
        "I feel included in my pathway plan and it's about what I want.",
        "I can always get hold of my PA when I need help.",
        "They helped me get on my college course and kept checking in.",
    ],
    ("care leaver", NEED_TO_DO_BETTER): [
        "I didn't know what I was entitled to until I was nearly 19.",
        "It took weeks to hear back about my accommodation.",
        "My PA changed twice this year and nobody told me.",
    ],
    ("parent", GETTING_IT_RIGHT): [
        "The assessment was fair and she told me what she'd written before the conference.",
        "She was honest with us from the start and things are better at home now.",
        "The social worker has my back in core group meetings.",
        "We looked forward to the visits, it didn't feel like we were being judged.",
        "Things have really improved, the kids are happier and so am I.",
        'She said "leave it with me" and she actually did, which made all the difference.',
    ],
    ("parent", NEED_TO_DO_BETTER): [
        "Left messages and emails but heard nothing back for weeks.",
        "Meetings were changed at the last minute, sometimes on the day.",
        "My children have had so many workers they don't trust anyone now.",
        "I didn't get the report until the morning of conference.",
        "Nobody explained what would happen when the plan ended.",
    ],
    ("foster carer", GETTING_IT_RIGHT): [
        "The support we get from our supervising social worker is good and consistent.",
        "The training has been really useful, especially the trauma-informed sessions.",
        "Our supervising social worker always makes time for the children too.",
    ],
    ("foster carer", NEED_TO_DO_BETTER): [
        "We're not always told when the child's social worker changes.",
        "Family time arrangements were changed without anyone asking us.",
    ],
}
# One comment carries markup-like characters, to prove comments show exactly as written.
MARKUP_COMMENT = "<b>Thank you</b> for *actually* listening to me & not rushing off"
COMPLIMENTS = [
    ("Parent", "Thank you for everything you've done for our family, we couldn't have got through it without you."),
    ("Parent", "The social worker was kind and clear with us even when the news was hard."),
    ("Young person", "Thanks for sticking with me when I wasn't easy to work with."),
    ("Foster carer", "Our supervising social worker went above and beyond during a difficult placement."),
    ("Professional", "A thorough strategy discussion with clear actions and quick follow-up."),
    ("Professional", "The assessment was one of the clearest the school has received."),
    ("Carer", "Really grateful for the help getting the children settled at school."),
]
COMPLAINTS = [
    ("Parent", "I wasn't told about the change of social worker and found out from school."),
    ("Parent", "The assessment got facts about my family wrong and it hasn't been corrected."),
    ("Parent", "Nobody returned my calls for three weeks."),
    ("Young person", "My meeting was cancelled twice and nobody told me why."),
    ("Carer", "We were promised support with transport that never happened."),
    ("Foster carer", "Payments were late two months running."),
]


def _answer(rng: random.Random, scale: str, chance_positive: float) -> str:
    draw = rng.random()
    if draw < chance_positive:
        if scale == YES_NO:
            return "Yes"
        return "Strongly agree" if rng.random() < 0.4 else "Agree"
    draw = rng.random()
    if draw < 0.45:
        return "Partly" if scale == YES_NO else "Neither agree nor disagree"
    if draw < 0.85:
        if scale == YES_NO:
            return "No"
        return "Strongly disagree" if rng.random() < 0.25 else "Disagree"
    return "Don't know"


def _people_heard(rng: random.Random) -> list[tuple]:
    """(date, respondent, source, team) for everyone heard, in date order."""
    people = []
    for quarter in range(MONTH_COUNT // 3):
        year = quarter // 4
        quarter_months = MONTHS[quarter * 3: quarter * 3 + 3]
        children_heard = (110, 145, 180)[year] + rng.randint(-8, 8)
        counts = {
            "Child": round(children_heard * 0.35),
            "Young person": round(children_heard * 0.45),
            "Care leaver": children_heard - round(children_heard * 0.35) - round(children_heard * 0.45),
            "Parent": 45 + rng.randint(-5, 5),
            "Carer": 8 + rng.randint(-2, 2),
            "Foster carer": 12 + rng.randint(-3, 3),
        }
        for respondent, count in counts.items():
            for _ in range(count):
                day = rng.choice(_weekdays(rng.choice(quarter_months)))
                sources = SOURCES[respondent]
                source = rng.choices(list(sources), list(sources.values()))[0]
                people.append((day, respondent, source, rng.choice(RESPONDENT_TEAMS[respondent])))
    people.sort(key=lambda person: person[0])  # stable: equal dates keep their drawn order
    return people


def _answers(rng: random.Random, people: list[tuple]) -> list[dict]:
    """Each person's answers to the questions asked, and now and then a comment."""
    rows = []
    markup_written = False
    for number, (day, respondent, source, team) in enumerate(people, start=1):
        index = MONTHS.index(day.replace(day=1))
        group = RESPONDENT_GROUP[respondent]
        base = _along(0.62, 0.86, index)
        low, high = QUESTIONS_ASKED[source]
        questions = QUESTIONS[group]
        asked = sorted(rng.sample(range(len(questions)), min(len(questions), rng.randint(low, high))))
        shared = {"response_date": day, "respondent": respondent, "service_area": SERVICE_AREA[team],
                  "team": team, "source": source, "response_id": f"FB-{number:05d}"}
        positives = 0
        for position in asked:
            question, scale, lean = questions[position]
            answer = _answer(rng, scale, _clamp(base + lean, 0.2, 0.97))
            positives += answer in ("Yes", "Agree", "Strongly agree")
            rows.append({**shared, "question": question, "answer": answer,
                         "comment": None, "theme": None})
        if rng.random() < 0.2:
            theme = GETTING_IT_RIGHT if positives * 2 > len(asked) else NEED_TO_DO_BETTER
            comment = rng.choice(COMMENTS[(group, theme)])
            if (not markup_written and respondent == "Young person" and theme == GETTING_IT_RIGHT
                    and index >= 15):
                comment, markup_written = MARKUP_COMMENT, True
            rows.append({**shared, "question": None, "answer": None, "comment": comment,
                         "theme": theme})
    return rows


def _compliments_and_complaints(rng: random.Random) -> list[dict]:
    """A few a month, each a comment with no question."""
    rows = []
    for month in MONTHS:
        for source, pool, theme, count in (
            ("Compliment", COMPLIMENTS, GETTING_IT_RIGHT, rng.randint(2, 4)),
            ("Complaint", COMPLAINTS, NEED_TO_DO_BETTER, rng.randint(1, 3)),
        ):
            for _ in range(count):
                respondent, comment = rng.choice(pool)
                team = rng.choice(RESPONDENT_TEAMS.get(respondent, RESPONDENT_TEAMS["Parent"]))
                rows.append({"response_date": rng.choice(_weekdays(month)),
                             "respondent": respondent, "service_area": SERVICE_AREA[team],
                             "team": team, "source": source, "response_id": None,
                             "question": None, "answer": None, "comment": comment,
                             "theme": theme})
    return rows


def build_feedback(rng: random.Random) -> list[dict]:
    rows = _answers(rng, _people_heard(rng)) + _compliments_and_complaints(rng)
    rows.sort(key=lambda row: row["response_date"])
    sequence_by_year: dict[int, int] = {}
    for row in rows:
        if row["response_id"] is None:
            year = row["response_date"].year
            sequence_by_year[year] = sequence_by_year.get(year, 0) + 1
            prefix = "CMP" if row["source"] == "Compliment" else "CMT"
            row["response_id"] = f"{prefix}-{year}-{sequence_by_year[year]:03d}"
    return rows


# ---------------------------------------------------------------- improvement plan --
ACTIONS = [
    ("IP-01", "Embed the MASH screening pathway and threshold guidance with partners",
     "Head of Service, Front Door", date(2024, 3, 31), "Complete", "Blue", "Ofsted ILACS 2023", date(2024, 4, 12)),
    ("IP-02", "Reduce re-referrals through better planned step-down and closure",
     "Head of Service, Front Door", date(2024, 9, 30), "Complete", "Blue", "Audit: re-referrals", date(2024, 10, 8)),
    ("IP-03", "Complete 85% of assessments within 45 working days",
     "Head of Service, Front Door", date(2025, 3, 31), "Complete", "Blue", "Ofsted ILACS 2023", date(2025, 4, 10)),
    ("IP-04", "Monthly dip sample of assessments ending in no further action",
     "Service Manager, Quality Assurance", date(2024, 6, 30), "Complete", "Blue", "Audit: NFA assessments", date(2024, 7, 3)),
    ("IP-05", "Bring Family Safeguarding caseloads down to the model's 17",
     "Head of Service, Family Safeguarding", date(2025, 12, 31), "Off track", "Red", "Ofsted ILACS 2023", date(2026, 3, 20)),
    ("IP-06", "Reduce reliance on agency social workers below 20%",
     "Workforce Development Manager", date(2026, 3, 31), "Complete", "Blue", "Workforce strategy 2024", date(2026, 3, 25)),
    ("IP-07", "Launch the ASYE academy with protected caseloads",
     "Principal Social Worker", date(2024, 9, 30), "Complete", "Blue", "Workforce strategy 2024", date(2024, 10, 1)),
    ("IP-08", "Strengthen the voice of the child in assessments and plans",
     "Principal Social Worker", date(2026, 6, 30), "On track", "Green", "Audit: voice of the child", date(2026, 3, 18)),
    ("IP-09", "Give children a copy of their plan written for them",
     "Head of Service, Children in Care", date(2026, 1, 31), "At risk", "Amber", "Voice of the child report 2024-25", date(2026, 3, 18)),
    ("IP-10", "No child living in an unregistered or unregulated placement",
     "Head of Service, Children in Care", date(2026, 9, 30), "On track", "Green", "Sufficiency strategy 2024", date(2026, 3, 18)),
    ("IP-11", "Supervision in time for 90% of social workers",
     "Assistant Director, Safeguarding", date(2025, 9, 30), "At risk", "Amber", "Audit: management oversight", date(2026, 3, 20)),
    ("IP-12", "Recruit 20 new in-house foster carers",
     "Service Manager, Fostering", date(2026, 12, 31), "On track", "Green", "Sufficiency strategy 2024", date(2026, 3, 12)),
    ("IP-13", "Joint accommodation planning for care leavers with Housing",
     "Service Manager, Leaving Care", date(2026, 6, 30), "On track", "Green", "Ofsted ILACS 2023", date(2026, 3, 12)),
    ("IP-14", "Record management oversight at every key decision point",
     "Assistant Director, Safeguarding", date(2026, 2, 28), "Off track", "Red", "Audit: management oversight", date(2026, 3, 20)),
    ("IP-15", "Quarterly practice and performance meetings sharing audit learning",
     "Head of Performance and Insight", date(2024, 12, 31), "Complete", "Blue", "Monitoring visit 2024", date(2025, 1, 9)),
    ("IP-16", "Moderate at least a quarter of monthly audits",
     "Service Manager, Quality Assurance", date(2024, 6, 30), "Complete", "Blue", "Monitoring visit 2024", date(2024, 7, 3)),
    ("IP-17", "Complete audit actions within three months of the audit",
     "Service Manager, Quality Assurance", date(2025, 12, 31), "At risk", "Amber", "Audit: closing the loop", date(2026, 3, 20)),
    ("IP-18", "Closure calls to every family leaving Family Safeguarding",
     "Head of Service, Family Safeguarding", date(2026, 6, 30), "Not started", "Amber", "Voice of the child report 2024-25", date(2026, 3, 20)),
    ("IP-19", "Keep the same worker for children open over six months",
     "Head of Service, Family Safeguarding", date(2026, 9, 30), "On track", "Green", "Workforce strategy 2024", date(2026, 3, 20)),
    ("IP-20", "Initial child protection conferences within 15 working days",
     "Head of Safeguarding and Quality Assurance", date(2025, 6, 30), "Complete", "Blue", "Ofsted ILACS 2023", date(2025, 7, 2)),
]

# What each action aims to move (catalogue codes, `;`-separated) and, when complete, the date it
# completed (on or before its last update): the learning loop's links.
ACTION_LOOP = {
    "IP-01": ("referrals_rate", date(2024, 3, 28)),
    "IP-02": ("re_referrals_pct", date(2024, 9, 27)),
    "IP-03": ("assessments_45wd_pct", date(2025, 3, 31)),
    "IP-04": ("nfa_assessments_pct", date(2024, 6, 28)),
    "IP-05": ("caseload_avg", None),
    "IP-06": ("agency_worker_pct", date(2026, 3, 20)),
    "IP-07": ("agency_worker_pct; turnover_pct", date(2024, 9, 30)),
    "IP-10": ("unregistered_placements", None),
    "IP-11": ("supervision_in_time_pct", None),
    "IP-16": (None, date(2024, 6, 28)),
    "IP-15": (None, date(2024, 12, 20)),
    "IP-20": ("icpc_15wd_pct", date(2025, 6, 27)),
}

# ------------------------------------------------------------------------ themed audits --
FRONT_DOOR_THEMES = ("Re-referrals", "NFA assessments")
# theme, indicators, reason, commissioned, completed, status, findings. The dip samples and
# themed case audits held while one ran carry its theme (SPECIAL_TOPICS names them).
THEMED_AUDITS = [
    ("Re-referrals", "re_referrals_pct", "Re-referrals at 29%, well above statistical neighbours (22.9%)",
     date(2023, 6, 1), date(2023, 11, 30), "Complete",
     "Cases closed or stepped down before the plan's work was done; step-down to early help not always "
     "agreed with the family. Led to IP-02."),
    ("NFA assessments", "nfa_assessments_pct", "Nearly half of assessments ending in no further action",
     date(2024, 1, 8), date(2024, 6, 28), "Complete",
     "Most decisions were right but the reasons were not recorded; some contacts could have been "
     "signposted at the front door. Led to IP-04."),
    ("Out-of-hours handover to the MASH", None, "Partners' concern about the morning handover",
     date(2024, 9, 2), date(2025, 2, 28), "Complete",
     "Handovers timely; the emergency duty team's recording of the child's voice is thin."),
    ("Neglect", None, "Neglect the most common category on plans", date(2023, 4, 3), date(2023, 12, 15), "Complete",
     "The graded care profile used in two cases in five; drift where neglect was chronic."),
    ("Child exploitation", None, "Multi-agency audit agreed by the partnership", date(2024, 1, 8),
     date(2024, 9, 30), "Complete", "Return home interviews not always shared with the social worker."),
    ("Pre-birth assessments", None, "Learning from a local practice review", date(2024, 10, 1),
     date(2025, 6, 30), "Complete", "Assessments started late in pregnancy in a third of cases."),
    ("Domestic abuse", None, "Assessments in domestic abuse cases over-optimistic (audit themes)",
     date(2025, 7, 1), None, "In progress", None),
]

# ----------------------------------------------------------------------------- writers --
def _contract_columns(sheet: str) -> list[str]:
    return [column.name for column in contract.load().sheets[sheet].columns]


TEAMS_HEADER = _contract_columns("teams")
ACTIONS_HEADER = _contract_columns("actions")
THEMED_AUDITS_HEADER = _contract_columns("themed_audits")
KPI_HEADER = list(contract.load().stored_columns("kpi"))  # a figure's own columns, no custom-indicator ones
WORKFORCE_HEADER = _contract_columns("workforce")
# Column keys, and the header written for each: three use the labels people type.
AUDIT_COLUMNS = [("audit_id", "Audit ref"), ("audit_date", "Date completed"), ("team", "team"),
                 ("service_area", "service_area"), ("audit_type", "audit_type"),
                 ("overall", "Overall judgement")] + [(area, area) for area in PRACTICE_AREAS] + [
                 ("original_overall", "original_overall"), ("moderated", "moderated"),
                 ("actions_agreed", "actions_agreed"), ("actions_completed", "actions_completed"),
                 ("theme_strengths", "theme_strengths"), ("theme_development", "theme_development"),
                 ("theme", "Themed audit")]
FEEDBACK_HEADER = _contract_columns("feedback")


def _new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = f"{AUTHORITY} demo data generator"
    workbook.properties.title = f"{AUTHORITY} Children's Services demo extract (fictional)"
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    return workbook


def _add_table(workbook: Workbook, title: str, header: list[str], rows: list[list],
               formats: dict[int, str] | None = None, widths: dict[int, float] | None = None):
    """A sheet with the header in row 1; `formats` maps 0-based columns to number formats."""
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    for column, width in (widths or {}).items():
        sheet.column_dimensions[sheet.cell(1, column + 1).column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _save(workbook: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps and a fixed modified date, so reruns are byte-identical.

    openpyxl stamps the save time into docProps/core.xml and every zip entry; both are
    rewritten here.
    """
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    output = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    path.write_bytes(output.getvalue())


def _write_teams_and_actions(path: Path) -> None:
    workbook = _new_workbook()
    _add_table(workbook, "teams", TEAMS_HEADER,
               [[team.name, team.service_area, team.caseload_target, "Yes"] for team in TEAMS],
               widths={0: 22, 1: 28})
    _add_table(workbook, "actions", ACTIONS_HEADER,
               [[*action, *ACTION_LOOP.get(action[0], (None, None))] for action in ACTIONS],
               formats={3: DATE_FORMAT, 7: DATE_FORMAT, 9: DATE_FORMAT},
               widths={1: 70, 2: 40, 3: 12, 6: 34, 7: 12, 8: 34, 9: 12})
    _add_table(workbook, "themed_audits", THEMED_AUDITS_HEADER, [list(themed) for themed in THEMED_AUDITS],
               formats={3: DATE_FORMAT, 4: DATE_FORMAT}, widths={0: 34, 1: 24, 2: 60, 6: 80})
    _save(workbook, path)


# The scorecard heads its comparator columns with the catalogue labels, one as people shorten it.
SCORECARD_HEADINGS = {"stat_neighbours": "Stat neighbours"}


def _write_scorecard(path: Path, series: dict) -> None:
    workbook = _new_workbook()
    sheet = workbook.create_sheet("scorecard")
    sheet.append([f"{AUTHORITY} Children's Services – KPI scorecard"])
    sheet.append(["Fictional demo data. Rates per 10,000 children are rolling 12 months; "
                  "percentages are per cent (83.4 means 83.4%)."])
    sheet.append([])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True)
    header = ["Indicator", "Unit", "Polarity", *(SCORECARD_HEADINGS.get(c.column, c.label) for c in contract.load().comparators)]
    header += [month.strftime("%b-%y") for month in MONTHS]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for indicator in SCORECARD_INDICATORS:
        # Catalogue indicators know their unit; only the custom row needs one.
        unit = "%" if indicator.written_as == CUSTOM_INDICATOR else None
        sheet.append([indicator.name, unit, indicator.polarity, indicator.target,
                      indicator.stat_neighbours, indicator.region, indicator.england,
                      *series[indicator.code]])
    sheet.column_dimensions["A"].width = 58
    sheet.freeze_panes = "H5"
    _save(workbook, path)


def _write_kpi(path: Path, rows: list[dict]) -> None:
    workbook = _new_workbook()
    _add_table(workbook, "kpi", KPI_HEADER, [[row[key] for key in KPI_HEADER] for row in rows],
               widths={1: 46, 3: 18, 11: 100})
    _save(workbook, path)


def _write_workforce(path: Path, rows: list[dict]) -> None:
    workbook = _new_workbook()
    _add_table(workbook, "workforce", WORKFORCE_HEADER,
               [[row[key] for key in WORKFORCE_HEADER] for row in rows],
               formats={0: MONTH_FORMAT}, widths={1: 22, 2: 28})
    _save(workbook, path)


def _write_audits(path: Path, rows: list[dict]) -> None:
    workbook = _new_workbook()
    _add_table(workbook, "audits", [label for _, label in AUDIT_COLUMNS],
               [[row[key] for key, _ in AUDIT_COLUMNS] for row in rows],
               formats={1: DATE_FORMAT}, widths={0: 15, 1: 14, 2: 20, 3: 28, 4: 20, 5: 32})
    _save(workbook, path)


def _write_feedback(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FEEDBACK_HEADER)
        for row in rows:
            writer.writerow(["" if row[key] is None else
                             row[key].isoformat() if isinstance(row[key], date) else row[key]
                             for key in FEEDBACK_HEADER])


def write_demo_extracts(directory: Path = DEMO_DIR) -> list[Path]:
    """Write the demo extracts into `directory` and return their paths in load order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    workforce = build_workforce(random.Random(f"{SEED}:workforce"))
    series, kpi_rows = build_kpis(random.Random(f"{SEED}:kpi"), workforce)
    audits = build_audits(random.Random(f"{SEED}:audits"))
    feedback = build_feedback(random.Random(f"{SEED}:feedback"))

    paths = [directory / name for name in DEMO_FILES]
    writers = {
        "teams_and_actions.xlsx": _write_teams_and_actions,
        "scorecard.xlsx": lambda path: _write_scorecard(path, series),
        "kpi.xlsx": lambda path: _write_kpi(path, kpi_rows),
        "workforce.xlsx": lambda path: _write_workforce(path, workforce),
        "audits.xlsx": lambda path: _write_audits(path, audits),
        "feedback.csv": lambda path: _write_feedback(path, feedback),
    }
    for path in paths:
        writers[path.name](path)
    return paths


if __name__ == "__main__":
    for written in write_demo_extracts():
        print(written)
