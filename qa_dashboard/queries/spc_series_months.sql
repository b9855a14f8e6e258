-- The months one indicator has a figure for, for one team or (NULL) the whole authority: a
-- rebase may start only at one of these.
SELECT DISTINCT period
FROM kpi_values
WHERE indicator = ? AND team IS NOT DISTINCT FROM ? AND value IS NOT NULL
ORDER BY period
