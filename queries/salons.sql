-- name: ListSalons :many
SELECT s.*, p.name AS partner_name, count(*) OVER () AS total
  FROM salons s JOIN partners p ON p.id = s.partner_id
 WHERE s.id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
   AND (sqlc.arg(q)::text = '' OR s.name ILIKE '%' || sqlc.arg(q) || '%' OR s.address ILIKE '%' || sqlc.arg(q) || '%')
   AND (sqlc.narg(partner_id)::bigint IS NULL OR s.partner_id = sqlc.narg(partner_id))
   AND (sqlc.arg(city)::text = '' OR s.city = sqlc.arg(city))
   AND (sqlc.narg(active)::boolean IS NULL OR s.active = sqlc.narg(active))
 ORDER BY s.city, s.name, s.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GetSalon :one
SELECT s.*, p.name AS partner_name
  FROM salons s JOIN partners p ON p.id = s.partner_id
 WHERE s.id = sqlc.arg(id)
   AND s.id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)));

-- name: CreateSalon :one
INSERT INTO salons (partner_id, name, city, region, address, active)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: UpdateSalon :exec
UPDATE salons SET partner_id = $2, name = $3, city = $4, region = $5, address = $6, active = $7, updated_at = now()
 WHERE id = $1;

-- name: ListManagerSalons :many
SELECT s.*, p.name AS partner_name
  FROM manager_salons ms JOIN salons s ON s.id = ms.salon_id JOIN partners p ON p.id = s.partner_id
 WHERE ms.manager_id = $1
 ORDER BY s.city, s.name, s.id;

-- name: UnassignManagerSalons :exec
DELETE FROM manager_salons WHERE manager_id = $1;

-- name: AssignManagerSalons :exec
INSERT INTO manager_salons (manager_id, salon_id)
SELECT sqlc.arg(manager_id)::bigint, unnest(sqlc.arg(salon_ids)::bigint[])
ON CONFLICT DO NOTHING;

-- name: CountExistingSalons :one
SELECT count(*) FROM salons WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: SalonManagers :many
-- Who curates a salon: the managers a flagged sale waits for.
SELECT u.id, u.email, u.full_name FROM manager_salons ms JOIN users u ON u.id = ms.manager_id
 WHERE ms.salon_id = $1 AND u.active ORDER BY u.id;
