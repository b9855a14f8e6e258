-- What a practice analysis box is opened on: the newest version of one month's commentary for
-- one scope (written in the app or uploaded in a KPI sheet), and how many versions the app has
-- written. A save compares them with the ones it was opened on, so it never replaces a
-- colleague's newer words unseen.
WITH written AS (
    SELECT coalesce(max(version), 0) AS versions
    FROM commentary_rows
    WHERE period = $period AND scope_kind = $scope_kind AND key = $key
      AND team IS NOT DISTINCT FROM $team AND service_area IS NOT DISTINCT FROM $service_area)
SELECT written.versions, c.period, c.scope_kind, c.key, c.team, c.service_area, c.text, c.author, c.written_at,
       c.source
FROM written LEFT JOIN commentary c
  ON c.period = $period AND c.scope_kind = $scope_kind AND c.key = $key
 AND c.team IS NOT DISTINCT FROM $team AND c.service_area IS NOT DISTINCT FROM $service_area;
