-- Where the system-health tiles' figures came from (kpi_sources), for the Overview: the whole
-- authority's figures, or one team's ($team or NULL), every system-health indicator together.
SELECT s.period, s.team, s.source
FROM kpi_sources s JOIN indicator_catalogue c ON c.code = s.indicator
WHERE c.system_health AND s.breakdown IS NULL AND (s.team IS NULL OR s.team = $team)
ORDER BY s.period;
