-- Breakdown rows (e.g. first-time against repeat assessments) of one indicator, for the whole
-- authority or one team (? = indicator, team or NULL).
SELECT period, breakdown, value, numerator, denominator, target
FROM kpi_values
WHERE indicator = ? AND breakdown IS NOT NULL AND team IS NOT DISTINCT FROM ?
ORDER BY breakdown, period;
