-- What the database holds: current rows per dataset and the latest month each covers,
-- written as a person says it ("March 2026"). Actions, teams, DfE's figures and Ofsted's
-- judgements (one row per authority) have no month.
SELECT dataset, row_count, coalesce(strftime(latest, '%B %Y'), '') AS latest_month
FROM (
    SELECT 1 AS sort_order, 'KPI figures' AS dataset, count(*) AS row_count, max(period) AS latest FROM kpi_values
    UNION ALL SELECT 2, 'Audits', count(*), max(month) FROM audits
    UNION ALL SELECT 3, 'Audit judgements', count(*), max(month) FROM audit_judgements
    UNION ALL SELECT 4, 'Workforce rows', count(*), max(period) FROM workforce
    UNION ALL SELECT 5, 'Feedback rows', count(*), max(month) FROM feedback
    UNION ALL SELECT 6, 'Actions', count(*), NULL FROM actions
    UNION ALL SELECT 7, 'Teams', count(*), NULL FROM teams
    UNION ALL SELECT 8, 'Published DfE figures', count(*), NULL FROM benchmarks
    UNION ALL SELECT 9, 'Ofsted judgements', count(*), NULL FROM ofsted_judgements
)
ORDER BY sort_order;
