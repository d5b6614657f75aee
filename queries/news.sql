-- News and announcements; every read filters through visible_news (db/migrations/00016_news.sql).

-- name: CreateNews :one
INSERT INTO news (title, body_md, body_html, author_id, status, publish_at, pinned, requires_ack,
                  remind_after_days, escalate_after_days, audience_roles, audience_partners,
                  audience_regions, audience_cities)
VALUES (@title, @body_md, @body_html, @author_id, @status, sqlc.narg('publish_at'), @pinned, @requires_ack,
        @remind_after_days, @escalate_after_days, @audience_roles::text[], @audience_partners::bigint[],
        @audience_regions::text[], @audience_cities::text[])
RETURNING *;

-- name: UpdateNews :one
UPDATE news SET title = @title, body_md = @body_md, body_html = @body_html, pinned = @pinned,
       requires_ack = @requires_ack, remind_after_days = @remind_after_days,
       escalate_after_days = @escalate_after_days, audience_roles = @audience_roles::text[],
       audience_partners = @audience_partners::bigint[], audience_regions = @audience_regions::text[],
       audience_cities = @audience_cities::text[], updated_at = now()
 WHERE id = @id
RETURNING *;

-- name: PublishNews :one
UPDATE news SET status = 'published', publish_at = @publish_at, updated_at = now()
 WHERE id = @id AND status = 'draft'
RETURNING *;

-- name: ArchiveNews :one
UPDATE news SET status = 'archived', archived_at = now(), updated_at = now(),
       publish_at = coalesce(publish_at, now())
 WHERE id = @id AND status <> 'archived'
RETURNING *;

-- name: GetNews :one
-- An item the caller may open, with the caller's own read and acknowledgement.
SELECT n.*, u.full_name AS author_name, r.read_at, r.acknowledged_at
  FROM news n JOIN users u ON u.id = n.author_id
  LEFT JOIN news_reads r ON r.news_id = n.id AND r.user_id = @caller_id
 WHERE n.id = @id AND n.id IN (SELECT visible_news(@caller_role, @caller_id, @caller_partner));

-- name: GetNewsForAuthor :one
-- An item the caller may edit: any for an admin, their own for a manager.
SELECT n.* FROM news n
 WHERE n.id = @id AND (@caller_role::text = 'admin' OR (@caller_role = 'manager' AND n.author_id = @caller_id));

-- name: ListNewsFeed :many
-- What the caller reads: published, addressed to them, pinned first then newest.
SELECT n.id, n.title, n.body_md, n.pinned, n.requires_ack, n.publish_at, u.full_name AS author_name,
       r.read_at, r.acknowledged_at, count(*) OVER () AS total
  FROM news n JOIN users u ON u.id = n.author_id
  LEFT JOIN news_reads r ON r.news_id = n.id AND r.user_id = @caller_id
 WHERE n.status = 'published' AND n.publish_at <= now()
   AND n.id IN (SELECT visible_news(@caller_role, @caller_id, @caller_partner))
   AND (NOT @unread_only::boolean OR r.read_at IS NULL)
 ORDER BY n.pinned DESC, n.publish_at DESC, n.id DESC
 LIMIT @lim OFFSET @off;

-- name: CountUnreadNews :one
SELECT count(*) AS unread,
       count(*) FILTER (WHERE n.requires_ack) AS unacknowledged
  FROM news n
 WHERE n.status = 'published' AND n.publish_at <= now()
   AND n.id IN (SELECT visible_news(@caller_role, @caller_id, @caller_partner))
   AND NOT EXISTS (SELECT 1 FROM news_reads r WHERE r.news_id = n.id AND r.user_id = @caller_id
                    AND (r.acknowledged_at IS NOT NULL OR NOT n.requires_ack));

-- name: ListNewsForAuthors :many
-- The authors' list: every item for an admin, their own for a manager, drafts included.
SELECT n.id, n.title, n.status, n.pinned, n.requires_ack, n.publish_at, n.created_at, n.archived_at,
       u.full_name AS author_name, count(*) OVER () AS total
  FROM news n JOIN users u ON u.id = n.author_id
 WHERE (@caller_role::text = 'admin' OR n.author_id = @caller_id)
   AND (sqlc.narg('status')::text IS NULL OR n.status = sqlc.narg('status'))
 ORDER BY n.created_at DESC, n.id DESC
 LIMIT @lim OFFSET @off;

