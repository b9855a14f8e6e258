-- Every whole-authority KPI row, and the rows of one team when a team is chosen ($team or NULL),
-- without breakdowns. Pages pick the team's rows where they exist.
SELECT indicator, label, unit, polarity, system_health, sort_order, custom,
       CASE WHEN team IS NULL THEN 'authority' ELSE 'team' END AS scope,
       period, value, numerator, denominator, target, stat_neighbours, region, england, commentary
FROM kpi_values
WHERE breakdown IS NULL AND (team IS NULL OR team = $team)
ORDER BY system_health DESC, sort_order, label, period;
