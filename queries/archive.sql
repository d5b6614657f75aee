-- The finance view of payments and the accounting archive of documents (issue 4). Both are
-- scoped in SQL by the caller, as sales are: through the sale's salon (visible_salons), and
-- for a partner's own documents that belong to no sale, through visible_partners.

-- name: ListFinancePayments :many
-- The payments the caller may see, each with every attempt and whether it is an invoice past
-- its due date on today (the company's calendar day). payment_id narrows it to one payment
-- (the scoped look-up of a single payment); overdue_only keeps the overdue invoices.
-- sort_by: 'attention' lists failed, then retrying, then overdue payments first; 'due' lists
-- by due date, oldest first; anything else newest first. from_at is inclusive, to_at exclusive.
SELECT sqlc.embed(p), pr.name AS partner_name, coalesce(s.contract_number, '')::text AS contract_number,
       coalesce((SELECT jsonb_agg(jsonb_build_object('n', a.n, 'at', a.at, 'result', a.result,
                                                     'decline_code', a.decline_code, 'provider_ref', a.provider_ref)
                                  ORDER BY a.n)
                   FROM payment_attempts a WHERE a.payment_id = p.id), '[]')::jsonb AS attempt_list,
       o.overdue::bool AS overdue,
       count(*) OVER () AS total
  FROM payments p
  JOIN partners pr ON pr.id = p.partner_id
  JOIN sales s ON s.id = p.sale_id
 CROSS JOIN LATERAL (
       SELECT coalesce(p.method = 'invoice' AND p.purpose <> 'refund'
                       AND p.status IN ('pending', 'retrying', 'failed')
                       AND p.due_on < sqlc.arg(today)::date, false) AS overdue) o
 WHERE s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
   AND (sqlc.narg(payment_id)::uuid IS NULL OR p.id = sqlc.narg(payment_id))
   AND (sqlc.arg(status)::text = '' OR p.status = sqlc.arg(status))
   AND (sqlc.arg(method)::text = '' OR p.method = sqlc.arg(method))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR p.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(from_at)::timestamptz IS NULL OR p.created_at >= sqlc.narg(from_at))
   AND (sqlc.narg(to_at)::timestamptz IS NULL OR p.created_at < sqlc.narg(to_at))
   AND (NOT sqlc.arg(overdue_only)::bool OR o.overdue)
 ORDER BY CASE WHEN sqlc.arg(sort_by)::text = 'attention' THEN
                   CASE p.status WHEN 'failed' THEN 0 WHEN 'retrying' THEN 1 ELSE 2 + (NOT o.overdue)::int END
          END,
          CASE WHEN sqlc.arg(sort_by)::text = 'due' THEN p.due_on END,
          p.created_at DESC, p.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListArchiveDocuments :many
-- The accounting archive as the caller may see it: a sale's documents through the sale's salon
-- (admin and finance all, a dealer their network's, a manager their assigned salons'), and
-- a partner's documents of no sale (monthly statements) to admin, finance and the partner's
-- network. document_id narrows it to one document (the scoped look-up before a download).
-- Newest first.
SELECT d.id, d.kind, d.file_name, d.partner_id, pr.name AS partner_name, d.sale_id,
       s.contract_number, d.month, d.size_bytes, d.sha256, d.created_at, d.voided_at,
       count(*) OVER () AS total
  FROM documents d
  JOIN partners pr ON pr.id = d.partner_id
  LEFT JOIN sales s ON s.id = d.sale_id
 WHERE CASE WHEN d.sale_id IS NOT NULL
            THEN s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
            ELSE sqlc.arg(caller_role)::text <> 'manager'
                 AND d.partner_id IN (SELECT visible_partners(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
       END
   AND (sqlc.narg(document_id)::uuid IS NULL OR d.id = sqlc.narg(document_id))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR d.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(month)::date IS NULL OR d.month = sqlc.narg(month))
   AND (sqlc.arg(kind)::text = '' OR d.kind = sqlc.arg(kind))
   AND (sqlc.narg(sale_id)::uuid IS NULL OR d.sale_id = sqlc.narg(sale_id))
 ORDER BY d.created_at DESC, d.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
