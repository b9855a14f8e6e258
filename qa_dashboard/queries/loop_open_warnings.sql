-- Each series' warning still open (raised in the month of its latest figure), the first month of
-- its run of warnings, and how many months it has gone without a linked themed audit or action
-- (months_unanswered NULL when one is under way, or was started or completed since the run began).
WITH figures AS (
    SELECT k.indicator, k.team, k.period, w.period IS NOT NULL AS warned
    FROM kpi_values k LEFT JOIN early_warnings w
      ON w.indicator = k.indicator AND w.team IS NOT DISTINCT FROM k.team AND w.period = k.period
    WHERE k.value IS NOT NULL AND k.breakdown IS NULL),
runs AS (
    SELECT indicator, team, max(period) AS latest, max(period) FILTER (WHERE NOT warned) AS last_quiet
    FROM figures GROUP BY ALL),
open AS (
    SELECT w.indicator, w.team, w.period, w.reasons,
           (SELECT min(f.period) FROM figures f WHERE f.indicator = w.indicator AND f.team IS NOT DISTINCT FROM w.team
              AND (r.last_quiet IS NULL OR f.period > r.last_quiet)) AS first_period
    FROM early_warnings w JOIN runs r
      ON r.indicator = w.indicator AND r.team IS NOT DISTINCT FROM w.team AND r.latest = w.period)
SELECT o.indicator, c.label, o.team, o.period, o.reasons, o.first_period,
       CASE WHEN EXISTS (SELECT 1 FROM indicator_links l WHERE l.indicator = o.indicator
                           AND (l.completed IS NULL OR l.completed >= o.first_period OR l.started >= o.first_period))
            THEN NULL ELSE date_diff('month', o.first_period, o.period) END AS months_unanswered
FROM open o LEFT JOIN indicator_catalogue c ON c.code = o.indicator
ORDER BY c.sort_order, o.indicator, o.team NULLS FIRST
