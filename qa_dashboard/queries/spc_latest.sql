-- Each series' latest SPC verdict (authority and teams, not breakdowns), as kpi_spc_latest shows it.
SELECT indicator, team, period, variation, assurance, points, provisional, limits_from,
       value, centre, lower_limit, upper_limit, target, rule
FROM kpi_spc_latest
ORDER BY indicator, team NULLS FIRST
