-- The practice analysis in force for each indicator or section in the months ? to ? (both
-- included): the newest month's that has any, for exactly one scope (team ?, service area ?;
-- NULL = the whole authority). Optional filters: scope kind ? and key ? (NULL = all).
SELECT period, scope_kind, key, team, service_area, text, author, written_at, source
FROM commentary
WHERE period >= ? AND period <= ?
  AND team IS NOT DISTINCT FROM ? AND service_area IS NOT DISTINCT FROM ?
  AND (CAST(? AS VARCHAR) IS NULL OR scope_kind = ?) AND (CAST(? AS VARCHAR) IS NULL OR key = ?)
QUALIFY row_number() OVER (PARTITION BY scope_kind, key ORDER BY period DESC, written_at DESC) = 1
ORDER BY scope_kind, key;
