-- The archive of issued PDFs: one row per stored file.

-- name: LockDocumentIssue :exec
-- Serialises issuing one kind of document for one sale (or one partner's statement), so two
-- attempts racing never both render and store; held until the transaction ends.
SELECT pg_advisory_xact_lock(hashtextextended(sqlc.arg(issue_key)::text, 0));

-- name: FindSaleDocument :one
-- The document of a kind a sale already has: a contract is issued once per sale.
SELECT * FROM documents
 WHERE sale_id = sqlc.arg(sale_id) AND kind = sqlc.arg(kind)
 ORDER BY created_at
 LIMIT 1;

-- name: FindIssuedDocument :one
-- The file of this name already issued for the partner (and the sale, when there is one).
SELECT * FROM documents
 WHERE partner_id = sqlc.arg(partner_id) AND sale_id IS NOT DISTINCT FROM sqlc.narg(sale_id)
   AND kind = sqlc.arg(kind) AND file_name = sqlc.arg(file_name)
 ORDER BY created_at
 LIMIT 1;

-- name: InsertDocument :one
INSERT INTO documents (id, sale_id, partner_id, kind, month, blob_key, file_name, mime, size_bytes, sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING *;

-- name: GetDocument :one
SELECT * FROM documents WHERE id = $1;
