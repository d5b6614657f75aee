-- Password reset by e-mail: a single-use token whose SHA-256 only is stored, valid for an hour.

-- name: RequestPasswordReset :one
-- Issues a reset link to an active user with this e-mail, in one statement that runs the same
-- way whether or not the address is known (no user: nothing is written and the answer is
-- false): the user's earlier links are spent, the new token's hash stored, the mail queued in
-- the user's language and the request audited.
WITH target AS (
    SELECT u.id, u.email, u.locale FROM users u
     WHERE lower(u.email) = lower(sqlc.arg(email)::text) AND u.active
), spent AS (
    UPDATE password_reset_tokens prt SET used_at = now()
      FROM target t WHERE prt.user_id = t.id AND prt.used_at IS NULL
    RETURNING prt.id
), issued AS (
    INSERT INTO password_reset_tokens (user_id, token_hash, ip, expires_at)
    SELECT t.id, sqlc.arg(token_hash), sqlc.arg(ip), now() + make_interval(secs => sqlc.arg(ttl_seconds)::int)
      FROM target t
    RETURNING id, user_id
), mailed AS (
    INSERT INTO mail_outbox (to_address, subject, body, kind, dedup_key)
    SELECT t.email,
           CASE WHEN t.locale = 'en' THEN sqlc.arg(subject_en)::text ELSE sqlc.arg(subject_ru)::text END,
           CASE WHEN t.locale = 'en' THEN sqlc.arg(body_en)::text ELSE sqlc.arg(body_ru)::text END,
           'password_reset', 'password_reset:' || i.id
      FROM target t JOIN issued i ON i.user_id = t.id
    RETURNING id
), audited AS (
    INSERT INTO audit_log (actor_id, actor_email, action, entity_type, entity_id, after, request_id, ip)
    SELECT t.id, t.email, 'user.password_reset_requested', 'user', t.id::text,
           jsonb_build_object('expires_in_seconds', sqlc.arg(ttl_seconds)::int), sqlc.arg(request_id), sqlc.arg(ip)
      FROM target t
    RETURNING id
)
-- (a data-modifying WITH runs to completion whether or not the final SELECT reads it)
SELECT (EXISTS (SELECT 1 FROM issued) AND EXISTS (SELECT 1 FROM mailed) AND EXISTS (SELECT 1 FROM audited))::boolean AS issued;

-- name: SpendPasswordReset :one
-- Spends a live token and answers its user; no row: unknown, used, expired, or the user is
-- deactivated.
UPDATE password_reset_tokens prt SET used_at = now()
  FROM users u
 WHERE prt.token_hash = $1 AND prt.used_at IS NULL AND prt.expires_at > now()
   AND u.id = prt.user_id AND u.active
RETURNING u.id, u.email;

-- name: SpendUserPasswordResets :exec
-- After a password change no earlier link of the user may set it again.
UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL;
