-- The read model of the sale workflows: the projection writes it, the cabinets list and
-- search it. The workflow is the source of truth; the projection never moves a sale back.

-- name: UpsertSale :execrows
-- Writes the whole row at a workflow revision; an older revision (a retried projection that
-- arrives late) changes nothing.
INSERT INTO sales (id, workflow_id, revision, status, contract_number, partner_id, salon_id, seller_id, city,
                   vin, make, model, vehicle_year, mileage_km, engine_power_hp, engine_volume_cc,
                   vehicle_category, vehicle_sold_on, customer_name, customer_phone, customer_email,
                   customer_birth_date, tariff_version_id, tariff_code, term_months, options,
                   gross_kopecks, discount_bp, discount_kopecks, price_kopecks, commission_kopecks,
                   upsell_kopecks, flags, sale_month, created_at, updated_at, submitted_at, approved_at,
                   activated_at, closed_at, cancelled_at)
VALUES (sqlc.arg(id), sqlc.arg(workflow_id), sqlc.arg(revision), sqlc.arg(status), sqlc.narg(contract_number),
        sqlc.arg(partner_id), sqlc.arg(salon_id), sqlc.arg(seller_id), sqlc.arg(city),
        sqlc.arg(vin), sqlc.arg(make), sqlc.arg(model), sqlc.narg(vehicle_year), sqlc.narg(mileage_km),
        sqlc.narg(engine_power_hp), sqlc.narg(engine_volume_cc), sqlc.arg(vehicle_category),
        sqlc.narg(vehicle_sold_on), sqlc.arg(customer_name), sqlc.arg(customer_phone), sqlc.arg(customer_email),
        sqlc.narg(customer_birth_date), sqlc.narg(tariff_version_id), sqlc.arg(tariff_code), sqlc.narg(term_months),
        sqlc.arg(options), sqlc.arg(gross_kopecks), sqlc.arg(discount_bp), sqlc.arg(discount_kopecks),
        sqlc.arg(price_kopecks), sqlc.arg(commission_kopecks), sqlc.arg(upsell_kopecks), sqlc.arg(flags),
        sqlc.arg(sale_month), sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.narg(submitted_at),
        sqlc.narg(approved_at), sqlc.narg(activated_at), sqlc.narg(closed_at), sqlc.narg(cancelled_at))
ON CONFLICT (id) DO UPDATE
   SET revision = EXCLUDED.revision, status = EXCLUDED.status, contract_number = EXCLUDED.contract_number,
       partner_id = EXCLUDED.partner_id, salon_id = EXCLUDED.salon_id, seller_id = EXCLUDED.seller_id,
       city = EXCLUDED.city, vin = EXCLUDED.vin, make = EXCLUDED.make, model = EXCLUDED.model,
       vehicle_year = EXCLUDED.vehicle_year, mileage_km = EXCLUDED.mileage_km,
       engine_power_hp = EXCLUDED.engine_power_hp, engine_volume_cc = EXCLUDED.engine_volume_cc,
       vehicle_category = EXCLUDED.vehicle_category, vehicle_sold_on = EXCLUDED.vehicle_sold_on,
       customer_name = EXCLUDED.customer_name, customer_phone = EXCLUDED.customer_phone,
       customer_email = EXCLUDED.customer_email, customer_birth_date = EXCLUDED.customer_birth_date,
       tariff_version_id = EXCLUDED.tariff_version_id, tariff_code = EXCLUDED.tariff_code,
       term_months = EXCLUDED.term_months, options = EXCLUDED.options, gross_kopecks = EXCLUDED.gross_kopecks,
       discount_bp = EXCLUDED.discount_bp, discount_kopecks = EXCLUDED.discount_kopecks,
       price_kopecks = EXCLUDED.price_kopecks, commission_kopecks = EXCLUDED.commission_kopecks,
       upsell_kopecks = EXCLUDED.upsell_kopecks, flags = EXCLUDED.flags, sale_month = EXCLUDED.sale_month,
       updated_at = EXCLUDED.updated_at, submitted_at = EXCLUDED.submitted_at,
       approved_at = EXCLUDED.approved_at, activated_at = EXCLUDED.activated_at,
       closed_at = EXCLUDED.closed_at, cancelled_at = EXCLUDED.cancelled_at
 WHERE sales.revision < EXCLUDED.revision;

