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
