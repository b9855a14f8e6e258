-- People heard per financial quarter and respondent type, and all together: distinct people by
-- response_id, else one per anonymous row. Professionals are not children or families, as in
-- heard_by_quarter.sql (the Overview tile), so the two agree. `last_month` is the latest month
-- with feedback in the quarter, to tell a quarter still in progress.
-- Parameters: $first_month, $month_after, $service_area, $team (each a value or NULL).
SELECT quarter_start, quarter, respondent, grouping(respondent) = 1 AS all_respondents,
       count(DISTINCT response_id) + count(*) FILTER (WHERE response_id IS NULL) AS people_heard,
       max(month) AS last_month
FROM feedback
WHERE respondent <> 'Professional'
  AND month >= $first_month AND month < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY GROUPING SETS ((quarter_start, quarter, respondent), (quarter_start, quarter))
ORDER BY quarter_start, all_respondents, respondent;
