-- Each indicator's latest SPC verdict for the whole authority, and for one team when a team is
-- chosen ($team or NULL), as kpi_spc_latest holds it.
SELECT indicator, CASE WHEN team IS NULL THEN 'authority' ELSE 'team' END AS scope, period, variation,
       assurance, points, provisional, limits_from, value, centre, lower_limit, upper_limit, target, rule
FROM kpi_spc_latest
WHERE team IS NULL OR team = $team
ORDER BY indicator, scope
