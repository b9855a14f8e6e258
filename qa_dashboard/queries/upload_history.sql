-- Every load, newest first, for the Upload page's history: who loaded which file when, what
-- it changed, and whether it is still in force or was undone.
SELECT
    upload_id,
    file_name,
    loaded_by,
    loaded_at,
    rows_added,
    rows_superseded,
    CASE status WHEN 'loaded' THEN 'In force' WHEN 'undone' THEN 'Undone' ELSE status END AS status,
    undone_at
FROM uploads
ORDER BY upload_id DESC
LIMIT 500;
