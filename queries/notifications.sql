-- Work items go to tasks (mail to the outbox, queries/mail.sql); both are deduplicated by a
-- key the workflow makes, so a retried activity notifies once.

-- name: ActiveUsersByRole :many
SELECT id, email, full_name, locale FROM users WHERE role = $1 AND active ORDER BY id;

-- name: CreateTask :exec
INSERT INTO tasks (assignee_id, role, kind, sale_id, title, dedup_key)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (dedup_key) DO NOTHING;

-- name: SaleNoticeFacts :one
-- What a notice about a sale says: the car and where it is sold.
SELECT s.vin, s.make, s.model, s.customer_name, sa.name AS salon_name, p.name AS partner_name
  FROM sales s JOIN salons sa ON sa.id = s.salon_id JOIN partners p ON p.id = s.partner_id
 WHERE s.id = $1;

-- name: SalonApprovers :many
-- The active managers of a salon, who decide on its flagged sales, with the language they read.
SELECT u.id, u.email, u.full_name, u.locale
  FROM manager_salons ms JOIN users u ON u.id = ms.manager_id
 WHERE ms.salon_id = $1 AND u.active
 ORDER BY u.id;