-- name: MarkNewsRead :exec
INSERT INTO news_reads (news_id, user_id) VALUES (@news_id, @user_id)
ON CONFLICT (news_id, user_id) DO NOTHING;

-- name: AcknowledgeNews :one
-- The first acknowledgement counts; pressing again keeps its time.
INSERT INTO news_reads (news_id, user_id, acknowledged_at) VALUES (@news_id, @user_id, now())
ON CONFLICT (news_id, user_id) DO UPDATE SET acknowledged_at = coalesce(news_reads.acknowledged_at, now())
RETURNING acknowledged_at;

-- name: NewsAcknowledgements :many
-- Everyone an item is addressed to, with their partner and whether and when they acknowledged.
SELECT u.id AS user_id, u.full_name, u.email, u.role, u.partner_id, p.name AS partner_name,
       coalesce((SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM salons s
                  WHERE s.partner_id = u.partner_id AND s.active), '')::text AS salons,
       r.read_at, r.acknowledged_at
  FROM news_audience(@news_id) a JOIN users u ON u.id = a.user_id
  LEFT JOIN partners p ON p.id = u.partner_id
  LEFT JOIN news_reads r ON r.news_id = @news_id AND r.user_id = u.id
 ORDER BY p.name NULLS FIRST, u.full_name, u.id;

-- name: NewsAckState :one
-- What the reminder workflow decides on: whether the item is still live and who is pending.
SELECT n.status, n.title, n.requires_ack,
       (SELECT count(*) FROM news_audience(n.id) a
         WHERE NOT EXISTS (SELECT 1 FROM news_reads r WHERE r.news_id = n.id AND r.user_id = a.user_id
                            AND r.acknowledged_at IS NOT NULL)) AS pending
  FROM news n WHERE n.id = @id;

-- name: NewsPendingReaders :many
-- Who has not acknowledged yet, with the language they read.
SELECT u.id, u.email, u.full_name, u.locale, u.partner_id
  FROM news_audience(@news_id) a JOIN users u ON u.id = a.user_id
 WHERE NOT EXISTS (SELECT 1 FROM news_reads r WHERE r.news_id = @news_id AND r.user_id = u.id
                    AND r.acknowledged_at IS NOT NULL)
 ORDER BY u.id;

-- name: NewsPendingManagers :many
-- The managers of the salons whose dealers have not acknowledged, with how many are pending.
SELECT m.id, m.email, m.full_name, m.locale, count(DISTINCT u.id) AS pending
  FROM news_audience(@news_id) a JOIN users u ON u.id = a.user_id
  JOIN salons s ON s.partner_id = u.partner_id
  JOIN manager_salons ms ON ms.salon_id = s.id
  JOIN users m ON m.id = ms.manager_id AND m.active
 WHERE u.role = 'dealer'
   AND NOT EXISTS (SELECT 1 FROM news_reads r WHERE r.news_id = @news_id AND r.user_id = u.id
                    AND r.acknowledged_at IS NOT NULL)
 GROUP BY m.id, m.email, m.full_name, m.locale
 ORDER BY m.id;

-- name: UnknownOrForeignPartners :many
-- The audience partners the caller may not address (or that do not exist).
SELECT x::bigint AS id FROM unnest(@ids::bigint[]) x
 WHERE x NOT IN (SELECT visible_partners(@caller_role, @caller_id, @caller_partner));

-- name: NewsAudienceContacts :many
-- Everyone an item is addressed to, with the language they read.
SELECT u.id, u.email, u.full_name, u.locale
  FROM news_audience(@news_id) a JOIN users u ON u.id = a.user_id
 ORDER BY u.id;

-- name: AddNewsAttachment :one
INSERT INTO news_attachments (news_id, cover, file_name, mime, size_bytes, blob_key, created_by)
VALUES (@news_id, @cover, @file_name, @mime, @size_bytes, @blob_key, @created_by)
RETURNING *;

-- name: ClearNewsCover :exec
-- A new cover replaces the old one, which stays as an ordinary attachment.
UPDATE news_attachments SET cover = false WHERE news_id = @news_id AND cover;

-- name: ListNewsAttachments :many
SELECT * FROM news_attachments WHERE news_id = @news_id ORDER BY cover DESC, created_at, id;

-- name: GetNewsAttachment :one
SELECT * FROM news_attachments WHERE news_id = @news_id AND id = @id;

-- name: DeleteNewsAttachment :one
DELETE FROM news_attachments WHERE news_id = @news_id AND id = @id RETURNING *;
