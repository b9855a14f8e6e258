-- The case audits under each themed audit (the audits sheet's theme), every month loaded, for the
-- Audits page's "the audits behind each themed audit".
SELECT a.theme, a.audit_id, a.audit_date, a.team, a.service_area, a.audit_type, a.overall, a.moderated
FROM audits a
WHERE a.theme IS NOT NULL
ORDER BY a.theme, a.audit_date, a.audit_id
