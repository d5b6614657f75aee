-- The monthly closing: which partners close a month, what their statement lists, how the
-- ledger compares with the sales, and the closings register. A month is the half-open
-- interval [period_start, period_end) of the company's calendar, computed by the caller.

-- name: ClosingPartners :many
-- The partners with activity in the month: a contract activated in it, or a ledger posting in
-- it for a sale the read model does not show as activated (which the reconciliation reports).
SELECT DISTINCT active.partner_id::bigint AS partner_id FROM (
    SELECT sa.partner_id FROM sales sa
     WHERE sa.activated_at >= sqlc.arg(period_start)::timestamptz AND sa.activated_at < sqlc.arg(period_end)::timestamptz
    UNION ALL
    SELECT e.partner_id FROM ledger_entries e JOIN sales s ON s.id = e.sale_id
     WHERE e.posted_at >= sqlc.arg(period_start)::timestamptz AND e.posted_at < sqlc.arg(period_end)::timestamptz
       AND e.partner_id IS NOT NULL AND s.activated_at IS NULL
) active
ORDER BY partner_id;

-- name: ClosingPartner :one
-- A partner's requisites as the closing documents print them.
SELECT id, name, inn, kpp, ogrn, legal_address, bank_name, bik, bank_account, corr_account
  FROM partners WHERE id = $1;

-- name: ClosingStatementLines :many
-- The partner's contracts activated in the month and still in force: the lines of the
-- commission statement, with the price and commission after the month's upsells.
SELECT s.id, coalesce(s.contract_number, '')::text AS contract_number, s.activated_at,
       sa.name AS salon_name, s.customer_name, coalesce(tv.name, s.tariff_code)::text AS tariff_name,
       s.price_kopecks, s.commission_kopecks
  FROM sales s
  JOIN salons sa ON sa.id = s.salon_id
  LEFT JOIN tariff_versions tv ON tv.id = s.tariff_version_id
 WHERE s.partner_id = sqlc.arg(partner_id)
   AND s.activated_at >= sqlc.arg(period_start)::timestamptz AND s.activated_at < sqlc.arg(period_end)::timestamptz
   AND s.cancelled_at IS NULL
 ORDER BY s.activated_at, s.contract_number, s.id;

-- name: ClosingLedgerComparison :many
-- For every sale of the partner the month answers for (activated in it, or posted in it without
-- being activated), what the sales say the ledger must hold and what it holds. A contract in
-- force must have its price credited (revenue plus the VAT in it) and its commission owed to
-- the partner; a cancelled or never activated sale must net to zero on both. Ledger sums run
-- over every posting of the sale whenever made (the payment, the month's upsells, a
-- cancellation's reversal), so a posting made a moment after midnight still counts.
WITH period_sales AS (
    SELECT s.id FROM sales s
     WHERE s.partner_id = sqlc.arg(partner_id)
       AND s.activated_at >= sqlc.arg(period_start)::timestamptz AND s.activated_at < sqlc.arg(period_end)::timestamptz
    UNION
    SELECT e.sale_id FROM ledger_entries e JOIN sales s ON s.id = e.sale_id
     WHERE e.partner_id = sqlc.arg(partner_id) AND s.partner_id = sqlc.arg(partner_id)
       AND e.posted_at >= sqlc.arg(period_start)::timestamptz AND e.posted_at < sqlc.arg(period_end)::timestamptz
       AND s.activated_at IS NULL
), ledger AS (
    SELECT e.sale_id,
           coalesce(-sum(e.amount_kopecks) FILTER (WHERE e.account = ANY (sqlc.arg(price_accounts)::text[])), 0)::bigint AS price,
           coalesce(-sum(e.amount_kopecks) FILTER (WHERE e.account = sqlc.arg(commission_account)::text), 0)::bigint AS commission
      FROM ledger_entries e
     WHERE e.partner_id = sqlc.arg(partner_id) AND e.sale_id IN (SELECT id FROM period_sales)
     GROUP BY e.sale_id
)
SELECT s.id, coalesce(s.contract_number, '')::text AS contract_number, s.status, s.activated_at, s.cancelled_at,
       (CASE WHEN s.activated_at IS NULL OR s.cancelled_at IS NOT NULL THEN 0 ELSE s.price_kopecks END)::bigint AS expected_price,
       (CASE WHEN s.activated_at IS NULL OR s.cancelled_at IS NOT NULL THEN 0 ELSE s.commission_kopecks END)::bigint AS expected_commission,
       coalesce(l.price, 0)::bigint AS ledger_price,
       coalesce(l.commission, 0)::bigint AS ledger_commission
  FROM sales s
  JOIN period_sales p ON p.id = s.id
  LEFT JOIN ledger l ON l.sale_id = s.id
 ORDER BY s.activated_at NULLS LAST, s.contract_number, s.id;

-- name: PartnerDealers :many
-- The active dealer users of a partner, who are told their month is closed.
SELECT id, email, full_name, locale FROM users
 WHERE role = 'dealer' AND partner_id = sqlc.arg(partner_id)::bigint AND active
 ORDER BY id;

-- name: StartClosing :exec
-- A partner's closing of a month begins (again): one row per month and partner.
INSERT INTO closings (month, partner_id, status) VALUES ($1, $2, 'in_progress')
ON CONFLICT (month, partner_id) DO UPDATE SET status = 'in_progress', finished_at = NULL;

-- name: SetClosingStatus :exec
UPDATE closings SET status = $3 WHERE month = $1 AND partner_id = $2;

-- name: RecordClosingTotals :exec
-- The reconciliation's outcome: the revenue the sales call for and the revenue the ledger holds.
UPDATE closings SET status = $3, sales_total = $4, ledger_total = $5 WHERE month = $1 AND partner_id = $2;

-- name: FinishClosing :exec
UPDATE closings SET status = $3, finished_at = $4 WHERE month = $1 AND partner_id = $2;

-- name: ListClosings :many
-- The closings register, newest month first, optionally of one month.
SELECT c.month, c.partner_id, p.name AS partner_name, c.status, c.sales_total, c.ledger_total, c.finished_at,
       count(*) OVER () AS total
  FROM closings c JOIN partners p ON p.id = c.partner_id
 WHERE sqlc.narg(month)::date IS NULL OR c.month = sqlc.narg(month)::date
 ORDER BY c.month DESC, c.partner_id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
