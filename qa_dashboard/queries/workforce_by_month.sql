-- Workforce sums by month for the chosen service area and team ($service_area, $team: each a value or NULL).
-- Sums, so caseload and agency share are ratios of sums, never means of team ratios.
SELECT period,
       sum(children_allocated) AS children_allocated,
       sum(social_worker_fte) AS social_worker_fte,
       sum(agency_fte) FILTER (WHERE agency_fte IS NOT NULL) AS agency_fte,
       sum(social_worker_fte) FILTER (WHERE agency_fte IS NOT NULL) AS fte_with_agency_known,
       count(*) AS teams
FROM workforce
WHERE ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY period
ORDER BY period;
