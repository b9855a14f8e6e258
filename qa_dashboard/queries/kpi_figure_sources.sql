-- Where each figure of one indicator came from (kpi_sources): `Annex A, extract of 15 March 2021`
-- or the file's name; the whole authority's figures, or one team's ($indicator; $team or NULL).
SELECT period, team, source
FROM kpi_sources
WHERE indicator = $indicator AND breakdown IS NULL AND (team IS NULL OR team = $team)
ORDER BY period;
