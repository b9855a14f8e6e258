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
       a.multi_agency, a.management_oversight, a.relationships, a.outcomes, a.diversity,
       a.practice_areas_in_file, a.theme
FROM audit_rows a LEFT JOIN teams t ON t.team = a.team
WHERE a.superseded_by IS NULL;

-- One row per judgement made: each audit's overall judgement (practice_area 'overall') and each
-- practice area it graded. An area left blank or N/A is in audit_areas_not_judged instead, and
-- an area the audit's file had no column for is in neither, so avg(grade = 'Good') is a share
-- of judgements made.
CREATE OR REPLACE VIEW audit_judgements AS
SELECT u.audit_id, u.audit_date, u.month, u.financial_year, u.quarter, u.team, u.service_area,
       u.audit_type, u.practice_area, u.grade, g.grade_rank, u.quarter_start,
       p.label AS practice_area_label, p.sort_order AS practice_area_order
FROM audits UNPIVOT (
    grade FOR practice_area IN (overall, voice_of_child, identification_of_harm, assessment, planning,
        permanence, multi_agency, management_oversight, relationships, outcomes, diversity)
) u
LEFT JOIN grade_scale g ON g.grade = u.grade
LEFT JOIN practice_area_catalogue p ON p.code = u.practice_area;

-- One row per practice area an audit's file asked about (it had the column) but the auditor
-- left blank or N/A. Rows loaded before the file's columns were recorded count every area.
CREATE OR REPLACE VIEW audit_areas_not_judged AS
SELECT u.audit_id, u.practice_area, u.audit_date, u.month, u.financial_year, u.quarter, u.team,
       u.service_area, u.audit_type, u.quarter_start,
       p.label AS practice_area_label, p.sort_order AS practice_area_order
FROM audits UNPIVOT INCLUDE NULLS (
    grade FOR practice_area IN (voice_of_child, identification_of_harm, assessment, planning,
        permanence, multi_agency, management_oversight, relationships, outcomes, diversity)
) u
LEFT JOIN practice_area_catalogue p ON p.code = u.practice_area
WHERE u.grade IS NULL
  AND (u.practice_areas_in_file IS NULL OR list_contains(u.practice_areas_in_file, u.practice_area));

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
SELECT action_id, title, owner, due_date, status, rag, source, updated, upload_id, indicators, completed
FROM action_rows WHERE superseded_by IS NULL;

CREATE OR REPLACE VIEW themed_audits AS
SELECT theme, indicators, reason, commissioned, completed, status, findings, upload_id
FROM themed_audit_rows WHERE superseded_by IS NULL;

-- Each themed audit and action, once per indicator it names (kind: the catalogue's loop.kinds
-- word, from loop_link_kinds); audits_n counts the case audits carrying the theme (NULL for an action).
CREATE OR REPLACE VIEW indicator_links AS
WITH counted AS (SELECT theme, count(*) AS n FROM audits WHERE theme IS NOT NULL GROUP BY theme)
SELECT unnest(t.indicators) AS indicator, k.kind, t.theme AS reference, t.reason AS title,
       t.commissioned AS started, t.completed, t.status, coalesce(c.n, 0) AS audits_n, t.findings, NULL AS rag
FROM themed_audits t LEFT JOIN counted c ON c.theme = t.theme
JOIN loop_link_kinds k ON k.sheet = 'themed_audits'
UNION ALL
SELECT unnest(a.indicators), k.kind, a.action_id, a.title, NULL, a.completed, a.status, NULL, NULL, a.rag
FROM actions a JOIN loop_link_kinds k ON k.sheet = 'actions';

CREATE OR REPLACE VIEW early_warnings AS
SELECT indicator, team, period, reasons, concern, fails, red, band FROM loop_warning_rows;

CREATE OR REPLACE VIEW loop_verdicts AS
SELECT indicator, team, since, points_since, variation, kind, reference, points_before, centre,
       lower_limit, upper_limit, verdict
FROM loop_verdict_rows;

CREATE OR REPLACE VIEW uploads AS
SELECT upload_id, file_name, sha256, loaded_at, loaded_by, status, rows_added, rows_superseded, undone_at
FROM upload_log;

CREATE OR REPLACE VIEW upload_sheets AS
SELECT upload_id, sheet, rows_read, rows_added, rows_superseded, rows_unchanged FROM upload_sheet_log;

