"""A large fictional authority's upload workbook, for timing ingest.

Five financial years (April 2021 to March 2026), 60 teams in 8 service areas, and
every sheet of the data contract that the monthly extracts carry, at sizes well above
a real authority's month (50,000 KPI rows, 6,000 audits, 30,000 feedback answers).
Every value obeys the contract, so a validator that reports any error on this
workbook is wrong, and the timing measures the whole path, not an early rejection.

The same seed gives the same bytes: zip timestamps and document properties are
pinned, so the file's SHA-256 is stable (re-loading it must change nothing).

    python -m bench.large_authority OUT.xlsx [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

from qa_dashboard import contract, periods

FIRST_MONTH = (2021, 4)
MONTH_COUNT = 60  # April 2021 .. March 2026
KPI_ROWS = 50_000
AUDIT_ROWS = 6_000
FEEDBACK_ROWS = 30_000
PINNED_TIMESTAMP = dt.datetime(2026, 4, 1, 9, 0, 0)

# (service area, team name stem, number of teams, caseload target)
SERVICE_AREAS = [
    ("Front Door", "MASH and Duty", 6, 25),
    ("Assessment", "Assessment", 9, 20),
    ("Family Safeguarding", "Family Safeguarding", 12, 17),
    ("Children in Care", "Children in Care", 10, 15),
    ("Care Leavers", "Leaving Care", 6, 22),
    ("Disabled Children", "Disabled Children", 5, 18),
    ("Fostering", "Fostering Support", 5, 14),
    ("Adolescent Services", "Adolescent Support", 7, 14),
]
LOCALITIES = ["North", "South", "East", "West"]
ASSESSING_AREAS = {"Front Door", "Assessment", "Disabled Children"}
CARE_AREAS = {"Children in Care", "Adolescent Services", "Care Leavers"}

# Grades, practice areas, units, system-health indicators and column names are the catalogue's.
SPEC = contract.load()
GRADES = [grade.label for grade in sorted(SPEC.grades, key=lambda grade: grade.rank)]
PRACTICE_AREAS = [area.code for area in SPEC.practice_areas]

# code: (first-month value, last-month value, month-to-month noise, decimals, target); the unit
# is the catalogue's. agency_worker_pct, caseload_avg and unregistered_placements are derived.
_DRAWN = {
    "referrals_rate": (610.0, 530.0, 22.0, 1, None),
    "re_referrals_pct": (24.5, 20.5, 1.2, 1, 20.0),
    "assessments_rate": (590.0, 520.0, 20.0, 1, None),
    "assessments_45wd_pct": (78.0, 88.0, 2.5, 1, 85.0),
    "s47_rate": (232.0, 196.0, 10.0, 1, None),
    "agency_worker_pct": (None, None, None, 1, 15.0),
    "unregistered_placements": (None, None, None, 0, 0),
    "nfa_assessments_pct": (46.0, 36.0, 2.5, 1, 35.0),
    "s47_median_days": (21.0, 14.0, 1.5, 0, 15),
    "icpc_15wd_pct": (72.0, 86.0, 4.0, 1, 85.0),
    "cp_visits_in_time_pct": (85.0, 93.0, 2.0, 1, 95.0),
    "cla_visits_in_time_pct": (88.0, 94.0, 1.8, 1, 95.0),
    "cin_visits_in_time_pct": (75.0, 88.0, 2.5, 1, 90.0),
    "supervision_in_time_pct": (70.0, 86.0, 3.0, 1, 90.0),
    "cla_3plus_placements_pct": (11.5, 9.0, 0.7, 1, 10.0),
    "caseload_avg": (None, None, None, 1, 18.0),
}
# (unit, first-month value, last-month value, noise, decimals, target) by code.
INDICATORS = {code: (SPEC.indicator(code).unit, *drawn) for code, drawn in _DRAWN.items()}
# Rates per 10,000 children are authority-wide: a team has no population.
TEAM_INDICATORS = [code for code, spec in INDICATORS.items() if spec[0] != "rate10k"]

# Published comparators by financial year (England from DfE; the rest invented but
# plausible), repeated within the year as "latest published".
COMPARATORS = {
    "referrals_rate": {"england": [552.8, 538.1, 515.7, 519.4, 519.4],
                       "stat_neighbours": [575.0, 561.2, 548.9, 540.3, 536.8],
                       "region": [560.4, 549.0, 530.2, 528.7, 528.7]},
    "re_referrals_pct": {"england": [21.5, 22.4, 22.4, 22.6, 22.6],
                         "stat_neighbours": [22.8, 22.9, 22.1, 21.9, 21.7],
                         "region": [21.0, 21.8, 22.0, 22.3, 22.3]},
    "assessments_rate": {"england": [560.1, 548.3, 531.9, 526.0, 526.0],
                         "stat_neighbours": [588.0, 570.5, 552.3, 547.1, 547.1],
                         "region": [571.2, 556.4, 540.8, 533.6, 533.6]},
    "assessments_45wd_pct": {"england": [84.5, 84.9, 85.1, 85.7, 85.7],
                             "stat_neighbours": [83.2, 84.0, 85.4, 86.1, 86.1],
                             "region": [84.0, 84.4, 85.0, 85.9, 85.9]},
    "s47_rate": {"england": [185.4, 191.6, 192.3, 190.2, 190.2],
                 "stat_neighbours": [205.1, 208.7, 203.9, 199.4, 199.4],
                 "region": [190.3, 196.0, 197.5, 194.8, 194.8]},
    "agency_worker_pct": {"england": [17.6, 17.9, 16.2, 13.0, 13.0],
                          "stat_neighbours": [19.8, 20.4, 18.1, 15.2, 15.2],
                          "region": [18.3, 18.6, 17.0, 13.9, 13.9]},
    "unregistered_placements": {"england": [None] * 5,
                                "stat_neighbours": [6.0, 7.0, 5.0, 4.0, 4.0],
                                "region": [None] * 5},
    "caseload_avg": {"england": [16.6, 16.0, 15.4, 15.2, 15.2],
                     "stat_neighbours": [17.1, 16.8, 16.0, 15.6, 15.6],
                     "region": [16.9, 16.3, 15.8, 15.5, 15.5]},
}
SYSTEM_HEALTH = [indicator.code for indicator in SPEC.indicators if indicator.system_health]

AUDIT_TYPES = [("Case file", 0.72), ("Themed", 0.08), ("Dip sample", 0.08),
               ("Practice observation", 0.06), ("Multi-agency", 0.06)]
STRENGTHS = [
    "Child's wishes and feelings recorded in their words",
    "Timely strategy discussion with police and health",
    "Chronology up to date and used to inform analysis",
    "Clear, SMART child protection plan",
    "Strong relationship between worker and young person",
    "Management oversight evident at key decision points",
    "Good use of family network meeting",
    "Identity and culture thoughtfully considered",
    "Direct work tools used well with younger children",
    "Pathway plan co-produced with the care leaver",
]
DEVELOPMENTS = [
    "Supervision records lack reflective analysis",
    "Plan actions not time-bound",
    "Father not engaged in the assessment",
    "Contingency plan missing",
    "Case summary out of date",
    "Voice of the child not evident in review minutes",
    "Drift between review and actions being completed",
    "Health assessment overdue",
    "Multi-agency information not triangulated",
    "Permanence plan not agreed by second review",
]
COMMENTARY = {
    "better": [
        "Improvement sustained this month; practice weeks and tracker meetings are embedding.",
        "Continued improvement after the service manager review of open work.",
        "Better than last month; dip sample found decisions well evidenced.",
    ],
    "worse": [
        "Dip this month linked to staffing gaps in two teams; recovery plan agreed at performance board.",
        "Below last month; themed audit commissioned to understand the drivers.",
        "Deteriorated slightly; team managers asked to review all cases out of timescale.",
    ],
}

# respondent: (service areas it comes from, [(question, answer scale)])
SURVEYS = {
    "Child": (["Family Safeguarding", "Children in Care", "Disabled Children"], [
        ("Does your social worker listen to you?", "yes_no"),
        ("Do you know why you have a social worker?", "yes_no"),
        ("Do you see your social worker enough?", "yes_no"),
        ("Do you feel safe where you live?", "yes_no"),
        ("Has your social worker helped make things better?", "yes_no"),
    ]),
    "Young person": (["Children in Care", "Adolescent Services", "Family Safeguarding"], [
        ("My social worker listens to what I say", "agree"),
        ("I know what my plan says", "agree"),
        ("I can contact my social worker when I need to", "agree"),
        ("Do you feel safe where you live?", "yes_no"),
        ("Were you asked your views before your review?", "yes_no"),
    ]),
    "Parent": (["Assessment", "Family Safeguarding", "Disabled Children", "Front Door"], [
        ("Did your social worker explain why they were involved?", "yes_no"),
        ("I was treated with respect", "agree"),
        ("Were your views included in the plan?", "yes_no"),
        ("Has the help made a difference to your family?", "yes_no"),
        ("I knew who to contact if I was worried", "agree"),
    ]),
    "Carer": (["Children in Care", "Disabled Children"], [
        ("Were you given enough information about the child?", "yes_no"),
        ("The social worker visits when they say they will", "agree"),
        ("Were you invited to the child's review?", "yes_no"),
        ("I feel part of the team around the child", "agree"),
    ]),
    "Foster carer": (["Fostering"], [
        ("Do you get the support you need from your supervising social worker?", "yes_no"),
        ("Were you given enough information about the child before placement?", "yes_no"),
        ("I can get advice out of hours when I need it", "agree"),
        ("Training offered this year met my needs", "agree"),
        ("Do you feel valued by the service?", "yes_no"),
    ]),
    "Care leaver": (["Care Leavers"], [
        ("Do you have a pathway plan you helped write?", "yes_no"),
        ("Does your personal adviser keep in touch?", "yes_no"),
        ("I know what support I am entitled to", "agree"),
        ("Do you feel ready for living independently?", "yes_no"),
    ]),
    "Professional": (["Front Door", "Assessment"], [
        ("Was the outcome of your referral explained to you?", "yes_no"),
        ("Information was shared with me in good time", "agree"),
        ("Were you invited to the strategy discussion?", "yes_no"),
    ]),
}
RESPONDENT_WEIGHTS = {"Child": 0.2, "Young person": 0.16, "Parent": 0.24, "Carer": 0.08,
                      "Foster carer": 0.1, "Care leaver": 0.1, "Professional": 0.12}
GOOD_COMMENTS = [
    "My social worker always rings back when they say they will.",
    "They listened to me and changed the plan.",
    "I got to choose where we met which made it easier to talk.",
    "The worker explained everything in a way my son understood.",
    "Support from the team has been brilliant this year.",
    "I feel safer at home now.",
    "My personal adviser helped me get my first flat.",
    "Really quick response when we needed help over the weekend.",
]
POOR_COMMENTS = [
    "I have had four social workers and have to tell my story again each time.",
    "Meetings are always in school time.",
    "Nobody told me the review had been moved.",
    "I didn't get a copy of the plan.",
    "It took weeks to get a reply to my email.",
    "I want to see my brother more often.",
    "Felt like decisions were made before I was asked.",
]


def month_list() -> list[tuple[int, int]]:
    first = dt.date(*FIRST_MONTH, 1)
    return [(m.year, m.month) for m in periods.months_between(first, periods.add_months(first, MONTH_COUNT - 1))]


def financial_year_index(year: int, month: int) -> int:
    """0 for 2021-22 ... 4 for 2025-26."""
    return (year - FIRST_MONTH[0]) - (1 if month < 4 else 0)


def days_in_month(year: int, month: int) -> int:
    first = dt.date(year, month, 1)
    return (periods.add_months(first, 1) - first).days


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def build_teams() -> list[dict]:
    teams = []
    for area, stem, count, target in SERVICE_AREAS:
        for i in range(count):
            locality = LOCALITIES[i % len(LOCALITIES)]
            number = i // len(LOCALITIES) + 1
            teams.append({"team": f"{stem} {locality} {number}", "service_area": area,
                          "caseload_target": target, "active": "Yes"})
    return teams


def build_workforce(rng: random.Random, teams, months) -> list[list]:
    rows = []
    for team in teams:
        fte = rng.uniform(5.0, 9.0)
        agency_bias = rng.uniform(-0.08, 0.1)
        pressure = rng.uniform(0.95, 1.35)  # caseload against the model's target
        for m, (year, month) in enumerate(months):
            t = m / (MONTH_COUNT - 1)
            fte = clamp(fte + rng.gauss(0, 0.25), 3.0, 11.0)
            sw_fte = round(fte, 1)
            agency_share = clamp(0.26 - 0.13 * t + agency_bias + rng.gauss(0, 0.03), 0.0, 0.7)
            agency = min(sw_fte, round(sw_fte * agency_share, 1))
            nqsw = min(round(sw_fte - agency, 1), round(sw_fte * rng.uniform(0.05, 0.3), 1))
            caseload = team["caseload_target"] * (pressure - 0.15 * t) + rng.gauss(0, 1.0)
            allocated = max(0, round(sw_fte * caseload))
            open_6m = round(allocated * rng.uniform(0.45, 0.7))
            same_6m = round(open_6m * clamp(0.42 + 0.2 * t + rng.gauss(0, 0.05), 0, 1))
            open_12m = round(open_6m * rng.uniform(0.5, 0.8))
            same_12m = min(same_6m, round(open_12m * clamp(0.3 + 0.2 * t + rng.gauss(0, 0.05), 0, 1)))
            rows.append([
                f"{year:04d}-{month:02d}", team["team"], team["service_area"],
                sw_fte, agency, round(clamp(rng.gauss(1.2 - 0.6 * t, 0.8), 0, 4), 1), nqsw,
                allocated, team["caseload_target"],
                min(3, int(rng.expovariate(2.2))), min(3, int(rng.expovariate(2.0))),
                open_6m, same_6m, open_12m, same_12m,
            ])
    return rows


WORKFORCE_HEADER = [column.name for column in SPEC.sheets["workforce"].columns]
KPI_HEADER = list(SPEC.stored_columns("kpi"))


def _drawn(rng: random.Random, code: str, t: float, noise_scale: float) -> float:
    unit, start, end, noise, _, _ = INDICATORS[code]
    value = start + (end - start) * t + rng.gauss(0, noise * noise_scale)
    return clamp(value, 0, 100) if unit == "%" else max(0.0, value)


def _rounded(code: str, value: float) -> float | int:
    decimals = INDICATORS[code][4]
    return round(value, decimals) if decimals else int(round(value))


def _team_values(rng: random.Random, teams, wf, period: str, t: float) -> dict[str, dict[str, float]]:
    """Each team's figure for each team indicator this month (workforce ones from its return)."""
    team_values: dict[str, dict[str, float]] = {}
    for team in teams:
        w = wf[(team["team"], period)]
        values = {}
        for code in TEAM_INDICATORS:
            if code == "agency_worker_pct":
                value = 100 * w[4] / w[3]
            elif code == "caseload_avg":
                value = w[7] / w[3]
            elif code == "unregistered_placements":
                at_risk = team["service_area"] in CARE_AREAS
                value = 1 if at_risk and rng.random() < 0.08 * (1 - 0.7 * t) else 0
            else:
                value = _drawn(rng, code, t, 2.5)
            values[code] = _rounded(code, value)
        team_values[team["team"]] = values
    return team_values


