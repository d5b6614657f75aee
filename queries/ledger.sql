-- name: InsertLedgerPosting :one
-- No row comes back when the key was posted before (or by a concurrent transaction that
-- committed first): the caller then reads the existing posting's id.
INSERT INTO ledger_postings (id, idempotency_key, sale_id, partner_id, kind, memo)
VALUES (sqlc.arg(id), sqlc.arg(idempotency_key), sqlc.narg(sale_id), sqlc.narg(partner_id), sqlc.arg(kind), sqlc.arg(memo))
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id, posted_at;

-- name: GetLedgerPostingIDByKey :one
SELECT id FROM ledger_postings WHERE idempotency_key = $1;

-- name: InsertLedgerEntries :exec
INSERT INTO ledger_entries (posting_id, account, amount_kopecks, partner_id, sale_id, posted_at)
-- Two unnests in one select list advance together, pairing each account with its amount.
SELECT sqlc.arg(posting_id)::uuid, unnest(sqlc.arg(accounts)::text[]), unnest(sqlc.arg(amounts)::bigint[]),
       sqlc.narg(partner_id)::bigint, sqlc.narg(sale_id)::uuid, sqlc.arg(posted_at)::timestamptz;

-- name: GetLedgerPosting :one
SELECT * FROM ledger_postings WHERE id = $1;

-- name: ListLedgerEntries :many
SELECT * FROM ledger_entries WHERE posting_id = $1 ORDER BY id;
