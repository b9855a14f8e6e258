-- Survey answers by month, every month loaded, for the chosen service area and team
-- ($service_area, $team: each a value or NULL): positive answers and the answers counted
-- (positive, neutral and negative; "don't know" and blank answers are left out, as on the rest
-- of the Voice page). A month without answers has no row (a gap, never 0%).
SELECT month,
       count(*) FILTER (WHERE sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment IN ('positive', 'neutral', 'negative')) AS answered
FROM feedback
WHERE question IS NOT NULL
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY month
HAVING count(*) FILTER (WHERE sentiment IN ('positive', 'neutral', 'negative')) > 0
ORDER BY month;