def _team_breakdowns(rng: random.Random, assessing, t: float, team_values) -> dict[str, list]:
    """First and repeat assessments by team: numerator and denominator given, the value agrees."""
    breakdowns: dict[str, list] = {}
    for team in assessing:
        pair = []
        for label, size, shift in (("First assessment", 24, 0.0), ("Repeat assessment", 6, -6.0)):
            den = max(1, int(rng.gauss(size, size / 4)))
            share = clamp((78 + 10 * t + shift + rng.gauss(0, 6)) / 100, 0, 1)
            pair.append((label, int(round(den * share)), den))
        breakdowns[team["team"]] = pair
        num_total, den_total = sum(p[1] for p in pair), sum(p[2] for p in pair)
        team_values[team["team"]]["assessments_45wd_pct"] = round(100 * num_total / den_total, 1)
    return breakdowns


def _authority_rows(rng: random.Random, m: int, months, period: str, t: float, sums: dict,
                    team_values, previous: dict) -> list[list]:
    """The whole authority's row for every indicator, then its first / repeat breakdown."""
    rows, fy = [], financial_year_index(*months[m])
    for code, (_, _, _, _, _, target) in INDICATORS.items():
        if code == "agency_worker_pct":
            value = 100 * sums["agency"] / sums["fte"]  # ratio of sums, as the contract says
        elif code == "caseload_avg":
            value = sums["allocated"] / sums["fte"]
        elif code == "unregistered_placements":
            value = sum(v["unregistered_placements"] for v in team_values.values())
        else:
            value = _drawn(rng, code, t, 1.0)
        value = _rounded(code, value)
        comparators = COMPARATORS.get(code, {})
        commentary = None
        if code in SYSTEM_HEALTH and months[m][1] in (3, 6, 9, 12) and code in previous:
            went = "better" if (value <= previous[code]) == (code != "assessments_45wd_pct") else "worse"
            commentary = rng.choice(COMMENTARY[went])
        previous[code] = value
        rows.append([period, code, None, None, value, None, None, target,
                     *(comparators.get(column, [None] * 5)[fy] for column in ("stat_neighbours", "region", "england")),
                     commentary])
    for label, size, shift in (("First assessment", 260, 0.0), ("Repeat assessment", 70, -6.0)):
        den = max(1, int(rng.gauss(size, size / 10)))
        num = int(round(den * clamp((78 + 10 * t + shift + rng.gauss(0, 2)) / 100, 0, 1)))
        rows.append([period, "assessments_45wd_pct", None, label, round(100 * num / den, 1),
                     num, den, 85.0, None, None, None, None])
    return rows


