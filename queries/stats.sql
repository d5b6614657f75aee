-- Sales statistics, read from the sales read model. What each figure means is documented on
-- reports.Figures; in short, each figure counts an event in the period that holds its moment:
--   SoldFigures    the sales that became paid contracts (activated_at): count, gross, net,
--                  commission and upsell;
--   DraftFigures   the sales begun (created_at), and how many of them have been paid since;
--   CancelFigures  the sales cancelled (cancelled_at).
--
-- bounds are the edges of the time buckets, ascending: the previous period's buckets, then the
-- current period's, so one pass answers both periods. width_bucket numbers an event's bucket
-- from 1; bounds computed in Go keep days, weeks and months right in the company's zone. With
-- one bucket a period (three bounds: every dimension grouping) a comparison with the middle
-- bound numbers it the same for less (the CASE folds away when the statement is planned for
-- its arguments).
-- Each query reads one covering index (00005_reports.sql) without touching the table. The
-- three run side by side on their own connections and package reports adds them up, so a
-- grouping costs the slowest of them rather than their sum. Periods of whole months are read
-- from the monthly rollup instead (MonthFigures below) when the filters allow it.
--
-- The key of a row is key_id (a salon for the salon, region and manager groupings, a partner)
-- or key_text (a city, tariff or vehicle category); 0 and '' when the grouping does not use
-- them. The unused key is grouped as NULL and only then turned into 0 or '': hashing and
-- comparing a constant '' in every one of 100,000 rows cost a tenth of the by-salon query.
-- Names, regions and managers are read at the same time as the figures, for every salon (or
-- partner) the caller's scope and filters allow (Scoped* below), and looked up afterwards
-- (SalonLabels, PartnerLabels, SalonCurators) for a key found outside them.
-- The scope skips visible_salons for admin and finance, who see every salon.

-- name: SoldFigures :many
SELECT e.bucket::int AS bucket, coalesce(e.key_id, 0)::bigint AS key_id, coalesce(e.key_text, '')::text AS key_text,
       -- one sale's amounts fit an integer (up to 21 million roubles; a cast that does not fit
       -- fails the query rather than the sum): summing integers keeps each group's running
       -- sums in a machine word instead of an allocated 128-bit state, a fifth faster by salon
       count(*) AS sales, sum(e.gross_kopecks::int)::bigint AS gross_kopecks,
       sum(e.price_kopecks::int)::bigint AS net_kopecks, sum(e.commission_kopecks::int)::bigint AS commission_kopecks,
       sum(e.upsell_kopecks::int)::bigint AS upsell_kopecks
  FROM (SELECT CASE WHEN cardinality(sqlc.arg(bounds)::timestamptz[]) = 3
                        THEN CASE WHEN s.activated_at < (sqlc.arg(bounds)::timestamptz[])[2] THEN 1 ELSE 2 END
                        ELSE width_bucket(s.activated_at, sqlc.arg(bounds)::timestamptz[]) END AS bucket,
               CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                    WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END AS key_id,
               CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                    WHEN 'category' THEN s.vehicle_category END AS key_text,
               s.gross_kopecks, s.price_kopecks, s.commission_kopecks, s.upsell_kopecks
          FROM sales s
         WHERE s.activated_at >= (sqlc.arg(bounds)::timestamptz[])[1]
           AND s.activated_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
           AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
                OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
           AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
           AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
           AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
           AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
           AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))) e
 GROUP BY e.bucket, e.key_id, e.key_text;

