-- Work items go to tasks (mail to the outbox, queries/mail.sql); both are deduplicated by a
-- key the workflow makes, so a retried activity notifies once. A mail queued for a user is also
-- their in-app notification, and is kept only if they want that kind by mail: the trigger
-- notice_from_mail() on mail_outbox (db/migrations/00011_notifications.sql) does both, for
-- whoever queues it.

-- name: ActiveUsersByRole :many
SELECT id, email, full_name, locale FROM users WHERE role = $1 AND active ORDER BY id;

-- name: CreateTask :exec
-- A work item for one person (assignee_id) or, with no assignee, for every user of the role
-- who may see its sale.
INSERT INTO tasks (assignee_id, role, kind, sale_id, payment_id, partner_id, link, title, dedup_key)
VALUES (sqlc.narg(assignee_id), sqlc.arg(role), sqlc.arg(kind), sqlc.narg(sale_id), sqlc.narg(payment_id),
        sqlc.narg(partner_id), sqlc.arg(link), sqlc.arg(title), sqlc.narg(dedup_key))
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

-- name: PaymentTaskFacts :one
-- What a task about a payment names: its sale and contract.
SELECT p.sale_id, p.purpose, COALESCE(s.contract_number, '')::text AS contract_number, s.customer_name
  FROM payments p JOIN sales s ON s.id = p.sale_id
 WHERE p.id = $1;

-- --- the notification centre: every read is the caller's own and scoped by notice_visible --

-- name: ListNotifications :many
SELECT n.id, n.kind, n.title, n.body, n.link, n.sale_id, n.created_at, n.read_at, count(*) OVER () AS total
  FROM notifications n
 WHERE n.user_id = sqlc.arg(caller_id)
   AND (NOT sqlc.arg(unread_only)::boolean OR n.read_at IS NULL)
   AND notice_visible(n.sale_id, NULL, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))
 ORDER BY n.created_at DESC, n.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: NotificationSummary :one
-- The bell's figures: unread notices, open tasks, sales waiting for the caller's approval, and
-- the newest notice (so a new notice changes the answer even when a read one kept the count).
SELECT
    (SELECT count(*) FROM notifications n
      WHERE n.user_id = sqlc.arg(caller_id) AND n.read_at IS NULL
        AND notice_visible(n.sale_id, NULL, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))::bigint AS unread,
    (SELECT count(*) FROM tasks t
      WHERE t.done_at IS NULL
        AND (t.assignee_id = sqlc.arg(caller_id) OR (t.assignee_id IS NULL AND t.role = sqlc.arg(caller_role)))
        AND notice_visible(t.sale_id, t.partner_id, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner)))::bigint AS open_tasks,
    (SELECT count(*) FROM sales s
      WHERE s.status = 'pending_approval' AND sqlc.arg(caller_role)::text IN ('manager', 'admin')
        AND s.salon_id IN (SELECT visible_salons(sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))))::bigint AS approvals_waiting,
    (SELECT COALESCE(max(n.id), 0) FROM notifications n WHERE n.user_id = sqlc.arg(caller_id))::bigint AS latest_id;

-- name: MarkNotificationRead :one
-- Marks one of the caller's notices read (again is fine); no row: not the caller's.
UPDATE notifications n SET read_at = COALESCE(n.read_at, now())
 WHERE n.id = sqlc.arg(id) AND n.user_id = sqlc.arg(caller_id)
   AND notice_visible(n.sale_id, NULL, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))
RETURNING n.id, n.kind, n.title, n.body, n.link, n.sale_id, n.created_at, n.read_at;

-- name: MarkAllNotificationsRead :execrows
UPDATE notifications n SET read_at = now()
 WHERE n.user_id = sqlc.arg(caller_id) AND n.read_at IS NULL
   AND notice_visible(n.sale_id, NULL, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner));

-- name: ListTasks :many
-- The caller's tasks and their role's unassigned ones, open first, newest first.
SELECT t.id, t.kind, t.title, t.link, t.sale_id, t.payment_id, t.partner_id, t.role, t.assignee_id,
       t.created_at, t.done_at, COALESCE(d.full_name, '')::text AS done_by_name, count(*) OVER () AS total
  FROM tasks t LEFT JOIN users d ON d.id = t.done_by
 WHERE (t.assignee_id = sqlc.arg(caller_id)::bigint OR (t.assignee_id IS NULL AND t.role = sqlc.arg(caller_role)))
   AND (sqlc.narg(done)::boolean IS NULL OR (t.done_at IS NOT NULL) = sqlc.narg(done)::boolean)
   AND notice_visible(t.sale_id, t.partner_id, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))
 ORDER BY (t.done_at IS NULL) DESC, t.created_at DESC, t.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CompleteTask :one
-- Marks a task of the caller done (a task already done keeps who and when); no row: not theirs.
UPDATE tasks t SET done_at = COALESCE(t.done_at, now()),
                   done_by = CASE WHEN t.done_at IS NULL THEN sqlc.arg(caller_id)::bigint ELSE t.done_by END
 WHERE t.id = sqlc.arg(id)
   AND (t.assignee_id = sqlc.arg(caller_id) OR (t.assignee_id IS NULL AND t.role = sqlc.arg(caller_role)))
   AND notice_visible(t.sale_id, t.partner_id, sqlc.arg(caller_role), sqlc.arg(caller_id), sqlc.arg(caller_partner))
RETURNING t.id, t.kind, t.title, t.link, t.sale_id, t.payment_id, t.partner_id, t.role, t.assignee_id,
          t.created_at, t.done_at, t.done_by;

-- --- mail preferences ------------------------------------------------------------------------

-- name: MailPreferences :many
-- The kinds a user has chosen about; the others are mailed (mail_wanted()).
SELECT kind, mail FROM notification_preferences WHERE user_id = $1 ORDER BY kind;

-- name: SetMailPreference :exec
INSERT INTO notification_preferences (user_id, kind, mail) VALUES ($1, $2, $3)
ON CONFLICT (user_id, kind) DO UPDATE SET mail = EXCLUDED.mail, updated_at = now();
