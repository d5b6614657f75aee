-- The mail outbox (package mail): queued by mail.Queue, delivered by mail.Sender, read and
-- sent again on the admin's «Почта» page. See db/migrations/00010_mail_delivery.sql for the
-- states a message goes through.

-- name: QueueMail :many
-- One rendered message; a dedup key already queued adds nothing (and returns no row), so a
-- retried activity mails once. A message that can never be sent (a malformed address) is
-- recorded failed at once, with the reason, for the admin to see.
INSERT INTO mail_outbox (to_address, subject, body, html_body, kind, locale, user_id, sale_id, attachments, dedup_key,
                         status, last_error, failed_at)
VALUES (sqlc.arg(to_address), sqlc.arg(subject), sqlc.arg(body), sqlc.arg(html_body), sqlc.arg(kind),
        sqlc.arg(locale), sqlc.narg(user_id), sqlc.narg(sale_id), sqlc.arg(attachments)::uuid[], sqlc.arg(dedup_key),
        sqlc.arg(status), sqlc.arg(last_error), CASE WHEN sqlc.arg(status)::text = 'failed' THEN now() END)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id;

-- name: ClaimDueMail :many
-- Claims up to lim messages that are due — queued and past their next attempt, or claimed by
-- a sender whose lease ran out (it died mid-send) — for lease_seconds, and counts the
-- attempt. SKIP LOCKED lets several workers claim side by side, each its own rows.
UPDATE mail_outbox m
   SET status = 'sending', attempts = m.attempts + 1,
       claimed_until = now() + make_interval(secs => sqlc.arg(lease_seconds)::float8), updated_at = now()
 WHERE m.id IN (SELECT d.id FROM mail_outbox d
                 WHERE (d.status = 'queued' AND d.next_attempt_at <= now())
                    OR (d.status = 'sending' AND d.claimed_until < now())
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT sqlc.arg(lim)
                 FOR UPDATE SKIP LOCKED)
RETURNING m.id, m.to_address, m.subject, m.body, m.html_body, m.kind, m.locale, m.attachments, m.attempts;

-- name: MarkMailSent :execrows
-- The server took the message. Only the claim that sent it (its attempt) records it.
UPDATE mail_outbox
   SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = sqlc.arg(server_answer), updated_at = now()
 WHERE id = sqlc.arg(id) AND status = 'sending' AND attempts = sqlc.arg(attempt);

-- name: MarkMailRetry :execrows
-- A temporary failure (4xx, the network): queued again for a later attempt.
UPDATE mail_outbox
   SET status = 'queued', next_attempt_at = sqlc.arg(next_attempt_at), claimed_until = NULL,
       last_error = sqlc.arg(last_error), updated_at = now()
 WHERE id = sqlc.arg(id) AND status = 'sending' AND attempts = sqlc.arg(attempt);

-- name: MarkMailFailed :execrows
-- A permanent failure (5xx, a bad address, a document gone) or retries given up: final until
-- an admin sends it again.
UPDATE mail_outbox
   SET status = 'failed', failed_at = now(), claimed_until = NULL, last_error = sqlc.arg(last_error), updated_at = now()
 WHERE id = sqlc.arg(id) AND status = 'sending' AND attempts = sqlc.arg(attempt);

-- name: NextMailDue :one
-- When the sender next has something to do: the earliest attempt or lease end of the mail
-- not yet finished; an hour from now when there is none (a new message wakes it anyway).
SELECT COALESCE(min(CASE WHEN status = 'sending' THEN claimed_until ELSE next_attempt_at END),
                now() + interval '1 hour')::timestamptz AS due_at
  FROM mail_outbox
 WHERE status IN ('queued', 'sending');

-- name: ListMail :many
-- The admin's «Почта» page: newest first, filtered by status, kind and a search in the
-- recipient and subject (taken literally: an address's "_" is no wildcard).
SELECT m.id, m.to_address, m.subject, m.kind, m.locale, m.status, m.attempts, m.last_error,
       cardinality(m.attachments)::int AS attachment_count, m.sale_id, m.created_at, m.next_attempt_at,
       m.sent_at, m.failed_at, left(m.body, 300)::text AS preview, count(*) OVER () AS total
  FROM mail_outbox m
 WHERE (sqlc.arg(status)::text = '' OR m.status = sqlc.arg(status))
   AND (sqlc.arg(kind)::text = '' OR m.kind = sqlc.arg(kind))
   AND (sqlc.arg(search)::text = '' OR strpos(lower(m.to_address), lower(sqlc.arg(search))) > 0
        OR strpos(lower(m.subject), lower(sqlc.arg(search))) > 0)
 ORDER BY m.created_at DESC, m.id DESC
 LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GetMail :one
SELECT id, to_address, subject, body, html_body, kind, locale, status, attempts, last_error, attachments,
       sale_id, user_id, dedup_key, created_at, next_attempt_at, sent_at, failed_at, updated_at
  FROM mail_outbox
 WHERE id = $1;

-- name: RequeueFailedMail :one
-- An admin sends a failed message again: queued now, with a fresh count of attempts (the
-- audit log keeps the old one). Mail that is not failed is left as it is (no row).
UPDATE mail_outbox
   SET status = 'queued', attempts = 0, next_attempt_at = now(), failed_at = NULL, updated_at = now()
 WHERE id = $1 AND status = 'failed'
RETURNING id, status, attempts, last_error, next_attempt_at;

-- name: MailAttachmentDocuments :many
-- The archived documents a message carries, for the «Почта» page.
SELECT id, kind, file_name, size_bytes FROM documents WHERE id = ANY(sqlc.arg(ids)::uuid[]);

-- name: SaleMailFacts :one
-- What the mails about a sale say and whom they go to: the customer, the dealer who sold it
-- (with the language they read), the car and where it was sold.
SELECT s.id, COALESCE(s.contract_number, '')::text AS contract_number, s.customer_name, s.customer_email,
       s.make, s.model, s.vin, s.seller_id, u.email AS seller_email, u.locale AS seller_locale, u.active AS seller_active,
       sa.name AS salon_name, p.name AS partner_name
  FROM sales s
  JOIN users u ON u.id = s.seller_id
  JOIN salons sa ON sa.id = s.salon_id
  JOIN partners p ON p.id = s.partner_id
 WHERE s.id = $1;

-- name: PaymentMailFacts :one
-- The amount and purpose of a payment a mail is about.
SELECT amount_kopecks, purpose, method FROM payments WHERE id = $1;
