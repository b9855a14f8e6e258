-- Where the chosen authority stands for one indicator and year (? = indicator code, ? = year
-- ending 31 March): itself, its statistical neighbours and the authorities of its region, each
-- with its published figure, highest first, as DfE's own dashboard ranks them. The chosen
-- authority is listed even when its figure is suppressed (value NULL); others only with a figure.
-- position_among_neighbours ranks the authority and its neighbours together (1 = highest);
-- position_in_region ranks the region's authorities.
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code),
neighbours AS (
    SELECT n.neighbour_old_code AS old_la_code, n.rank AS neighbour_rank, n.closeness
    FROM statistical_neighbours n JOIN chosen c ON c.old_la_code = n.old_la_code
    WHERE n.superseded_by IS NULL),
members AS (
    SELECT a.old_la_code, a.new_la_code, a.la_name, a.region_name,
           a.old_la_code = c.old_la_code AS is_authority,
           n.old_la_code IS NOT NULL AS is_neighbour,
           a.region_code IS NOT DISTINCT FROM c.region_code AS in_region,
           n.neighbour_rank, n.closeness
    FROM dfe_authorities a CROSS JOIN chosen c LEFT JOIN neighbours n ON n.old_la_code = a.old_la_code
    WHERE a.old_la_code = c.old_la_code OR n.old_la_code IS NOT NULL OR a.region_code = c.region_code),
figures AS (
    SELECT m.*, f.value
    FROM members m LEFT JOIN dfe_figures f
      ON f.geographic_level = 'Local authority' AND f.area_key = m.old_la_code AND f.indicator = ? AND f.year = ?
    WHERE f.value IS NOT NULL OR m.is_authority)
SELECT new_la_code AS area_code, la_name AS area_name, region_name, value, is_authority, is_neighbour, in_region,
       neighbour_rank, closeness,
       CASE WHEN (is_authority OR is_neighbour) AND value IS NOT NULL THEN
           rank() OVER (PARTITION BY (is_authority OR is_neighbour) AND value IS NOT NULL ORDER BY value DESC) END
           AS position_among_neighbours,
       CASE WHEN in_region AND value IS NOT NULL THEN
           rank() OVER (PARTITION BY in_region AND value IS NOT NULL ORDER BY value DESC) END AS position_in_region
FROM figures
ORDER BY value DESC NULLS LAST, area_name;
