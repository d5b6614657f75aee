-- What the payment stage of a sale reads: the partner's payment terms, who to tell, and the
-- facts the upsell window and the ledger need.

-- name: PartnerPaymentTerms :one
-- How a partner pays: card (prepaid) or invoice with a deferral and a credit limit.
SELECT payment_method, deferral_days, credit_limit_kopecks FROM partners WHERE id = $1;

-- name: UserContact :one
-- Where a notice to a user goes, and the language it is written in.
SELECT email, full_name, locale FROM users WHERE id = $1;

-- name: SalePostingIDs :many
-- The postings of a sale that a cancellation reverses (reversals themselves are not reversed).
SELECT id FROM ledger_postings
 WHERE sale_id = $1 AND kind <> 'reversal'
 ORDER BY posted_at, id;

-- name: SaleWindow :one
-- When a sale was activated and closed: a late upsell is told when its window closed.
SELECT activated_at, closed_at FROM sales WHERE id = $1;
