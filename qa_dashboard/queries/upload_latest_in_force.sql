-- The load "undo the latest load" would undo: the newest one still in force.
SELECT upload_id, file_name, loaded_by, loaded_at, rows_added, rows_superseded
FROM uploads
WHERE status = 'loaded'
ORDER BY upload_id DESC
LIMIT 1;