-- name: DraftFigures :many
SELECT e.bucket::int AS bucket, coalesce(e.key_id, 0)::bigint AS key_id, coalesce(e.key_text, '')::text AS key_text,
       count(*) AS drafts, count(e.activated_at) AS converted
  FROM (SELECT CASE WHEN cardinality(sqlc.arg(bounds)::timestamptz[]) = 3
                        THEN CASE WHEN s.created_at < (sqlc.arg(bounds)::timestamptz[])[2] THEN 1 ELSE 2 END
                        ELSE width_bucket(s.created_at, sqlc.arg(bounds)::timestamptz[]) END AS bucket,
               CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                    WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END AS key_id,
               CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                    WHEN 'category' THEN s.vehicle_category END AS key_text,
               s.activated_at
          FROM sales s
         WHERE s.created_at >= (sqlc.arg(bounds)::timestamptz[])[1]
           AND s.created_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
           AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
                OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
           AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
           AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
           AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
           AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
           AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))) e
 GROUP BY e.bucket, e.key_id, e.key_text;

-- name: CancelFigures :many
SELECT e.bucket::int AS bucket, coalesce(e.key_id, 0)::bigint AS key_id, coalesce(e.key_text, '')::text AS key_text,
       count(*) AS cancellations
  FROM (SELECT CASE WHEN cardinality(sqlc.arg(bounds)::timestamptz[]) = 3
                        THEN CASE WHEN s.cancelled_at < (sqlc.arg(bounds)::timestamptz[])[2] THEN 1 ELSE 2 END
                        ELSE width_bucket(s.cancelled_at, sqlc.arg(bounds)::timestamptz[]) END AS bucket,
               CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN s.salon_id
                    WHEN sqlc.arg(group_by)::text = 'partner' THEN s.partner_id END AS key_id,
               CASE sqlc.arg(group_by)::text WHEN 'city' THEN s.city WHEN 'tariff' THEN s.tariff_code
                    WHEN 'category' THEN s.vehicle_category END AS key_text,
               s.cancelled_at
          FROM sales s
         WHERE s.cancelled_at >= (sqlc.arg(bounds)::timestamptz[])[1]
           AND s.cancelled_at < (sqlc.arg(bounds)::timestamptz[])[cardinality(sqlc.arg(bounds)::timestamptz[])]
           AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
                OR s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
           AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
           AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
           AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
           AND (sqlc.arg(tariff_code)::text = '' OR s.tariff_code = sqlc.arg(tariff_code))
           AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))) e
 GROUP BY e.bucket, e.key_id, e.key_text;

-- name: MonthFigures :many
-- The same three events read from the monthly rollup (00007_sale_month_figures.sql) instead of
-- the sales: for periods of whole months in the company's zone, without a tariff or status
-- filter, grouped by partner, salon, city, region, manager or month. months are the bounds as
-- dates (the first days of the months), numbered as bounds are. A row is a month of a salon
-- (and the partner and city its sales carry), not yet added up by key: package reports adds
-- the rows of a key up as it adds up the three queries above, which costs less than a hash
-- aggregate here over rows that are nearly one per key already. Rows that count nothing (a
-- sale moved to another salon) are skipped.
SELECT width_bucket(f.month, sqlc.arg(months)::date[])::int AS bucket,
       coalesce(CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN f.salon_id
                     WHEN sqlc.arg(group_by)::text = 'partner' THEN f.partner_id END, 0)::bigint AS key_id,
       coalesce(CASE WHEN sqlc.arg(group_by)::text = 'city' THEN f.city END, '')::text AS key_text,
       f.sales, f.gross_kopecks, f.net_kopecks, f.commission_kopecks, f.upsell_kopecks,
       f.drafts, f.converted, f.cancellations
  FROM sale_month_figures f
 WHERE f.month >= (sqlc.arg(months)::date[])[1]
   AND f.month < (sqlc.arg(months)::date[])[cardinality(sqlc.arg(months)::date[])]
   AND (f.sales <> 0 OR f.drafts <> 0 OR f.cancellations <> 0)
   AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR f.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR f.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR f.salon_id = sqlc.narg(salon_id))
   AND (sqlc.arg(city)::text = '' OR f.city = sqlc.arg(city));