-- name: InsertSaleEvent :exec
-- One history line per revision, so a retried projection writes it once.
INSERT INTO sale_events (sale_id, revision, at, actor_id, actor_name, action, comment, changes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (sale_id, revision) DO NOTHING;

-- name: GetVisibleSale :one
-- A sale the caller may see; one outside the caller's scope answers no rows, as a missing one.
SELECT s.id, s.status, s.contract_number, s.partner_id, s.salon_id, s.seller_id, s.workflow_id,
       sa.name AS salon_name, p.name AS partner_name, s.created_at, s.updated_at
  FROM sales s
  JOIN salons sa ON sa.id = s.salon_id
  JOIN partners p ON p.id = s.partner_id
 WHERE s.id = sqlc.arg(id)
   AND s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)));

-- name: ListSales :many
-- One page, newest first. q matches a VIN (or part of one), a contract number, the customer's
-- phone (normalized by the caller into phone) or a part of the customer's name. Admin and
-- finance skip the scope function; other roles read their salons once into an array, which
-- keeps the planner on the (salon|status|created) indexes — see docs/reports.md for figures.
SELECT s.id, s.status, s.contract_number, s.salon_id, sa.name AS salon_name, s.partner_id,
       p.name AS partner_name, s.vin, s.make, s.model, s.customer_name, s.tariff_code, s.price_kopecks,
       s.created_at
  FROM sales s
  JOIN salons sa ON sa.id = s.salon_id
  JOIN partners p ON p.id = s.partner_id
 WHERE (sqlc.arg(caller_role)::text IN ('admin', 'finance')
        OR s.salon_id = ANY (ARRAY(SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))))
   AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))
   AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(from_at)::timestamptz IS NULL OR s.created_at >= sqlc.narg(from_at))
   AND (sqlc.narg(to_at)::timestamptz IS NULL OR s.created_at < sqlc.narg(to_at))
   AND (sqlc.arg(q)::text = ''
        OR s.vin LIKE '%' || upper(sqlc.arg(q)) || '%'
        OR s.contract_number = upper(sqlc.arg(q))
        OR (sqlc.arg(phone)::text <> '' AND s.customer_phone = sqlc.arg(phone))
        OR s.customer_name ILIKE '%' || sqlc.arg(q) || '%')
 ORDER BY s.created_at DESC, s.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountSales :one
-- The total of the same list, counted up to cap: past it the cabinets show "cap+" instead of
-- scanning every sale for an exact figure nobody pages through.
SELECT count(*) FROM (
  SELECT 1 FROM sales s
   WHERE (sqlc.arg(caller_role)::text IN ('admin', 'finance')
          OR s.salon_id = ANY (ARRAY(SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))))
     AND (sqlc.arg(status)::text = '' OR s.status = sqlc.arg(status))
     AND (sqlc.narg(salon_id)::bigint IS NULL OR s.salon_id = sqlc.narg(salon_id))
     AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
     AND (sqlc.narg(from_at)::timestamptz IS NULL OR s.created_at >= sqlc.narg(from_at))
     AND (sqlc.narg(to_at)::timestamptz IS NULL OR s.created_at < sqlc.narg(to_at))
     AND (sqlc.arg(q)::text = ''
          OR s.vin LIKE '%' || upper(sqlc.arg(q)) || '%'
          OR s.contract_number = upper(sqlc.arg(q))
          OR (sqlc.arg(phone)::text <> '' AND s.customer_phone = sqlc.arg(phone))
          OR s.customer_name ILIKE '%' || sqlc.arg(q) || '%')
   LIMIT sqlc.arg(cap)::int
) AS matching;

