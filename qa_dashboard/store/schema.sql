-- Tables behind the views. Every data table keeps history: a row replaced by a later load is
-- kept, with `superseded_by` naming that load, so no upload destroys data and undo is exact.
-- `upload_id` names the load that wrote the row.
-- Keep this file idempotent: it runs whenever a write connection opens.

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS upload_log (
    upload_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by VARCHAR NOT NULL,
    status VARCHAR NOT NULL,          -- 'loaded' or 'undone'
    rows_added INTEGER NOT NULL,
    rows_superseded INTEGER NOT NULL,
    undone_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS upload_sheet_log (
    upload_id INTEGER NOT NULL,
    sheet VARCHAR NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_added INTEGER NOT NULL,
    rows_superseded INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL
);

-- Catalogue indicators are refreshed from the package on every write; custom ones arrive with
-- the load that first named them (upload_id), so undoing that load removes them again.
CREATE TABLE IF NOT EXISTS indicator_catalogue (
    code VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    polarity VARCHAR NOT NULL,
    system_health BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL,
    custom BOOLEAN NOT NULL,
    upload_id INTEGER
);

CREATE TABLE IF NOT EXISTS kpi_rows (
    period DATE, indicator VARCHAR, team VARCHAR, breakdown VARCHAR,
    value DOUBLE, numerator DOUBLE, denominator DOUBLE, target DOUBLE,
    stat_neighbours DOUBLE, region DOUBLE, england DOUBLE, commentary VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

CREATE TABLE IF NOT EXISTS audit_rows (
    audit_id VARCHAR, audit_date DATE, team VARCHAR, service_area VARCHAR, audit_type VARCHAR,
    overall VARCHAR, original_overall VARCHAR, moderated BOOLEAN,
    actions_agreed INTEGER, actions_completed INTEGER,
    theme_strengths VARCHAR, theme_development VARCHAR,
    voice_of_child VARCHAR, identification_of_harm VARCHAR, assessment VARCHAR, planning VARCHAR,
    permanence VARCHAR, multi_agency VARCHAR, management_oversight VARCHAR, relationships VARCHAR,
    outcomes VARCHAR, diversity VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER,
    practice_areas_in_file VARCHAR[]
);
-- Which practice-area columns the audit's file had, so an area left blank or N/A (not judged)
-- is told apart from one the file never asked about. NULL on rows loaded before this column
-- existed: for those, every area counts as asked about, as it did then.
ALTER TABLE audit_rows ADD COLUMN IF NOT EXISTS practice_areas_in_file VARCHAR[];

CREATE TABLE IF NOT EXISTS workforce_rows (
    period DATE, team VARCHAR, service_area VARCHAR,
    social_worker_fte DOUBLE, agency_fte DOUBLE, vacancy_fte DOUBLE, nqsw_fte DOUBLE,
    children_allocated INTEGER, caseload_target DOUBLE, starters DOUBLE, leavers DOUBLE,
    children_open_6m INTEGER, same_worker_6m INTEGER, children_open_12m INTEGER, same_worker_12m INTEGER,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

CREATE TABLE IF NOT EXISTS feedback_rows (
    response_date DATE, respondent VARCHAR, service_area VARCHAR, team VARCHAR, source VARCHAR,
    response_id VARCHAR, question VARCHAR, answer VARCHAR, sentiment VARCHAR,
    comment VARCHAR, theme VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

CREATE TABLE IF NOT EXISTS team_rows (
    team VARCHAR, service_area VARCHAR, caseload_target DOUBLE, active BOOLEAN,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

CREATE TABLE IF NOT EXISTS action_rows (
    action_id VARCHAR, title VARCHAR, owner VARCHAR, due_date DATE, status VARCHAR, rag VARCHAR,
    source VARCHAR, updated DATE,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);
-- The learning loop (qa_dashboard/loop.py): an action's indicators (catalogue codes) and the date
-- it was completed; a case audit's themed audit. NULL on rows loaded before these columns existed.
ALTER TABLE action_rows ADD COLUMN IF NOT EXISTS indicators VARCHAR[];
ALTER TABLE action_rows ADD COLUMN IF NOT EXISTS completed DATE;
ALTER TABLE audit_rows ADD COLUMN IF NOT EXISTS theme VARCHAR;

-- Themed audits: commissioned on a question, often from an indicator. Natural key: theme.
CREATE TABLE IF NOT EXISTS themed_audit_rows (
    theme VARCHAR, indicators VARCHAR[], reason VARCHAR, commissioned DATE, completed DATE,
    status VARCHAR, findings VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

-- Published annual figures ready-made (from any other source). DfE's own files are kept as
-- published in dfe_rows below, and the `benchmarks` view computes their figures from there.
CREATE TABLE IF NOT EXISTS benchmark_rows (
    year INTEGER, indicator VARCHAR, geography_level VARCHAR, area_code VARCHAR,
    area_name VARCHAR, value DOUBLE, upload_id INTEGER, superseded_by INTEGER
);

-- DfE's published statistics (Explore Education Statistics CSVs, qa_dashboard/benchmarks), one
-- row per published cell. `area_key` names the area across ONS code changes: the country or
-- region code, or for an authority its old three-digit code. A joint return (Kingston and
-- Richmond's workforce figures) is kept once per member authority, `joint_return` naming it.
-- A suppressed cell keeps its symbol (c, x, z, low, k, u, :) in `suppressed` and a NULL value.
-- Natural key: publication, year, geographic_level, area_key, breakdown, measure.
CREATE TABLE IF NOT EXISTS dfe_rows (
    publication VARCHAR, year INTEGER, geographic_level VARCHAR, area_key VARCHAR,
    region_code VARCHAR, region_name VARCHAR, old_la_code VARCHAR, new_la_code VARCHAR, la_name VARCHAR,
    joint_return VARCHAR, breakdown VARCHAR, measure VARCHAR, value DOUBLE, suppressed VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

-- DfE's statistical-neighbour model: each authority's nearest neighbours by old three-digit
-- code, `rank` 1 the closest. Natural key: old_la_code, rank.
CREATE TABLE IF NOT EXISTS statistical_neighbours (
    old_la_code VARCHAR, la_name VARCHAR, region_name VARCHAR, rank INTEGER,
    neighbour_old_code VARCHAR, closeness VARCHAR,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

-- Ofsted's ILACS overview (qa_dashboard/ingest/ofsted.py): each authority's latest overall
-- effectiveness as the overview file gives it, by `area_key`, the authority's old three-digit
-- code (or the ONS code the file gave when no DfE file was loaded to match it against). `la_code`
-- and `ons_code` are as the file wrote them. No inspector's name is kept. Natural key: area_key.
CREATE TABLE IF NOT EXISTS ofsted_rows (
    area_key VARCHAR, la_code VARCHAR, ons_code VARCHAR, region_code VARCHAR, local_authority VARCHAR,
    overall_effectiveness VARCHAR, framework VARCHAR, inspection_start DATE, inspection_end DATE,
    published DATE,
    upload_id INTEGER NOT NULL, superseded_by INTEGER
);

-- Every authority's position among all authorities (qa_dashboard/benchmarks/positions.py), per
-- published indicator and year: derived from dfe_rows, statistical_neighbours and the catalogue,
-- and replaced whole inside every load of DfE files and every undo (no upload_id: it is never
-- history, always what the loaded figures say now). Read through the `benchmark_positions` view.
CREATE TABLE IF NOT EXISTS benchmark_position_rows (
    year INTEGER NOT NULL, indicator VARCHAR NOT NULL, area_code VARCHAR NOT NULL, area_name VARCHAR,
    value DOUBLE NOT NULL, rank INTEGER, of_count INTEGER NOT NULL, quartile_band VARCHAR,
    sn_rank INTEGER, sn_of INTEGER, region_rank INTEGER, region_of INTEGER,
    lower_quartile DOUBLE, median DOUBLE, upper_quartile DOUBLE, middle_half VARCHAR
);

-- Reference lists the views join to; refreshed from the package's contract on every write.
CREATE TABLE IF NOT EXISTS grade_scale (grade VARCHAR PRIMARY KEY, grade_rank INTEGER NOT NULL);
-- The indicator_links view's kind for each linked sheet (the catalogue's loop.kinds).
CREATE TABLE IF NOT EXISTS loop_link_kinds (sheet VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS practice_area_catalogue (
    code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, sort_order INTEGER NOT NULL
);

-- Practice analysis written in the app (qa_dashboard/commentary.py): append-only, one row per
-- version, the newest per key (period, scope_kind, key, team, service_area) current, so an edit
-- keeps what was written before. No upload_id: undoing a load never removes commentary.
-- scope_kind is 'indicator' (key: an indicator code) or 'section' (key: a section name).
CREATE TABLE IF NOT EXISTS commentary_rows (
    period DATE NOT NULL, scope_kind VARCHAR NOT NULL, key VARCHAR NOT NULL,
    team VARCHAR, service_area VARCHAR, text VARCHAR NOT NULL, author VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL, version INTEGER NOT NULL
);

-- Comments an officer chose on the Voice page for the board pack (qa_dashboard/chosen_comments.py):
-- append-only, the newest row per comment_key in force (chosen true, or false when taken out
-- again). comment_key is the feedback row's identity (an md5 of its date, respondent, place,
-- source, response reference, question and comment, made in queries/voice_comments.sql), so the
-- comment's text is never copied here and a re-upload of the same row keeps the choice. No
-- upload_id: undoing a load never removes a choice; a comment no longer loaded is simply not shown.
CREATE TABLE IF NOT EXISTS chosen_comments (
    comment_key VARCHAR NOT NULL, chosen BOOLEAN NOT NULL, chosen_by VARCHAR NOT NULL, chosen_at TIMESTAMP NOT NULL
);

-- Ofsted's Annex A (qa_dashboard/annex_a): its figures load as kpi rows; these keep, per load,
-- the extract date and the visit standards used, what each list held, and the data-quality
-- counts (rows with a problem, by list, problem and team). Counts only: never a child's row.
CREATE TABLE IF NOT EXISTS annex_a_uploads (
    upload_id INTEGER NOT NULL, extract_date DATE NOT NULL,
    cp_visit_working_days INTEGER, cin_visit_working_days INTEGER, cla_visit_days INTEGER
);
CREATE TABLE IF NOT EXISTS annex_a_lists (
    upload_id INTEGER NOT NULL, list VARCHAR NOT NULL, title VARCHAR, sheet VARCHAR,
    rows_read INTEGER, rows_used INTEGER, first_month DATE, last_month DATE, teams INTEGER,
    warnings INTEGER, indicators VARCHAR
);
CREATE TABLE IF NOT EXISTS annex_a_quality_rows (
    upload_id INTEGER NOT NULL, list VARCHAR NOT NULL, problem VARCHAR NOT NULL, team VARCHAR, rows INTEGER NOT NULL
);

-- Statistical process control (qa_dashboard/spc.py). An officer's "limits from" a month for an
-- indicator (team NULL: the whole authority): append-only like commentary, the newest version
-- per (indicator, team, month) in force, `removed` true when taken back. No upload_id: undoing a
-- load never removes a rebase. Only words and dates: no child's data.
CREATE TABLE IF NOT EXISTS spc_rebases (
    indicator VARCHAR NOT NULL, team VARCHAR, month DATE NOT NULL, reason VARCHAR NOT NULL,
    author VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL, removed BOOLEAN NOT NULL, version INTEGER NOT NULL
);
-- Every kpi series read by spc.py, one row per point, and each series' latest verdict. Worked
-- out again inside every load, undo and rebase transaction (qa_dashboard/store/spc_tables.py),
-- so they always match the kpi rows in force; the kpi_spc views are read from them.
CREATE TABLE IF NOT EXISTS spc_points (
    period DATE NOT NULL, indicator VARCHAR NOT NULL, team VARCHAR, breakdown VARCHAR, value DOUBLE NOT NULL,
    centre DOUBLE, lower_limit DOUBLE, upper_limit DOUBLE, lower_near DOUBLE, upper_near DOUBLE, target DOUBLE,
    rule VARCHAR, variation VARCHAR NOT NULL, provisional BOOLEAN NOT NULL, limits_from DATE NOT NULL, part INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS spc_latest (
    indicator VARCHAR NOT NULL, team VARCHAR, breakdown VARCHAR, period DATE NOT NULL, value DOUBLE NOT NULL,
    centre DOUBLE, lower_limit DOUBLE, upper_limit DOUBLE, target DOUBLE, rule VARCHAR, variation VARCHAR NOT NULL,
    assurance VARCHAR, points INTEGER NOT NULL, provisional BOOLEAN NOT NULL, limits_from DATE NOT NULL
);

-- The learning loop (qa_dashboard/loop.py), worked out again with the SPC tables inside every
-- load, undo and rebase (qa_dashboard/store/loop_tables.py): each month a series raised a
-- warning as the board would have seen it then, and each linked series' verdict since the latest
-- completed action or themed audit. Words and figures only: no child's data.
CREATE TABLE IF NOT EXISTS loop_warning_rows (
    indicator VARCHAR NOT NULL, team VARCHAR, period DATE NOT NULL, reasons VARCHAR NOT NULL,
    concern BOOLEAN NOT NULL, fails BOOLEAN NOT NULL, red BOOLEAN NOT NULL, band BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS loop_verdict_rows (
    indicator VARCHAR NOT NULL, team VARCHAR, since DATE NOT NULL, kind VARCHAR NOT NULL, reference VARCHAR NOT NULL,
    points_before INTEGER NOT NULL, points_since INTEGER NOT NULL, variation VARCHAR, centre DOUBLE,
    lower_limit DOUBLE, upper_limit DOUBLE, verdict VARCHAR NOT NULL
);
