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
INSERT INTO users (email, password_hash, role, partner_id, full_name, phone, locale, active)
VALUES (lower(btrim(sqlc.arg(email))), sqlc.arg(password_hash), sqlc.arg(role), sqlc.narg(partner_id),
        sqlc.arg(full_name), sqlc.arg(phone), sqlc.arg(locale), sqlc.arg(active))
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

-- name: TakeLoginSlot :one
-- Counts a password check as a failure before bcrypt runs, in one statement, so that guesses
-- sent at once cannot all find the account unlocked: at most max_failures checks are under
-- way or failed in a row. No row: the account is locked, or that many checks are under way.
UPDATE users SET failed_logins = failed_logins + 1
 WHERE id = sqlc.arg(id) AND failed_logins < sqlc.arg(max_failures)::int
   AND (locked_until IS NULL OR locked_until <= now())
RETURNING failed_logins;

-- name: LockAfterFailedLogin :one
-- A check failed: when max_failures are counted in a row, the account is locked for the lock
-- period (and the count starts again for the next period). No row: not locked by this one.
UPDATE users
   SET locked_until = now() + make_interval(secs => sqlc.arg(lock_seconds)::int), failed_logins = 0
 WHERE id = sqlc.arg(id) AND failed_logins >= sqlc.arg(max_failures)::int
   AND (locked_until IS NULL OR locked_until <= now())
RETURNING locked_until;

-- name: RecordLoginSuccess :execrows
-- A right password clears the count, unless a lock was set while it was being checked: then
-- nothing changes and no row is counted (the sign-in is refused).
UPDATE users SET failed_logins = 0, last_login_at = now()
 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now());

-- name: ChangeOwnPassword :execrows
-- The user's own change after their current password was checked: refused (no row) when a
-- lock was set while it was being checked.
UPDATE users SET password_hash = $2, failed_logins = 0, updated_at = now()
 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now());

-- name: ListUserIDsByRole :many
SELECT id FROM users WHERE role = $1 AND active ORDER BY id;

-- name: CountUsers :one
-- The direct channel's system seller (created by a migration) does not count.
SELECT count(*) FROM users u
 WHERE NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = u.partner_id AND p.channel = 'direct');