-- name: MonthFiguresSummed :many
-- MonthFigures added up by bucket and key in the query, where that saves many rows: by month
-- (5,000 salons a month are one group) or over periods of several months (a year by salon is
-- 120,000 rows of 10,000 groups).
SELECT m.bucket, coalesce(m.key_id, 0)::bigint AS key_id, coalesce(m.key_text, '')::text AS key_text,
       sum(m.sales)::bigint AS sales, sum(m.gross_kopecks)::bigint AS gross_kopecks,
       sum(m.net_kopecks)::bigint AS net_kopecks, sum(m.commission_kopecks)::bigint AS commission_kopecks,
       sum(m.upsell_kopecks)::bigint AS upsell_kopecks, sum(m.drafts)::bigint AS drafts,
       sum(m.converted)::bigint AS converted, sum(m.cancellations)::bigint AS cancellations
  FROM (SELECT width_bucket(f.month, sqlc.arg(months)::date[])::int AS bucket,
               CASE WHEN sqlc.arg(group_by)::text IN ('salon', 'region', 'manager') THEN f.salon_id
                    WHEN sqlc.arg(group_by)::text = 'partner' THEN f.partner_id END AS key_id,
               CASE WHEN sqlc.arg(group_by)::text = 'city' THEN f.city END AS key_text,
               f.sales, f.gross_kopecks, f.net_kopecks, f.commission_kopecks, f.upsell_kopecks,
               f.drafts, f.converted, f.cancellations
          FROM sale_month_figures f
         WHERE f.month >= (sqlc.arg(months)::date[])[1]
           AND f.month < (sqlc.arg(months)::date[])[cardinality(sqlc.arg(months)::date[])]
           AND (f.sales <> 0 OR f.drafts <> 0 OR f.cancellations <> 0)
           AND (sqlc.arg(caller_role)::text IN ('admin', 'finance')
                OR f.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
           AND (sqlc.narg(partner_id)::bigint IS NULL OR f.partner_id = sqlc.narg(partner_id))
           AND (sqlc.narg(salon_id)::bigint IS NULL OR f.salon_id = sqlc.narg(salon_id))
           AND (sqlc.arg(city)::text = '' OR f.city = sqlc.arg(city))) m
 GROUP BY m.bucket, m.key_id, m.key_text;

-- name: SaleFiguresZone :one
-- The zone the monthly rollup cuts months in.
SELECT sale_figures_zone()::text AS zone;

-- name: SalonLabels :many
SELECT id, name, region FROM salons WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: PartnerLabels :many
SELECT id, name FROM partners WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: SalonCurators :many
-- The managers of the salons: a salon curated by two managers counts for each of them.
SELECT ms.salon_id, u.id AS manager_id, u.full_name
  FROM manager_salons ms JOIN users u ON u.id = ms.manager_id
 WHERE ms.salon_id = ANY(sqlc.arg(ids)::bigint[]);

-- name: ScopedSalonLabels :many
-- The names and regions of the salons the caller's statistics may count, narrowed by the
-- partner and salon filters: read while the figures are counted, for the salon and region
-- groupings.
SELECT sa.id, sa.name, sa.region
  FROM salons sa
 WHERE (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR sa.id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR sa.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR sa.id = sqlc.narg(salon_id));

-- name: ScopedPartnerLabels :many
-- The names of the partners the caller may see, narrowed by the filters: for the partner
-- grouping, read while the figures are counted.
SELECT p.id, p.name
  FROM partners p
 WHERE (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR p.id IN (SELECT visible_partners(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR p.id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR p.id IN (SELECT sa.partner_id FROM salons sa WHERE sa.id = sqlc.narg(salon_id)));

-- name: ScopedSalonCurators :many
-- The managers of the salons the caller's statistics may count, narrowed by the filters: a
-- salon without a manager comes once with a NULL manager_id, so that every salon read is
-- known, with managers or without.
SELECT sa.id AS salon_id, u.id AS manager_id, u.full_name
  FROM salons sa
  LEFT JOIN manager_salons ms ON ms.salon_id = sa.id
  LEFT JOIN users u ON u.id = ms.manager_id
 WHERE (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR sa.id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR sa.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR sa.id = sqlc.narg(salon_id));
