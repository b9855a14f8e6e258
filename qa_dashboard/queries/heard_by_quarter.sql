-- Children and families heard per financial quarter: distinct people by response_id, else one
-- per anonymous row. Professionals are not counted as children or families.
SELECT quarter_start, quarter,
       count(DISTINCT response_id) + count(*) FILTER (WHERE response_id IS NULL) AS people_heard
FROM feedback
WHERE respondent <> 'Professional'
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY ALL
ORDER BY quarter_start;