-- name: ListApprovals :many
-- The flagged sales waiting for a manager of their salon (admins: all), oldest submitted first.
SELECT s.id, s.status, s.salon_id, sa.name AS salon_name, s.partner_id, p.name AS partner_name,
       s.seller_id, u.full_name AS seller_name, s.vin, s.make, s.model, s.vehicle_category, s.customer_name,
       s.tariff_code, s.term_months, s.price_kopecks, s.discount_bp, s.flags, s.submitted_at, s.created_at,
       count(*) OVER () AS total
  FROM sales s
  JOIN salons sa ON sa.id = s.salon_id
  JOIN partners p ON p.id = s.partner_id
  JOIN users u ON u.id = s.seller_id
 WHERE s.status = 'pending_approval'
   AND s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
 ORDER BY s.submitted_at ASC NULLS LAST, s.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListSaleEvents :many
SELECT revision, at, actor_id, actor_name, action, comment, changes
  FROM sale_events
 WHERE sale_id = $1
 ORDER BY revision;

-- name: VINUnderContract :one
-- Whether another sale of the VIN holds a live contract (awaiting payment or active).
SELECT EXISTS (SELECT 1 FROM sales
                WHERE vin = sqlc.arg(vin) AND id <> sqlc.arg(sale_id)
                  AND status IN ('awaiting_payment', 'active'));

-- name: LatestVINRejection :many
-- The latest rejection of another sale of the VIN (a manager's reason, for the next approver).
-- Many with LIMIT 1, so that no rejection is an empty list rather than an error.
SELECT e.comment, e.at, e.actor_name, s.id AS sale_id
  FROM sales s
  JOIN sale_events e ON e.sale_id = s.id AND e.action = 'rejected'
 WHERE s.vin = sqlc.arg(vin) AND s.id <> sqlc.arg(sale_id) AND s.status = 'rejected'
 ORDER BY e.at DESC, e.id DESC
 LIMIT 1;

-- name: PartnerCommission :one
-- The partner's commission rate, which the tariff step snapshots into the sale.
SELECT commission_bp FROM partners WHERE id = $1;

-- name: RecordProjectionFault :exec
-- A revision PostgreSQL refused: the sale's read model is behind until a later one is stored.
INSERT INTO sale_projection_faults (sale_id, revision, error)
VALUES ($1, $2, $3)
ON CONFLICT (sale_id) DO UPDATE SET revision = EXCLUDED.revision, error = EXCLUDED.error, at = now();

-- name: ClearProjectionFault :exec
DELETE FROM sale_projection_faults WHERE sale_id = $1 AND revision <= $2;

-- name: ListStuckSales :many
SELECT st.sale_id, st.reason, st.since, st.detail, st.stored_revision, st.workflow_revision,
       s.contract_number, s.status, sa.name AS salon_name
  FROM stuck_sales st
  LEFT JOIN sales s ON s.id = st.sale_id
  LEFT JOIN salons sa ON sa.id = s.salon_id
 ORDER BY st.since
 LIMIT $1 OFFSET $2;

-- name: CountStuckSales :many
SELECT reason, count(*)::bigint AS n FROM stuck_sales GROUP BY reason ORDER BY reason;

-- name: UpsertSaleState :execrows
-- The sale's whole state at a workflow revision, written with its row; an older revision
-- changes nothing, so the stored page never moves back.
INSERT INTO sale_states (sale_id, revision, state)
VALUES (sqlc.arg(sale_id), sqlc.arg(revision), sqlc.arg(state))
ON CONFLICT (sale_id) DO UPDATE
   SET revision = EXCLUDED.revision, state = EXCLUDED.state
 WHERE sale_states.revision < EXCLUDED.revision;

-- name: GetSaleState :one
-- The stored state of a sale (the caller has checked that the sale is visible).
SELECT revision, state FROM sale_states WHERE sale_id = $1;
