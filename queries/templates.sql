-- Document templates: one row per kind, its text in versions; the current version of a kind
-- is its highest published one, and a published version is never edited.

-- name: ListDocumentTemplates :many
SELECT t.id, t.kind, t.name,
       coalesce(cur.version, 0)::integer AS current_version, cur.published_at AS current_published_at,
       coalesce((SELECT max(v.version) FROM document_template_versions v WHERE v.template_id = t.id), 0)::integer
           AS latest_version
  FROM document_templates t
  LEFT JOIN LATERAL (
        SELECT v.version, v.published_at FROM document_template_versions v
         WHERE v.template_id = t.id AND v.published_at IS NOT NULL
         ORDER BY v.version DESC LIMIT 1) cur ON true
 ORDER BY t.id;

-- name: GetDocumentTemplate :one
SELECT * FROM document_templates WHERE kind = $1;

-- name: LockDocumentTemplate :one
-- Serialises new versions of one kind so that version numbers never collide.
SELECT * FROM document_templates WHERE kind = $1 FOR UPDATE;

-- name: EnsureDocumentTemplate :one
INSERT INTO document_templates (kind, name) VALUES ($1, $2)
ON CONFLICT (kind) DO UPDATE SET kind = EXCLUDED.kind
RETURNING *;

-- name: ListDocumentTemplateVersions :many
SELECT v.*, u.email AS created_by_email
  FROM document_template_versions v
  JOIN document_templates t ON t.id = v.template_id
  LEFT JOIN users u ON u.id = v.created_by
 WHERE t.kind = $1
 ORDER BY v.version DESC;

-- name: GetDocumentTemplateVersion :one
SELECT v.* FROM document_template_versions v
  JOIN document_templates t ON t.id = v.template_id
 WHERE t.kind = sqlc.arg(kind) AND v.version = sqlc.arg(version);

-- name: CurrentDocumentTemplateVersion :one
SELECT v.* FROM document_template_versions v
  JOIN document_templates t ON t.id = v.template_id
 WHERE t.kind = $1 AND v.published_at IS NOT NULL
 ORDER BY v.version DESC
 LIMIT 1;

-- name: NextDocumentTemplateVersion :one
SELECT (coalesce(max(version), 0) + 1)::integer FROM document_template_versions WHERE template_id = $1;

-- name: CreateDocumentTemplateVersion :one
INSERT INTO document_template_versions (template_id, version, title, body, published_at, created_by)
VALUES (sqlc.arg(template_id), sqlc.arg(version), sqlc.arg(title), sqlc.arg(body), sqlc.narg(published_at),
        sqlc.narg(created_by))
RETURNING *;

-- name: PublishDocumentTemplateVersion :one
-- Publishing stamps a draft once; an already published version is left as it is.
UPDATE document_template_versions SET published_at = now()
 WHERE id = $1 AND published_at IS NULL
RETURNING *;
