-- Where each indicator's figures in the period came from (kpi_sources), for the pack's appendix:
-- one row per indicator and source with the months it gave, the whole authority's figures and
-- the chosen team's ($first_month, $month_after; $team or NULL).
SELECT indicator, source, min(period) AS first_month, max(period) AS last_month
FROM kpi_sources
WHERE breakdown IS NULL AND (team IS NULL OR team = $team)
  AND period >= $first_month AND period < $month_after
GROUP BY indicator, source
ORDER BY indicator, first_month, source;
