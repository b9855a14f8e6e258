-- The teams with figures for one indicator, for a refusal's sentence.
SELECT DISTINCT team FROM kpi_values WHERE indicator = ? AND team IS NOT NULL AND value IS NOT NULL ORDER BY team
