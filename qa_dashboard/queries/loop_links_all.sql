-- Every themed audit and action linked to an indicator, with the indicator's label, for the board
-- pack's "Early warnings and the learning loop".
SELECT l.indicator, c.label, l.kind, l.reference, l.title, l.started, l.completed, l.status, l.rag
FROM indicator_links l LEFT JOIN indicator_catalogue c ON c.code = l.indicator
ORDER BY c.sort_order, l.indicator, coalesce(l.completed, l.started) NULLS LAST, l.kind, l.reference
