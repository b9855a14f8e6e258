-- Every team named anywhere, with its service area (from the teams sheet where listed).
WITH named AS (
    SELECT team, service_area FROM teams
    UNION SELECT team, service_area FROM audits
    UNION SELECT team, service_area FROM workforce
    UNION SELECT team, service_area FROM feedback WHERE team IS NOT NULL
    UNION SELECT k.team, t.service_area FROM kpi_values k LEFT JOIN teams t USING (team) WHERE k.team IS NOT NULL
)
SELECT team, coalesce(max(service_area), 'Unassigned') AS service_area
FROM named WHERE team IS NOT NULL
GROUP BY team
ORDER BY service_area, team;
