-- England comparators for the Workforce page: the england column of the whole-authority KPI
-- rows (by month), and DfE's published England figures in benchmarks (by year ending 31 March).
-- Indicators: agency_worker_pct, caseload_avg, vacancy_pct. No parameters.
SELECT 'scorecard' AS source, indicator, period, NULL::INTEGER AS year, england AS value
FROM kpi_values
WHERE indicator IN ('agency_worker_pct', 'caseload_avg', 'vacancy_pct')
  AND team IS NULL AND breakdown IS NULL AND england IS NOT NULL
UNION ALL
SELECT 'published', indicator, NULL::DATE, year, value
FROM benchmarks
WHERE indicator IN ('agency_worker_pct', 'caseload_avg', 'vacancy_pct')
  AND geography_level = 'England' AND value IS NOT NULL
ORDER BY source, indicator, period, year;
