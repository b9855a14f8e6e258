-- Actions whose status the latest improvement-plan load changed: each current row beside the
-- row it superseded.
WITH latest AS (SELECT max(upload_id) AS upload_id FROM action_rows WHERE superseded_by IS NULL)
SELECT a.action_id, a.title, a.owner, p.status AS previous_status, a.status, a.rag, u.loaded_at
FROM action_rows a
JOIN action_rows p ON p.action_id = a.action_id AND p.superseded_by = a.upload_id
JOIN latest ON a.upload_id = latest.upload_id
JOIN upload_log u ON u.upload_id = a.upload_id
WHERE a.superseded_by IS NULL AND p.status IS DISTINCT FROM a.status
ORDER BY a.action_id;
