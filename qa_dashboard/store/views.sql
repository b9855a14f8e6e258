-- The stable views of DATA_CONTRACT.md section 5. Other tools read these; add columns, never
-- rename or drop. Views show current rows only (superseded_by IS NULL).

-- The financial calendar, defined once: April to March, written 2024-25; Q1 is April to June.
CREATE OR REPLACE MACRO financial_year(d) AS
    CASE WHEN d IS NULL THEN NULL ELSE
        CAST(year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END AS VARCHAR) || '-' ||
        lpad(CAST((year(d) + CASE WHEN month(d) < 4 THEN 0 ELSE 1 END) % 100 AS VARCHAR), 2, '0')
    END;
CREATE OR REPLACE MACRO financial_quarter(d) AS
    CASE WHEN d IS NULL THEN NULL ELSE
        'Q' || CAST((month(d) + 8) % 12 // 3 + 1 AS VARCHAR) || ' ' || financial_year(d)
    END;
CREATE OR REPLACE MACRO financial_quarter_start(d) AS
    CASE WHEN d IS NULL THEN NULL ELSE
        CAST(make_date(year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END, 4, 1)
            + to_months(CAST(((month(d) + 8) % 12 // 3) * 3 AS INTEGER)) AS DATE)
    END;

CREATE OR REPLACE VIEW teams AS
SELECT team, service_area, caseload_target, active, upload_id
FROM team_rows WHERE superseded_by IS NULL;

CREATE OR REPLACE VIEW kpi_values AS
SELECT k.period, financial_year(k.period) AS financial_year, financial_quarter(k.period) AS quarter,
       k.indicator, i.label, i.unit, i.polarity, k.team, k.breakdown, k.value, k.numerator,
       k.denominator, k.target, k.stat_neighbours, k.region, k.england, k.commentary, k.upload_id,
       i.system_health, i.sort_order, i.custom, financial_quarter_start(k.period) AS quarter_start
FROM kpi_rows k JOIN indicator_catalogue i ON i.code = k.indicator
WHERE k.superseded_by IS NULL;

CREATE OR REPLACE VIEW audits AS
SELECT a.audit_id, a.audit_date, CAST(date_trunc('month', a.audit_date) AS DATE) AS month,
       financial_year(a.audit_date) AS financial_year, financial_quarter(a.audit_date) AS quarter,
       a.team, coalesce(a.service_area, t.service_area, 'Unassigned') AS service_area,
       a.audit_type, a.overall, a.original_overall, a.moderated, a.actions_agreed,
       a.actions_completed, a.theme_strengths, a.theme_development, a.upload_id,
       financial_quarter_start(a.audit_date) AS quarter_start,
       a.voice_of_child, a.identification_of_harm, a.assessment, a.planning, a.permanence,
       a.multi_agency, a.management_oversight, a.relationships, a.outcomes, a.diversity
FROM audit_rows a LEFT JOIN teams t ON t.team = a.team
WHERE a.superseded_by IS NULL;

-- One row per audit and practice area, with the overall judgement as practice_area 'overall'.
-- Areas not judged are kept with a NULL grade so pages can say how many were not judged.
CREATE OR REPLACE VIEW audit_judgements AS
SELECT u.audit_id, u.audit_date, u.month, u.financial_year, u.quarter, u.team, u.service_area,
       u.audit_type, u.practice_area, u.grade, g.grade_rank, u.quarter_start,
       p.label AS practice_area_label, p.sort_order AS practice_area_order
FROM audits UNPIVOT INCLUDE NULLS (
    grade FOR practice_area IN (overall, voice_of_child, identification_of_harm, assessment, planning,
        permanence, multi_agency, management_oversight, relationships, outcomes, diversity)
) u
LEFT JOIN grade_scale g ON g.grade = u.grade
LEFT JOIN practice_area_catalogue p ON p.code = u.practice_area;

CREATE OR REPLACE VIEW workforce AS
SELECT w.period, financial_year(w.period) AS financial_year, financial_quarter(w.period) AS quarter,
       w.team, coalesce(w.service_area, t.service_area, 'Unassigned') AS service_area,
       w.social_worker_fte, w.agency_fte, w.vacancy_fte, w.nqsw_fte, w.children_allocated,
       coalesce(w.caseload_target, t.caseload_target) AS caseload_target, w.starters, w.leavers,
       w.children_open_6m, w.same_worker_6m, w.children_open_12m, w.same_worker_12m, w.upload_id,
       financial_quarter_start(w.period) AS quarter_start
FROM workforce_rows w LEFT JOIN teams t ON t.team = w.team
WHERE w.superseded_by IS NULL;

CREATE OR REPLACE VIEW feedback AS
SELECT f.response_date, CAST(date_trunc('month', f.response_date) AS DATE) AS month,
       financial_year(f.response_date) AS financial_year, financial_quarter(f.response_date) AS quarter,
       f.respondent, coalesce(f.service_area, t.service_area) AS service_area, f.team, f.source,
       f.response_id, f.question, f.answer, f.sentiment, f.comment, f.theme, f.upload_id,
       financial_quarter_start(f.response_date) AS quarter_start
FROM feedback_rows f LEFT JOIN teams t ON t.team = f.team
WHERE f.superseded_by IS NULL;

CREATE OR REPLACE VIEW actions AS
SELECT action_id, title, owner, due_date, status, rag, source, updated, upload_id
FROM action_rows WHERE superseded_by IS NULL;

CREATE OR REPLACE VIEW uploads AS
SELECT upload_id, file_name, sha256, loaded_at, loaded_by, status, rows_added, rows_superseded, undone_at
FROM upload_log;

CREATE OR REPLACE VIEW upload_sheets AS
SELECT upload_id, sheet, rows_read, rows_added, rows_superseded, rows_unchanged FROM upload_sheet_log;

CREATE OR REPLACE VIEW benchmarks AS
SELECT year, indicator, geography_level, area_code, area_name, value
FROM benchmark_rows WHERE superseded_by IS NULL;
