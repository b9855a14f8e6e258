-- "What we did and what moved": each series' verdict since its latest completed linked action or
-- themed audit, with the indicator's label, in catalogue order.
SELECT v.indicator, c.label, v.team, v.since, v.kind, v.reference, v.points_before, v.points_since,
       v.variation, v.centre, v.lower_limit, v.upper_limit, v.verdict
FROM loop_verdicts v LEFT JOIN indicator_catalogue c ON c.code = v.indicator
ORDER BY c.sort_order, v.indicator, v.team NULLS FIRST
