-- The themes of the themed audits loaded (an audits row's theme must name one, or one in its file).
SELECT theme FROM themed_audits