-- ------------------------------------------------------------ DfE's published statistics --
-- Loaded by qa_dashboard/benchmarks into dfe_rows (cells as published) and
-- statistical_neighbours (DfE's model); everything below is computed from those two tables,
-- so a load, an undo or a change of authority (meta key `authority`) shows at once.

-- One row per authority DfE publishes, by old three-digit code (stable when ONS codes change),
-- under its current ONS code: the most recently introduced of its codes in the latest year it
-- appears (North Yorkshire's E06000065 replaced E10000023 from 2023; Barnsley's E08000038 first
-- appears in the 2025 workforce file). Authorities that merged or split (Cumbria into
-- Cumberland and Westmorland and Furness, Northamptonshire into North and West) have their
-- own old codes: successors start when they started and predecessors stop when they stopped,
-- never spliced. London's boroughs are published under Inner and Outer London (E13...); their
-- region is London (E12000007), as in DfE's neighbour model.
CREATE OR REPLACE VIEW dfe_authorities AS
WITH codes AS (
    SELECT old_la_code, new_la_code, max(year) * 10000 + min(year) AS recency,
           arg_max(la_name, year) AS la_name, arg_max(region_code, year) AS region_code,
           arg_max(region_name, year) AS region_name, min(year) AS first_year, max(year) AS last_year
    FROM dfe_rows
    WHERE superseded_by IS NULL AND geographic_level = 'Local authority' AND old_la_code IS NOT NULL
      AND value IS NOT NULL  -- placement stability lists Cumbria until 2025, every figure 'z'
    GROUP BY old_la_code, new_la_code),
published AS (
    SELECT old_la_code, arg_max(new_la_code, recency) AS new_la_code, arg_max(la_name, recency) AS la_name,
           arg_max(region_code, recency) AS region_code, arg_max(region_name, recency) AS region_name,
           min(first_year) AS first_year, max(last_year) AS last_year,
           list(new_la_code ORDER BY first_year, new_la_code) AS ons_codes
    FROM codes GROUP BY old_la_code),
model AS (
    SELECT DISTINCT old_la_code, la_name, region_name FROM statistical_neighbours WHERE superseded_by IS NULL)
SELECT coalesce(p.old_la_code, m.old_la_code) AS old_la_code, p.new_la_code,
       coalesce(p.la_name, m.la_name) AS la_name,
       CASE WHEN p.region_code LIKE 'E13%' THEN 'E12000007' ELSE p.region_code END AS region_code,
       CASE WHEN p.region_code LIKE 'E13%' THEN 'London' ELSE coalesce(p.region_name, m.region_name) END AS region_name,
       p.first_year, p.last_year, coalesce(p.ons_codes, []) AS ons_codes,
       m.old_la_code IS NOT NULL AS in_neighbour_model
FROM published p FULL JOIN model m ON m.old_la_code = p.old_la_code;

-- One figure per indicator, year (ending 31 March) and area, as DfE defines it. `area_key` is
-- dfe_rows' (country, region, or an authority's old code). Rates per 10,000 children are the
-- year's count over the ONS mid-year population aged 0-17 of the calendar year before, as DfE
-- computes them (referrals in the year to March 2025 over the mid-2024 estimate), matched on
-- the area key so an authority whose ONS code changed still finds its population.
CREATE OR REPLACE VIEW dfe_figures AS
WITH cells AS (
    SELECT publication, year, geographic_level, area_key, breakdown, measure, value
    FROM dfe_rows WHERE superseded_by IS NULL AND value IS NOT NULL),
as_published(indicator, publication, measure, breakdown) AS (VALUES
    ('re_referrals_pct', 'referrals', 'rereferral_percent', NULL),
    ('agency_worker_pct', 'workforce', 'agency_rate_fte', NULL),
    ('caseload_avg', 'workforce', 'caseload_fte', NULL),
    ('vacancy_pct', 'workforce', 'vacancy_rate_fte', NULL),
    ('turnover_pct', 'workforce', 'turnover_rate_fte', NULL),
    ('cla_3plus_placements_pct', 'placement_stability', 'children_percent',
     'CLA on 31 March | With 3 or more placements during the year')),
per_10000_children(indicator, publication, measure) AS (VALUES
    ('referrals_rate', 'referrals', 'referral_count'),
    ('cin_rate', 'children_in_need', 'at31_episodes')),
