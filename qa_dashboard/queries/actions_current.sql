SELECT action_id, title, owner, due_date, status, rag, source, updated
FROM actions
ORDER BY action_id;
