-- Survey answers per financial quarter, question, respondent and service area, counted by
-- sentiment. "Don't know" and asked-but-blank answers (sentiment 'excluded') are counted here
-- and kept out of the denominator by qa_dashboard/voice.py. Comment-only rows have no question
-- and are not answers. Parameters: first month, month after the last, service area (twice),
-- team (twice).
SELECT quarter_start, quarter, question, respondent,
       coalesce(service_area, 'Unassigned') AS service_area,
       count(*) FILTER (WHERE sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
       count(*) FILTER (WHERE sentiment = 'negative') AS negative,
       count(*) FILTER (WHERE sentiment = 'excluded') AS excluded
FROM feedback
WHERE question IS NOT NULL
  AND month >= ? AND month < ?
  AND (? IS NULL OR service_area = ?) AND (? IS NULL OR team = ?)
GROUP BY ALL
ORDER BY quarter_start, question, respondent, service_area;
