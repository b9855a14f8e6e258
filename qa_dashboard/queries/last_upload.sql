-- The most recent load still in force (an undone load no longer counts).
SELECT file_name, loaded_by, loaded_at, rows_added, rows_superseded
FROM uploads
WHERE status = 'loaded'
ORDER BY loaded_at DESC, upload_id DESC
LIMIT 1;
