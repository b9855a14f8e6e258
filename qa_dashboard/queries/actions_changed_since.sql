-- The improvement plan's changes since the last board pack's day: each current action beside the
-- row in force at the end of that day (the plan loaded that morning was in that pack), from the
-- plan loads kept in the history, where its status or RAG rating differs, or it was not in the
-- plan then. The newest load is the highest upload_id (load times are local and can go back an
-- hour in October). `plan_then` says whether any plan load came by that day at all.
WITH before AS (
    SELECT r.action_id, r.status, r.rag,
           row_number() OVER (PARTITION BY r.action_id ORDER BY r.upload_id DESC) AS newest
    FROM action_rows r
    JOIN upload_log u ON u.upload_id = r.upload_id
    WHERE u.status = 'loaded' AND u.loaded_at < CAST($since AS DATE) + INTERVAL 1 DAY
),
plan_then AS (SELECT count(*) > 0 AS plan_then FROM before)
SELECT a.action_id, a.title, a.owner, b.status AS previous_status, a.status, b.rag AS previous_rag, a.rag,
       plan_then.plan_then
FROM actions a
CROSS JOIN plan_then
LEFT JOIN before b ON b.action_id = a.action_id AND b.newest = 1
WHERE b.action_id IS NULL OR b.status IS DISTINCT FROM a.status OR b.rag IS DISTINCT FROM a.rag
ORDER BY a.action_id;
