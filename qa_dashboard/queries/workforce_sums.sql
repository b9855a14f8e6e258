-- Workforce sums by month for each team, each service area and the whole selection, in one pass
-- (GROUPING SETS). Only sums and counts here: every ratio on the Workforce page is a ratio of
-- these sums, worked out in qa_dashboard/workforce.py, never a mean of the teams' ratios.
-- A figure some teams leave blank is summed over the teams that gave it, and the FTE it is
-- divided by is summed over the same teams (the *_known columns), so a blank never counts as 0.
-- Parameters: $first_month (the period's start less 5 months, for rolling six-month sums),
-- $month_after (the month after the last), $service_area and $team (each a value or NULL).
SELECT CASE WHEN grouping(service_area) = 1 THEN 'selection'
            WHEN grouping(team) = 1 THEN 'service area'
            ELSE 'team' END AS level,
       period,
       CASE WHEN grouping(service_area) = 0 THEN service_area END AS service_area,
       CASE WHEN grouping(team) = 0 THEN team END AS team,
       count(*) AS teams,
       sum(children_allocated) AS children_allocated,
       sum(social_worker_fte) AS social_worker_fte,
       sum(agency_fte) AS agency_fte,
       sum(social_worker_fte) FILTER (WHERE agency_fte IS NOT NULL) AS fte_agency_known,
       sum(nqsw_fte) AS nqsw_fte,
       sum(social_worker_fte) FILTER (WHERE nqsw_fte IS NOT NULL) AS fte_nqsw_known,
       sum(vacancy_fte) AS vacancy_fte,
       sum(social_worker_fte) FILTER (WHERE vacancy_fte IS NOT NULL) AS fte_vacancy_known,
       sum(caseload_target * social_worker_fte) AS target_times_fte,
       sum(social_worker_fte) FILTER (WHERE caseload_target IS NOT NULL) AS fte_target_known,
       min(caseload_target) AS target_lowest,
       max(caseload_target) AS target_highest,
       sum(starters) AS starters,
       sum(leavers) AS leavers,
       count(*) FILTER (WHERE starters IS NOT NULL OR leavers IS NOT NULL) AS teams_reporting_moves,
       sum(children_open_6m) FILTER (WHERE same_worker_6m IS NOT NULL) AS children_open_6m,
       sum(same_worker_6m) FILTER (WHERE children_open_6m IS NOT NULL) AS same_worker_6m,
       sum(children_open_12m) FILTER (WHERE same_worker_12m IS NOT NULL) AS children_open_12m,
       sum(same_worker_12m) FILTER (WHERE children_open_12m IS NOT NULL) AS same_worker_12m
FROM workforce
WHERE period >= $first_month AND period < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY GROUPING SETS ((period), (period, service_area), (period, service_area, team))
ORDER BY period, level, service_area, team;
