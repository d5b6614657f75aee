-- name: ListPartners :many
SELECT p.*, parent.name AS parent_name,
       (SELECT count(*) FROM salons s WHERE s.partner_id = p.id) AS salons_count,
       count(*) OVER () AS total
  FROM partners p LEFT JOIN partners parent ON parent.id = p.parent_id
 WHERE p.id IN (SELECT visible_partners(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))
   AND (sqlc.arg(q)::text = '' OR p.name ILIKE '%' || sqlc.arg(q) || '%' OR p.inn = sqlc.arg(q))
   AND (sqlc.arg(status)::text = '' OR p.status = sqlc.arg(status))
   AND (sqlc.narg(parent_id)::bigint IS NULL OR p.parent_id = sqlc.narg(parent_id))
 ORDER BY p.name, p.id
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GetPartner :one
SELECT p.*, parent.name AS parent_name,
       (SELECT count(*) FROM salons s WHERE s.partner_id = p.id) AS salons_count
  FROM partners p LEFT JOIN partners parent ON parent.id = p.parent_id
 WHERE p.id = sqlc.arg(id)
   AND p.id IN (SELECT visible_partners(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)));

-- name: CreatePartner :one
INSERT INTO partners (name, inn, kpp, ogrn, legal_address, bank_name, bik, bank_account, corr_account,
                      parent_id, status, commission_bp, payment_method, deferral_days, credit_limit_kopecks)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id;

-- name: UpdatePartner :exec
UPDATE partners
   SET name = $2, inn = $3, kpp = $4, ogrn = $5, legal_address = $6, bank_name = $7, bik = $8,
       bank_account = $9, corr_account = $10, parent_id = $11, status = $12, commission_bp = $13,
       payment_method = $14, deferral_days = $15, credit_limit_kopecks = $16, updated_at = now()
 WHERE id = $1;

-- name: PartnerExistsByINN :one
SELECT EXISTS (SELECT 1 FROM partners WHERE inn = $1 AND id <> sqlc.arg(except_id));

-- name: PartnerIsInNetworkOf :one
-- True when candidate is root itself or below it: such a parent would make a cycle.
SELECT EXISTS (SELECT 1 FROM partner_network(sqlc.arg(root)::bigint) AS n WHERE n = sqlc.arg(candidate)::bigint);

-- name: PartnerStatuses :many
-- The status of each partner named, for the rule that only an active partner opens, submits
-- and prices new sales.
SELECT id, name, status FROM partners WHERE id = ANY(sqlc.arg(ids)::bigint[]) ORDER BY id;
