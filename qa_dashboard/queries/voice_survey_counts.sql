-- Survey answers per financial quarter, question, respondent and service area, counted by
-- sentiment. "Don't know" and asked-but-blank answers (sentiment 'excluded') are counted here
-- and kept out of the denominator by qa_dashboard/voice.py. Comment-only rows have no question
-- and are not answers. Parameters: $first_month, $month_after, $service_area, $team
-- (each a value or NULL).
SELECT quarter_start, quarter, question, respondent,
       coalesce(service_area, 'Unassigned') AS service_area,
       count(*) FILTER (WHERE sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
       count(*) FILTER (WHERE sentiment = 'negative') AS negative,
       count(*) FILTER (WHERE sentiment = 'excluded') AS excluded
FROM feedback
WHERE question IS NOT NULL
  AND month >= $first_month AND month < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
GROUP BY ALL
ORDER BY quarter_start, question, respondent, service_area;
