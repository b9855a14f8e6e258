-- The keys of the comments chosen for the board pack now: each comment's newest choice, kept
-- where it is "chosen" (an officer may take a comment out again).
SELECT comment_key
FROM chosen_comments
QUALIFY row_number() OVER (PARTITION BY comment_key ORDER BY chosen_at DESC) = 1 AND chosen;
