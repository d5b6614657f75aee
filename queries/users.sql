-- name: GetUserByEmail :one
SELECT * FROM users WHERE lower(email) = lower(sqlc.arg(email)::text);

-- name: GetUser :one
SELECT u.*, p.name AS partner_name
  FROM users u LEFT JOIN partners p ON p.id = u.partner_id
 WHERE u.id = $1;

-- name: ListUsers :many
SELECT u.*, p.name AS partner_name, count(*) OVER () AS total
  FROM users u LEFT JOIN partners p ON p.id = u.partner_id
 WHERE (sqlc.arg(q)::text = '' OR u.email ILIKE '%' || sqlc.arg(q) || '%' OR u.full_name ILIKE '%' || sqlc.arg(q) || '%')
   AND (sqlc.arg(role)::text = '' OR u.role = sqlc.arg(role))
   AND (sqlc.narg(active)::boolean IS NULL OR u.active = sqlc.narg(active))
   AND (sqlc.narg(partner_id)::bigint IS NULL OR u.partner_id = sqlc.narg(partner_id))
 ORDER BY u.created_at DESC, u.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CreateUser :one
INSERT INTO users (email, password_hash, role, partner_id, full_name, phone, locale)
VALUES (lower(btrim(sqlc.arg(email))), sqlc.arg(password_hash), sqlc.arg(role), sqlc.narg(partner_id),
        sqlc.arg(full_name), sqlc.arg(phone), sqlc.arg(locale))
RETURNING id;

-- name: UpdateUser :exec
UPDATE users
   SET full_name = sqlc.arg(full_name), phone = sqlc.arg(phone), role = sqlc.arg(role),
       partner_id = sqlc.narg(partner_id), locale = sqlc.arg(locale), active = sqlc.arg(active),
       updated_at = now()
 WHERE id = sqlc.arg(id);

-- name: UpdateProfile :exec
UPDATE users SET full_name = $2, phone = $3, locale = $4, updated_at = now() WHERE id = $1;

-- name: SetPassword :exec
UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1;

-- name: RecordLoginFailure :one
-- Counts a wrong password; the fifth in a row locks the account for the lock period.
UPDATE users
   SET failed_logins = CASE WHEN failed_logins + 1 >= sqlc.arg(max_failures)::int THEN 0 ELSE failed_logins + 1 END,
       locked_until  = CASE WHEN failed_logins + 1 >= sqlc.arg(max_failures)::int
                            THEN now() + make_interval(secs => sqlc.arg(lock_seconds)::int) ELSE locked_until END
 WHERE id = sqlc.arg(id)
RETURNING locked_until;

-- name: RecordLoginSuccess :exec
UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1;

-- name: ListUserIDsByRole :many
SELECT id FROM users WHERE role = $1 AND active ORDER BY id;

-- name: CountUsers :one
-- The direct channel's system seller (created by a migration) does not count.
SELECT count(*) FROM users u
 WHERE NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = u.partner_id AND p.channel = 'direct');
