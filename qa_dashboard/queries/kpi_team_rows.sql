-- One indicator's figures team by team (? = indicator), without breakdowns.
SELECT k.period, k.team, coalesce(t.service_area, 'Unassigned') AS service_area, k.value,
       k.numerator, k.denominator, k.target
FROM kpi_values k LEFT JOIN teams t USING (team)
WHERE k.indicator = ? AND k.team IS NOT NULL AND k.breakdown IS NULL
ORDER BY k.team, k.period;
