SELECT DISTINCT audit_type FROM audits WHERE audit_type IS NOT NULL ORDER BY audit_type;
