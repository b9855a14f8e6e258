-- Every version written in the app for one month, scope kind, key, team and service area,
-- newest first: an edit keeps the versions before it.
SELECT period, scope_kind, key, team, service_area, text, author, written_at, version
FROM commentary_rows
WHERE period = ? AND scope_kind = ? AND key = ?
  AND team IS NOT DISTINCT FROM ? AND service_area IS NOT DISTINCT FROM ?
ORDER BY version DESC;
