-- Every month any dataset covers, with its financial year and quarter (from the view macros),
-- for the period filter.
WITH months AS (
    SELECT period AS month FROM kpi_values
    UNION SELECT month FROM audits
    UNION SELECT period FROM workforce
    UNION SELECT month FROM feedback
)
SELECT month, financial_year(month) AS financial_year, financial_quarter(month) AS quarter,
       financial_quarter_start(month) AS quarter_start
FROM months WHERE month IS NOT NULL
ORDER BY month;