def build_kpi(rng: random.Random, teams, months, workforce) -> list[list]:
    """Authority rows for all 16 indicators, team rows for the 13 that make sense for a
    team, and a First / Repeat assessment breakdown that makes the total exactly 50,000."""
    labels = [f"{y:04d}-{m:02d}" for y, m in months]
    wf = {(row[1], row[0]): row for row in workforce}  # workforce rows are team-major, month-minor
    assessing = [t for t in teams if t["service_area"] in ASSESSING_AREAS]
    remaining = (KPI_ROWS - len(INDICATORS) * MONTH_COUNT - len(TEAM_INDICATORS) * len(teams) * MONTH_COUNT
                 - 2 * MONTH_COUNT)
    per_month = 2 * len(assessing)
    assert remaining > 0 and remaining % per_month == 0, (remaining, per_month)
    # team breakdowns were first reported part way through 2021-22
    breakdown_from = MONTH_COUNT - remaining // per_month

    rows: list[list] = []
    previous: dict[str, float] = {}
    for m, period in enumerate(labels):
        t = m / (MONTH_COUNT - 1)
        team_values = _team_values(rng, teams, wf, period, t)
        breakdowns = _team_breakdowns(rng, assessing, t, team_values) if m >= breakdown_from else {}
        returns = [wf[(team["team"], period)] for team in teams]
        sums = {"agency": sum(w[4] for w in returns), "fte": sum(w[3] for w in returns),
                "allocated": sum(w[7] for w in returns)}
        rows += _authority_rows(rng, m, months, period, t, sums, team_values, previous)
        for team in teams:
            name = team["team"]
            for code in TEAM_INDICATORS:
                target = INDICATORS[code][5] if code != "caseload_avg" else team["caseload_target"]
                rows.append([period, code, name, None, team_values[name][code], None, None,
                             target, None, None, None, None])
            for label, num, den in breakdowns.get(name, []):
                rows.append([period, "assessments_45wd_pct", name, label,
                             round(100 * num / den, 1), num, den, 85.0, None, None, None, None])
    assert len(rows) == KPI_ROWS, len(rows)
    return rows


