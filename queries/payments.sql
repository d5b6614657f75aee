-- name: CreatePayment :exec
-- A retried activity passes the same id, so the second insert is a no-op.
INSERT INTO payments (id, sale_id, partner_id, purpose, method, status, amount_kopecks, pay_token, due_on)
VALUES (sqlc.arg(id), sqlc.arg(sale_id), sqlc.arg(partner_id), sqlc.arg(purpose), sqlc.arg(method), 'pending',
        sqlc.arg(amount_kopecks), sqlc.narg(pay_token), sqlc.narg(due_on))
ON CONFLICT (id) DO NOTHING;

-- name: GetPayment :one
SELECT sqlc.embed(p), coalesce(s.contract_number, '')::text AS contract_number,
       coalesce((SELECT jsonb_agg(jsonb_build_object('n', a.n, 'at', a.at, 'result', a.result,
                                                     'decline_code', a.decline_code, 'provider_ref', a.provider_ref)
                                  ORDER BY a.n)
                   FROM payment_attempts a WHERE a.payment_id = p.id), '[]')::jsonb AS attempt_list
  FROM payments p JOIN sales s ON s.id = p.sale_id
 WHERE p.id = $1;

-- name: GetPaymentByToken :one
SELECT sqlc.embed(p), coalesce(s.contract_number, '')::text AS contract_number,
       coalesce((SELECT jsonb_agg(jsonb_build_object('n', a.n, 'at', a.at, 'result', a.result,
                                                     'decline_code', a.decline_code, 'provider_ref', a.provider_ref)
                                  ORDER BY a.n)
                   FROM payment_attempts a WHERE a.payment_id = p.id), '[]')::jsonb AS attempt_list
  FROM payments p JOIN sales s ON s.id = p.sale_id
 WHERE p.pay_token = $1;

-- name: LockPaymentByToken :one
-- Serialises charges of one payment: a double-clicked pay button charges once.
SELECT * FROM payments WHERE pay_token = $1 FOR UPDATE;

-- name: GetPaymentByProviderRef :one
-- The payment whose latest attempt is the provider's intent (webhooks without our metadata).
SELECT * FROM payments WHERE provider_ref = $1 ORDER BY created_at DESC LIMIT 1;

-- name: ListPayments :many
-- The finance view: every payment the caller may see, with its attempts, newest first.
-- from_at is inclusive, to_at exclusive.
SELECT sqlc.embed(p), pr.name AS partner_name, coalesce(s.contract_number, '')::text AS contract_number,
       coalesce((SELECT jsonb_agg(jsonb_build_object('n', a.n, 'at', a.at, 'result', a.result,
                                                     'decline_code', a.decline_code, 'provider_ref', a.provider_ref)
                                  ORDER BY a.n)
                   FROM payment_attempts a WHERE a.payment_id = p.id), '[]')::jsonb AS attempt_list,
       count(*) OVER () AS total
  FROM payments p
  JOIN partners pr ON pr.id = p.partner_id
  JOIN sales s ON s.id = p.sale_id
 WHERE p.partner_id IN (SELECT visible_partners(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
   AND (sqlc.arg(status)::text = '' OR p.status = sqlc.arg(status))
   AND (sqlc.arg(method)::text = '' OR p.method = sqlc.arg(method))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR p.partner_id = sqlc.narg(partner_id))
   AND (sqlc.narg(from_at)::timestamptz IS NULL OR p.created_at >= sqlc.narg(from_at))
   AND (sqlc.narg(to_at)::timestamptz IS NULL OR p.created_at < sqlc.narg(to_at))
 ORDER BY p.created_at DESC, p.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: AddPaymentAttempt :one
-- Idempotent by key: a retried activity gets the attempt it created before. An attempt recorded
-- before its intent existed gets the intent's reference; a known reference is never replaced.
-- The payment follows its newest attempt only, so a late retry of an older one cannot move it back.
WITH a AS (
    INSERT INTO payment_attempts (payment_id, n, idempotency_key, provider_ref)
    VALUES (sqlc.arg(payment_id), sqlc.arg(n), sqlc.arg(idempotency_key), sqlc.arg(provider_ref))
    ON CONFLICT (idempotency_key) DO UPDATE
       SET provider_ref = CASE WHEN payment_attempts.provider_ref = '' THEN excluded.provider_ref
                               ELSE payment_attempts.provider_ref END
    RETURNING *
), p AS (
    UPDATE payments
       SET attempts = a.n, provider = sqlc.arg(provider), provider_ref = a.provider_ref, updated_at = now()
      FROM a
     WHERE payments.id = a.payment_id AND a.n >= payments.attempts
    RETURNING payments.id
)
SELECT a.id, a.payment_id, a.n, a.idempotency_key, a.provider_ref, a.result, a.decline_code, a.at FROM a;

-- name: GetLatestAttempt :one
SELECT * FROM payment_attempts WHERE payment_id = $1 ORDER BY n DESC LIMIT 1;

-- name: GetAttemptByRef :one
SELECT * FROM payment_attempts WHERE payment_id = $1 AND provider_ref = $2;

-- name: SetAttemptResult :one
-- A succeeded or voided attempt is final: a late or replayed decline cannot undo a payment.
UPDATE payment_attempts SET result = sqlc.arg(result), decline_code = sqlc.arg(decline_code), at = sqlc.arg(at)
 WHERE payment_id = sqlc.arg(payment_id) AND n = sqlc.arg(n) AND result NOT IN ('succeeded', 'voided')
RETURNING *;

-- name: VoidOpenAttempt :execrows
UPDATE payment_attempts a SET result = 'voided', at = now()
  FROM payments p
 WHERE p.provider_ref = sqlc.arg(provider_ref) AND a.payment_id = p.id
   AND a.provider_ref = sqlc.arg(provider_ref) AND a.result = 'pending';

-- name: SetPaymentStatus :execrows
-- Moves a payment along pending → retrying → failed, or ends it; a payment that succeeded can
-- only be refunded, and a refunded or voided one never changes again.
UPDATE payments SET status = sqlc.arg(status), next_retry_at = sqlc.narg(next_retry_at), updated_at = now()
 WHERE id = sqlc.arg(id)
   AND (status IN ('pending', 'retrying', 'failed')
        OR (status = 'succeeded' AND sqlc.arg(status) IN ('succeeded', 'refunded')));

-- name: MarkPaymentPaid :execrows
-- Idempotent: the first paid_at and reference stand.
UPDATE payments
   SET status = 'succeeded', paid_at = coalesce(paid_at, sqlc.arg(paid_at)::timestamptz),
       reference = CASE WHEN reference = '' THEN sqlc.arg(reference) ELSE reference END,
       next_retry_at = NULL, updated_at = now()
 WHERE id = sqlc.arg(id) AND status IN ('pending', 'retrying', 'failed', 'succeeded');

-- name: UnpaidInvoicesTotal :one
-- What a partner owes on invoices not yet paid: the credit-limit check adds the new price to it.
SELECT coalesce(sum(amount_kopecks), 0)::bigint
  FROM payments
 WHERE partner_id = $1 AND method = 'invoice' AND purpose <> 'refund'
   AND status IN ('pending', 'retrying', 'failed');

-- name: InsertWebhookEvent :execrows
INSERT INTO webhook_events (event_id, provider, type) VALUES ($1, $2, $3)
ON CONFLICT (event_id) DO NOTHING;

-- name: AttemptResult :one
-- What PostgreSQL recorded for an attempt: the pay page and the verified webhook record the
-- result before they signal the sale, so the workflow believes only a result found here.
SELECT result FROM payment_attempts WHERE payment_id = $1 AND n = $2;
