-- Sales statistics, read from the sales read model. What each figure means is documented on
-- reports.Figures; in short, each figure counts an event in the period that holds its moment:
--   SoldFigures    the sales that became paid contracts (activated_at): count, gross, net,
--                  commission and upsell;
--   DraftFigures   the sales begun (created_at), and how many of them have been paid since;
--   CancelFigures  the sales cancelled (cancelled_at).
--
-- bounds are the edges of the time buckets, ascending: the previous period's buckets, then the
-- current period's, so one pass answers both periods. width_bucket numbers an event's bucket
-- from 1; bounds computed in Go keep days, weeks and months right in the company's zone.
-- Each query reads one covering index (00005_reports.sql) without touching the table. The
-- three run side by side on their own connections and package reports adds them up, so a
-- grouping costs the slowest of them rather than their sum.
--
-- The key of a row is key_id (a salon for the salon, region and manager groupings, a partner)
-- or key_text (a city, tariff or vehicle category); 0 and '' when the grouping does not use
-- them. Names, regions and managers are looked up afterwards for the keys found.
-- The scope skips visible_salons for admin and finance, who see every salon.

-- name: SoldFigures :many
SELECT width_bucket(s.activated_at, sqlc.arg(bounds)::timestamptz[])::int AS bucket,
       coalesce(CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                     WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END, 0)::bigint AS key_id,
       coalesce(CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                     WHEN 'category' THEN s.vehicle_category END, '')::text AS key_text,
       -- one sale's amounts fit an integer (up to 21 million roubles; a cast that does not fit
       -- fails the query rather than the sum): summing integers keeps each group's running
       -- sums in a machine word instead of an allocated 128-bit state, a fifth faster by salon
       count(*) AS sales, sum(s.gross_kopecks::int)::bigint AS gross_kopecks,
       sum(s.price_kopecks::int)::bigint AS net_kopecks, sum(s.commission_kopecks::int)::bigint AS commission_kopecks,
       sum(s.upsell_kopecks::int)::bigint AS upsell_kopecks
  FROM sales s
 WHERE s.activated_at >= (sqlc.arg(bounds)::timestamptz[])[1]
   AND s.activated_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
   AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
   AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
   AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
   AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))
 GROUP BY 1, 2, 3;

-- name: DraftFigures :many
SELECT width_bucket(s.created_at, sqlc.arg(bounds)::timestamptz[])::int AS bucket,
       coalesce(CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                     WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END, 0)::bigint AS key_id,
       coalesce(CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                     WHEN 'category' THEN s.vehicle_category END, '')::text AS key_text,
       count(*) AS drafts, count(s.activated_at) AS converted
  FROM sales s
 WHERE s.created_at >= (sqlc.arg(bounds)::timestamptz[])[1]
   AND s.created_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
   AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
   AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
   AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
   AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))
 GROUP BY 1, 2, 3;

-- name: CancelFigures :many
SELECT width_bucket(s.cancelled_at, sqlc.arg(bounds)::timestamptz[])::int AS bucket,
       coalesce(CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                     WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END, 0)::bigint AS key_id,
       coalesce(CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                     WHEN 'category' THEN s.vehicle_category END, '')::text AS key_text,
       count(*) AS cancellations
  FROM sales s
 WHERE s.cancelled_at >= (sqlc.arg(bounds)::timestamptz[])[1]
   AND s.cancelled_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
   AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
   AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
   AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
   AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))
 GROUP BY 1, 2, 3;

-- name: SalonLabels :many
SELECT id, name, region FROM salons WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: PartnerLabels :many
SELECT id, name FROM partners WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: SalonCurators :many
-- The managers of the salons: a salon curated by two managers counts for each of them.
SELECT ms.salon_id, u.id AS manager_id, u.full_name
  FROM manager_salons ms JOIN users u ON u.id = ms.manager_id
 WHERE ms.salon_id = ANY(sqlc.arg(ids)::bigint[]);