AUDIT_HEADER = [
    "audit_id", "audit_date", "team", "service_area", "audit_type", "overall",
    *PRACTICE_AREAS, "original_overall", "moderated", "actions_agreed", "actions_completed",
    "theme_strengths", "theme_development",
]


def audits_per_month(months) -> list[int]:
    """Fewer audits in August and December (leave, Christmas), summing to AUDIT_ROWS."""
    weights = [0.45 if month in (8, 12) else 1.0 for _, month in months]
    total = sum(weights)
    exact = [AUDIT_ROWS * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: AUDIT_ROWS - sum(counts)]:
        counts[i] += 1
    return counts


def pick_grade(rng: random.Random, t: float, team_strength: float) -> int:
    """Rank 1-4: inadequate falls from ~24% to ~8%, good or better rises over five years."""
    outstanding = 0.02 + 0.04 * t
    good = clamp(0.30 + 0.22 * t + team_strength, 0.05, 0.8)
    inadequate = clamp(0.24 - 0.16 * t - team_strength / 2, 0.02, 0.5)
    r = rng.random()
    if r < outstanding:
        return 1
    if r < outstanding + good:
        return 2
    if r < 1 - inadequate:
        return 3
    return 4


def build_audits(rng: random.Random, teams, months) -> list[list]:
    strength = {t["team"]: rng.uniform(-0.1, 0.1) for t in teams}
    case_teams = [t for t in teams if t["service_area"] != "Front Door"]
    types, type_weights = zip(*AUDIT_TYPES)
    rows = []
    seq = 0
    for m, ((year, month), count) in enumerate(zip(months, audits_per_month(months))):
        t = m / (MONTH_COUNT - 1)
        dates = sorted(
            dt.datetime(year, month, rng.randint(1, days_in_month(year, month))) for _ in range(count)
        )
        for audit_date in dates:
            seq += 1
            team = rng.choice(teams if rng.random() < 0.1 else case_teams)
            if team["service_area"] == "Fostering":
                audit_type = "Foster carer"
            else:
                audit_type = rng.choices(types, type_weights)[0]
            overall = pick_grade(rng, t, strength[team["team"]])
            judged = PRACTICE_AREAS
            if audit_type in ("Dip sample", "Themed"):
                judged = rng.sample(PRACTICE_AREAS, 4)
            areas = []
            for area in PRACTICE_AREAS:
                not_applicable = area not in judged or (
                    area == "permanence" and team["service_area"] not in CARE_AREAS and rng.random() < 0.7
                )
                if not_applicable:
                    areas.append("N/A")
                else:
                    rank = int(clamp(overall + rng.choices((-1, 0, 1), (0.15, 0.6, 0.25))[0], 1, 4))
                    areas.append(GRADES[rank - 1])
            moderation = rng.random()
            if moderation < 0.35:
                shift = rng.choices((0, -1, 1), (0.75, 0.2, 0.05))[0]  # -1: graded down at moderation
                original = GRADES[int(clamp(overall + shift, 1, 4)) - 1]
                moderated = "Yes"
            elif moderation < 0.65:
                original, moderated = None, "No"
            else:
                original, moderated = None, None
            agreed = min(8, int(rng.expovariate(0.45)))
            age_months = MONTH_COUNT - 1 - m
            completion = clamp(0.95 if age_months >= 6 else 0.15 * age_months, 0, 1)
            completed = sum(rng.random() < completion for _ in range(agreed))
            rows.append([
                f"QA-{year}-{seq:05d}", audit_date, team["team"], team["service_area"], audit_type,
                GRADES[overall - 1], *areas, original, moderated, agreed, completed,
                rng.choice(STRENGTHS) if rng.random() < 0.8 else None,
                rng.choice(DEVELOPMENTS) if rng.random() < 0.85 else None,
            ])
    assert len(rows) == AUDIT_ROWS
    return rows


