-- name: CreateSession :exec
INSERT INTO sessions (token_hash, user_id, ip, user_agent, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: GetSessionUser :one
-- The live session behind a token: not revoked, not expired, and its user still active.
SELECT s.id AS session_id, s.last_seen_at, u.*, p.name AS partner_name
  FROM sessions s
  JOIN users u ON u.id = s.user_id
  LEFT JOIN partners p ON p.id = u.partner_id
 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active;

-- name: TouchSession :exec
UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE id = $1;

-- name: RevokeSession :exec
UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: RevokeUserSessions :execrows
UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL;

-- name: RevokeOtherSessions :execrows
UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL;
