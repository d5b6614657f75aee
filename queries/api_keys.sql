-- name: CreateAPIKey :one
INSERT INTO api_keys (name, prefix, secret_hash, scopes, rate_per_minute, created_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: ListAPIKeys :many
SELECT * FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC;

-- name: GetAPIKey :one
SELECT * FROM api_keys WHERE id = $1;

-- name: GetLiveAPIKeyBySecret :one
-- The key behind a presented secret, unless it was revoked.
SELECT * FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL;

-- name: UpdateAPIKey :one
UPDATE api_keys SET name = $2, scopes = $3, rate_per_minute = $4
 WHERE id = $1 AND revoked_at IS NULL
RETURNING *;

-- name: RotateAPIKey :one
-- A new secret for the same key: the old secret stops working at once.
UPDATE api_keys SET prefix = $2, secret_hash = $3, rotated_at = now()
 WHERE id = $1 AND revoked_at IS NULL
RETURNING *;

-- name: RevokeAPIKey :one
UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
RETURNING *;

-- name: TouchAPIKey :exec
UPDATE api_keys SET last_used_at = now() WHERE id = $1;

-- name: GetDirectChannel :one
-- The system partner of the website's sales, its salon and the seller they are recorded under.
SELECT s.id AS salon_id, s.name AS salon_name, s.city, s.active AS salon_active, p.id AS partner_id,
       p.name AS partner_name, u.id AS seller_id, u.full_name AS seller_name
  FROM partners p
  JOIN salons s ON s.partner_id = p.id
  JOIN users u ON u.partner_id = p.id
 WHERE p.channel = 'direct'
 ORDER BY s.id, u.id
 LIMIT 1;

-- name: RecordConsent :exec
INSERT INTO personal_data_consents (sale_id, api_key_id, text_version, consented_at, customer_ip, caller_ip, user_agent)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ForgetConsent :exec
DELETE FROM personal_data_consents WHERE sale_id = $1;

-- name: KeySaleExists :one
-- Whether the sale was made with this key: a key reads only its own sales.
SELECT EXISTS (SELECT 1 FROM personal_data_consents WHERE sale_id = $1 AND api_key_id = $2);

-- name: ExpireIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND created_at < now() - interval '24 hours';

-- name: ClaimIdempotencyKey :execrows
INSERT INTO idempotency_keys (api_key_id, key, route, request_hash) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE api_key_id = $1 AND key = $2;

-- name: FinishIdempotencyKey :exec
UPDATE idempotency_keys SET status = $3, response = $4 WHERE api_key_id = $1 AND key = $2;

-- name: ReleaseIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND status = 0;