FEEDBACK_HEADER = [column.name for column in SPEC.sheets["feedback"].columns]
ANSWERS = {
    "yes_no": (("Yes", "Partly", "No", "Don't know"), "Yes"),
    "agree": (("Agree", "Disagree", "Don't know"), "Agree"),
}


def build_feedback(rng: random.Random, teams, months) -> list[list]:
    first = dt.date(*months[0], 1)
    last = dt.date(*months[-1], days_in_month(*months[-1]))
    span = (last - first).days
    by_area: dict[str, list[dict]] = {}
    for team in teams:
        by_area.setdefault(team["service_area"], []).append(team)
    respondents, weights = zip(*RESPONDENT_WEIGHTS.items())

    people = []
    answered = 0
    while answered < FEEDBACK_ROWS:
        respondent = rng.choices(respondents, weights)[0]
        areas, questions = SURVEYS[respondent]
        chosen = [q for q in questions if rng.random() < 0.85] or questions[:1]
        people.append((first + dt.timedelta(days=rng.randint(0, span)), respondent,
                       rng.choice(by_area[rng.choice(areas)]), chosen))
        answered += len(chosen)
    people.sort(key=lambda p: p[0])

    rows = []
    for number, (date, respondent, team, questions) in enumerate(people, 1):
        t = (date - first).days / span
        positive_share = 0.58 + 0.22 * t
        response_id = f"SRV-{number:06d}"
        comment_on = rng.randrange(len(questions)) if rng.random() < 0.18 else None
        for i, (question, scale) in enumerate(questions):
            options, positive = ANSWERS[scale]
            if rng.random() < positive_share:
                answer = positive
            else:
                answer = rng.choice(options[1:])
            comment = theme = None
            if i == comment_on:
                if answer == positive:
                    comment, theme = rng.choice(GOOD_COMMENTS), "Getting it right"
                else:
                    comment, theme = rng.choice(POOR_COMMENTS), "Need to do better"
            rows.append([dt.datetime(date.year, date.month, date.day), respondent,
                         team["service_area"], team["team"], "Survey", response_id,
                         question, answer, comment, theme])
            if len(rows) == FEEDBACK_ROWS:
                return rows
    raise AssertionError("not enough feedback rows")