population AS (
    SELECT year, geographic_level, area_key, value FROM cells
    WHERE publication = 'population' AND measure = 'population_estimate'
      AND breakdown = 'Children aged 0 to 17 years' AND value > 0)
SELECT p.indicator, c.year, c.geographic_level, c.area_key, c.value
FROM cells c JOIN as_published p
  ON p.publication = c.publication AND p.measure = c.measure AND c.breakdown = coalesce(p.breakdown, c.breakdown)
UNION ALL
SELECT r.indicator, c.year, c.geographic_level, c.area_key, c.value / pop.value * 10000
FROM cells c JOIN per_10000_children r ON r.publication = c.publication AND r.measure = c.measure
JOIN population pop
  ON pop.geographic_level = c.geographic_level AND pop.area_key = c.area_key AND pop.year = c.year - 1;

-- DATA_CONTRACT section 5. Regions are the nine E12 regions (Inner and Outer London stay in
-- dfe_rows). 'Statistical neighbours' is the mean of the published figures of the chosen
-- authority's neighbours that have one that year (`neighbours_averaged` says how many): a
-- suppressed figure is left out, never counted as zero. Kingston and Richmond publish one
-- workforce figure together; it stands for each of them.
CREATE OR REPLACE VIEW benchmarks AS
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code),
neighbours AS (
    SELECT n.neighbour_old_code FROM statistical_neighbours n JOIN chosen c ON c.old_la_code = n.old_la_code
    WHERE n.superseded_by IS NULL),
regions AS (
    SELECT region_code, arg_max(region_name, year) AS region_name FROM dfe_rows
    WHERE superseded_by IS NULL AND geographic_level = 'Regional' GROUP BY region_code)
SELECT f.year, f.indicator, 'England' AS geography_level, f.area_key AS area_code, 'England' AS area_name,
       f.value, NULL::INTEGER AS neighbours_averaged
FROM dfe_figures f WHERE f.geographic_level = 'National'
UNION ALL
SELECT f.year, f.indicator, 'Region', f.area_key, r.region_name, f.value, NULL
FROM dfe_figures f JOIN regions r ON r.region_code = f.area_key
WHERE f.geographic_level = 'Regional' AND f.area_key LIKE 'E12%'
UNION ALL
SELECT f.year, f.indicator, 'Local authority', a.new_la_code, a.la_name, f.value, NULL
FROM dfe_figures f JOIN dfe_authorities a ON a.old_la_code = f.area_key
WHERE f.geographic_level = 'Local authority'
UNION ALL
SELECT f.year, f.indicator, 'Statistical neighbours', 'SN:' || c.new_la_code,
       'Statistical neighbours of ' || c.la_name, avg(f.value), count(*)
FROM dfe_figures f JOIN neighbours n ON n.neighbour_old_code = f.area_key CROSS JOIN chosen c
WHERE f.geographic_level = 'Local authority'
GROUP BY f.year, f.indicator, c.new_la_code, c.la_name
UNION ALL
SELECT year, indicator, geography_level, area_code, area_name, value, NULL
FROM benchmark_rows WHERE superseded_by IS NULL AND value IS NOT NULL;

-- DATA_CONTRACT section 5: each authority's latest Ofsted ILACS judgement, from the overview
-- file loaded last (ofsted_rows). An authority the dashboard knows from DfE's files is named and
-- coded as there (`area_code` its current ONS code, `region_code` its E12 region); otherwise as
-- the file wrote it. `overall_effectiveness` is Ofsted's grade, NULL when the file gives none
-- (a report not yet out). No inspector's name is kept.
CREATE OR REPLACE VIEW ofsted_judgements AS
SELECT coalesce(a.new_la_code, o.ons_code) AS area_code,
       coalesce(a.la_name, o.local_authority) AS la_name,
       o.overall_effectiveness, o.inspection_start, o.inspection_end, o.published, o.framework,
       o.area_key AS old_la_code, coalesce(a.region_code, o.region_code) AS region_code,
       a.region_name, o.upload_id
FROM ofsted_rows o LEFT JOIN dfe_authorities a ON a.old_la_code = o.area_key
WHERE o.superseded_by IS NULL;

