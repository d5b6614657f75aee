-- name: InsertAudit :exec
INSERT INTO audit_log (actor_id, actor_email, action, entity_type, entity_id, before, after, request_id, ip)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: ListAudit :many
SELECT a.*, count(*) OVER () AS total
  FROM audit_log a
 WHERE (sqlc.narg(actor_id)::bigint IS NULL OR a.actor_id = sqlc.narg(actor_id))
   AND (sqlc.arg(entity_type)::text = '' OR a.entity_type = sqlc.arg(entity_type))
   AND (sqlc.arg(entity_id)::text = '' OR a.entity_id = sqlc.arg(entity_id))
   AND (sqlc.arg(action)::text = '' OR a.action = sqlc.arg(action))
   AND (sqlc.narg(from_at)::timestamptz IS NULL OR a.at >= sqlc.narg(from_at))
   AND (sqlc.narg(to_at)::timestamptz IS NULL OR a.at < sqlc.narg(to_at))
 ORDER BY a.at DESC, a.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