def _pin_zip(path: Path) -> None:
    """Rewrite the archive with fixed member timestamps and document dates, so the same
    seed gives byte-identical files."""
    stamp = PINNED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(name, date_time=PINNED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data, compresslevel=6)
    path.write_bytes(buffer.getvalue())


def write_large_authority(path, seed: int = 2024) -> dict:
    """Write the workbook to `path` and return its row counts per sheet."""
    path = Path(path)
    months = month_list()
    assert dt.date(*months[-1], 1) <= dt.date.today(), "the workbook would hold future months"
    rng = random.Random(seed)
    teams = build_teams()
    workforce = build_workforce(rng, teams, months)
    sheets = {
        "teams": (["team", "service_area", "caseload_target", "active"],
                  [[t["team"], t["service_area"], t["caseload_target"], t["active"]] for t in teams]),
        "kpi": (KPI_HEADER, build_kpi(rng, teams, months, workforce)),
        "audits": (AUDIT_HEADER, build_audits(rng, teams, months)),
        "workforce": (WORKFORCE_HEADER, workforce),
        "feedback": (FEEDBACK_HEADER, build_feedback(rng, teams, months)),
    }

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "qa-dashboard bench"
    workbook.properties.created = PINNED_TIMESTAMP
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    _pin_zip(path)
    return {name: len(rows) for name, (_, rows) in sheets.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = write_large_authority(args.out, seed=args.seed)
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s: {counts}")


if __name__ == "__main__":
    main()
