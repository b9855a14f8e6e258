"""Small Annex A workbooks for tests, written with openpyxl, with figures worked by hand.

Every identifying value is distinctive (`ZQ…` IDs, odd dates of birth, `QX…` postcodes,
invented workers), so the privacy test can look for each in the database and the output.
"""
from __future__ import annotations

import datetime as dt

D = dt.date
AS_AT = D(2024, 3, 31)            # a Sunday, the last day of March: March is a whole month
REFERRAL_HEADER = ["CHILD_ID", "Gender", "Date of Birth", "Age", "Date of Referral", "Referral Source",
                   "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]
ASSESSMENT_HEADER = ["Child Unique ID", "Date of Birth", "Age of Child (Years)", "Continuous Assessment Start Date",
                     "Continuous Assessment Date of Authorisation",
                     "Was the child assessed as requiring LA children\u2019s social care support?",
                     "Allocated Team", "Allocated Worker"]
S47_HEADER = ["Person ID", "Date of Birth", "Strategy discussion initiating Section 47 Enquiry Start Date",
              "Date of Initial Child Protection Conference", "Allocated Team", "Allocated Worker"]
CIN_HEADER = ["Child ID", "CIN Start Date", "Date Child Was Last Seen", "CIN Closure Date", "Case Status",
              "Allocated Team", "Allocated Worker"]
CP_HEADER = ["Child ID", "Child Protection Plan Start Date", "Date of the Last Statutory Visit",
             "Child Protection Plan End Date", "Allocated Team", "Allocated Worker"]
CLA_HEADER = ["Child ID", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
              "Date Started to be Looked After", "Date of Last Social Work Visit", "Date Ceased to be Looked After",
              "Placement postcode", "Allocated Team", "Allocated Worker"]

IDS = ["ZQ700001", "ZQ700002", "ZQ700003", "ZQ700004", "ZQ700005", "ZQ700006", "ZQ700007", "ZQ700008"]
DOBS = [D(2011, 7, 13), D(2012, 9, 17), D(2013, 11, 19), D(2015, 5, 23)]
POSTCODES = ["QX9 9ZZ", "QX8 8ZY"]
WORKERS = ["Wilhelmina Quuxley", "Barnabas Zedwright"]


def referrals() -> list[list]:
    """March 2024: 4 referrals (an exact duplicate row dropped); re-referrals: ZQ700001 at 364 days
    and ZQ700003 by the count column, not ZQ700002 at 366 days -> 2 of 4 = 50%.
    North 2 of 2, South 0 of 2. Text dates are UK dd/mm/yyyy (04/03/2024 is 4 March)."""
    first_a, first_b = D(2023, 3, 6), D(2023, 3, 7)
    rows = [
        ["List 3 - Referrals", None, None], ["Extract for inspection", None, None], [],
        REFERRAL_HEADER,
        [IDS[0], "a) Male", DOBS[0], 12, first_a, "q) 6: Police", 0, "North", WORKERS[0]],
        [IDS[0], "a) Male", DOBS[0], 12, "04/03/2024", "q) 6: Police", 0, "North", WORKERS[0]],   # +364 days
        [IDS[1], "b) Female", DOBS[1], 11, first_b, "e) 2A: Schools", 0, "South", WORKERS[1]],
        [IDS[1], "b) Female", DOBS[1], 11, first_b + dt.timedelta(days=366), "e) 2A: Schools", 0, "South", WORKERS[1]],
        [IDS[2], "a) Male", DOBS[2], 10, D(2024, 3, 12), "q) 6: Police", 2, "North", WORKERS[0]],
        [IDS[3], "a) Male", DOBS[3], 8, D(2024, 3, 13), "q) 6: Police", 0, "South", WORKERS[1]],
        [IDS[3], "a) Male", DOBS[3], 8, D(2024, 3, 13), "q) 6: Police", 0, "South", WORKERS[1]],  # duplicate
    ]
    assert D(2024, 3, 4) - first_a == dt.timedelta(days=364)
    return rows


def assessments() -> list[list]:
    """Authorised in February 2024: 5. Start Thu 21 Dec 2023 -> Tue 27 Feb 2024 is exactly 45
    working days (25, 26 Dec and 1 Jan are bank holidays), -> Wed 28 Feb is 46; a same-day
    finish is 0; one ends before it starts (left out of the share); 31 Jan -> 1 Feb is 1.
    In 45 working days: 3 of 4 = 75%. NFA (answer No): 2 of the 4 readable = 50%."""
    return [
        ASSESSMENT_HEADER,
        [IDS[4], DOBS[0], 12, D(2023, 12, 21), D(2024, 2, 27), "b) No", "North", WORKERS[0]],
        [IDS[5], DOBS[1], 11, D(2023, 12, 21), D(2024, 2, 28), "Yes", "North", WORKERS[0]],
        [IDS[6], DOBS[2], 10, D(2024, 2, 12), D(2024, 2, 12), "a) Yes", "South", WORKERS[1]],
        [IDS[7], DOBS[3], 8, D(2024, 2, 20), D(2024, 2, 19), "CS Assessment Updated", "South", WORKERS[1]],
        [IDS[0], DOBS[0], 12, D(2024, 1, 31), D(2024, 2, 1), "N", "South", WORKERS[1]],
    ]


def section_47() -> list[list]:
    """Strategy discussion Fri 28 Apr 2023: conference Tue 23 May is 15 working days (1 May and the
    8 May coronation are bank holidays), Wed 24 May is 16: 1 of 2 = 50% in May 2023. One child
    whose enquiries start twice in June 2023 counts once in s47_count."""
    return [
        S47_HEADER,
        [IDS[0], DOBS[0], D(2023, 4, 28), D(2023, 5, 23), "North", WORKERS[0]],
        [IDS[1], DOBS[1], D(2023, 4, 28), D(2023, 5, 24), "South", WORKERS[1]],
        [IDS[2], DOBS[2], D(2023, 6, 5), None, "North", WORKERS[0]],
        [IDS[2], DOBS[2], D(2023, 6, 20), None, "North", WORKERS[0]],
    ]


def children_in_need() -> list[list]:
    """Open CIN plans on Sun 31 Mar 2024 (Good Friday 29 Mar a bank holiday): seen Fri 1 Mar = 19
    working days (in time), seen Wed 28 Feb = 21 (late); a child protection case is not a CIN plan. 1 of 2."""
    return [
        CIN_HEADER,
        [IDS[0], D(2023, 1, 9), D(2024, 3, 1), None, "c) Child in need plan", "North", WORKERS[0]],
        [IDS[1], D(2023, 1, 9), D(2024, 2, 28), None, "c) Child in need plan", "South", WORKERS[1]],
        [IDS[2], D(2023, 1, 9), D(2023, 6, 1), None, "b) Child Protection plan", "South", WORKERS[1]],
    ]


def child_protection() -> list[list]:
    """Open plans on 31 Mar 2024, standard 10 working days: visited Fri 15 Mar = 9 (Good Friday),
    Thu 14 Mar = 10 (in time), Wed 13 Mar = 11 (late); no visit yet but started Mon 25 Mar = 3
    (in time); a plan ended 20 Mar is not open. 3 of 4 = 75%."""
    return [
        CP_HEADER,
        [IDS[0], D(2023, 10, 2), D(2024, 3, 15), None, "North", WORKERS[0]],
        [IDS[1], D(2023, 10, 2), D(2024, 3, 14), None, "North", WORKERS[0]],
        [IDS[2], D(2023, 10, 2), D(2024, 3, 13), None, "South", WORKERS[1]],
        [IDS[3], D(2024, 3, 25), None, None, "South", WORKERS[1]],
        [IDS[4], D(2023, 10, 2), D(2024, 1, 2), D(2024, 3, 20), "South", WORKERS[1]],
    ]


def children_in_care() -> list[list]:
    """In care on 31 Mar 2024, standard 42 days: visited 18 Feb (42 days, in time), 17 Feb (43, late)."""
    return [
        CLA_HEADER,
        [IDS[5], "b) No", D(2022, 5, 3), D(2024, 2, 18), None, POSTCODES[0], "North", WORKERS[0]],
        [IDS[6], "b) No", D(2022, 5, 3), D(2024, 2, 17), None, POSTCODES[1], "South", WORKERS[1]],
    ]


def workbook_sheets() -> dict[str, list[list]]:
    return {"List 3 - Referrals": referrals(), "Assessments": assessments(), "Sec47 and ICPC": section_47(),
            "List_6": children_in_need(), "List 7": child_protection(), "CLA": children_in_care()}