-- DATA_CONTRACT section 5: every authority's position among all authorities with a published
-- figure that year (benchmarks/positions.py computes it once per load of DfE files). rank 1 is the
-- best end by polarity, ties share the best rank; band A is the best quarter; neutral indicators
-- have no rank, band, sn_rank or region_rank, and are placed against the middle half instead
-- (middle_half: above, within or below the lower to upper quartile of authorities).
CREATE OR REPLACE VIEW benchmark_positions AS
SELECT year, indicator, area_code, area_name, value, rank, of_count, quartile_band, sn_rank, region_rank,
       sn_of, region_of, lower_quartile, median, upper_quartile, middle_half,
       financial_year(make_date(year, 3, 31)) AS financial_year
FROM benchmark_position_rows;

-- DATA_CONTRACT section 5: the practice analysis in force for each month and scope, whether
-- written in the app (commentary_rows) or uploaded in a KPI sheet's commentary column; the
-- newest per key is current. `source` says which ('written' or 'uploaded').
CREATE OR REPLACE VIEW commentary AS
WITH every_version AS (
    SELECT period, scope_kind, key, team, service_area, text, author, written_at, version,
           'written' AS source
    FROM commentary_rows
    UNION ALL
    SELECT k.period, 'indicator', k.indicator, k.team, NULL, k.commentary,
           'KPI sheet ' || u.file_name, u.loaded_at, 0, 'uploaded'
    FROM kpi_values k JOIN upload_log u ON u.upload_id = k.upload_id
    WHERE k.commentary IS NOT NULL AND k.breakdown IS NULL)
SELECT period, scope_kind, key, team, service_area, text, author, written_at, source
FROM every_version
QUALIFY row_number() OVER (PARTITION BY period, scope_kind, key, team, service_area
                           ORDER BY written_at DESC, version DESC) = 1;

-- Where each current kpi figure came from: `Annex A, extract of 15 March 2021` for a figure
-- computed from Ofsted's Annex A lists, else the name of the file that brought it.
CREATE OR REPLACE VIEW kpi_sources AS
SELECT k.period, k.indicator, k.team, k.breakdown, k.upload_id,
       CASE WHEN a.upload_id IS NOT NULL THEN 'Annex A, extract of ' || strftime(a.extract_date, '%-d %B %Y')
            ELSE u.file_name END AS source,
       a.extract_date
FROM kpi_rows k JOIN upload_log u ON u.upload_id = k.upload_id
LEFT JOIN annex_a_uploads a ON a.upload_id = k.upload_id
WHERE k.superseded_by IS NULL;

-- The data-quality counts of the latest Annex A load in force: rows with a problem, per list,
-- problem and allocated team (blank: no team recorded), so officers can fix the recording.
CREATE OR REPLACE VIEW annex_a_quality AS
WITH latest AS (
    SELECT max(a.upload_id) AS upload_id FROM annex_a_uploads a
    JOIN upload_log u ON u.upload_id = a.upload_id WHERE u.status = 'loaded')
SELECT q.list, q.problem, q.team, q.rows, a.extract_date, q.upload_id
FROM annex_a_quality_rows q JOIN latest l ON l.upload_id = q.upload_id
JOIN annex_a_uploads a ON a.upload_id = q.upload_id;

-- ------------------------------------------------------------ statistical process control --
-- Every indicator series (authority: team NULL, each team, each breakdown) read as an XmR
-- chart by qa_dashboard/spc.py (NHSRplotthedots 0.2.2's method), over every month loaded.
CREATE OR REPLACE VIEW kpi_spc AS
SELECT period, indicator, team, breakdown, value, centre, lower_limit, upper_limit, rule, variation,
       lower_near, upper_near, target, provisional, limits_from
FROM spc_points;

-- Each indicator's (and each team's) latest point: its variation, the assurance against its
-- target, how many points its limits rest on, whether they are provisional, and their start.
CREATE OR REPLACE VIEW kpi_spc_latest AS
SELECT indicator, team, period, variation, assurance, points, provisional, limits_from,
       value, centre, lower_limit, upper_limit, target, rule
FROM spc_latest WHERE breakdown IS NULL;

-- The rebases in force: each (indicator, team, month)'s newest version, unless it removed it.
CREATE OR REPLACE VIEW kpi_spc_rebases AS
SELECT indicator, team, month, reason, author, written_at
FROM spc_rebases
QUALIFY row_number() OVER (PARTITION BY indicator, team, month ORDER BY version DESC) = 1 AND NOT removed;
