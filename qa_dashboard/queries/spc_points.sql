-- The XmR chart rows of every indicator for the whole authority, and for one team when a team
-- is chosen ($team or NULL), without breakdowns: every month loaded (the sidebar's period
-- chooses what a page shows, never the limits). One row per point, as kpi_spc holds it.
SELECT indicator, CASE WHEN team IS NULL THEN 'authority' ELSE 'team' END AS scope, period, value,
       centre, lower_limit, upper_limit, lower_near, upper_near, target, rule, variation, provisional, limits_from
FROM kpi_spc
WHERE breakdown IS NULL AND (team IS NULL OR team = $team)
ORDER BY indicator, scope, period
