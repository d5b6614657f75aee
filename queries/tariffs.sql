-- name: CreateTariff :one
INSERT INTO tariffs (code) VALUES ($1) RETURNING id;

-- name: CreatePublishedTariffVersion :one
INSERT INTO tariff_versions (tariff_id, version, name, coverage, terms, price_rules, eligibility, created_by, published_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
RETURNING id;

-- The current version of a tariff is its highest published version already in force
-- (valid_from ≤ now). A sale keeps the version id it was rated with, and a published version
-- is never edited, so an old sale can always be re-priced with its own rules.

-- name: GetCurrentTariffVersion :one
SELECT tv.*, t.code
  FROM tariff_versions tv JOIN tariffs t ON t.id = tv.tariff_id
 WHERE t.code = $1 AND tv.published_at IS NOT NULL AND tv.valid_from <= now()
 ORDER BY tv.version DESC
 LIMIT 1;

-- name: GetTariffVersion :one
-- A version by its id, as a sale records it.
SELECT tv.*, t.code
  FROM tariff_versions tv JOIN tariffs t ON t.id = tv.tariff_id
 WHERE tv.id = $1;

-- name: ListCurrentTariffVersions :many
SELECT cur.*, t.code,
       (SELECT max(v.version) FROM tariff_versions v WHERE v.tariff_id = t.id)::integer AS latest_version
  FROM tariffs t
  JOIN LATERAL (
        SELECT tv.* FROM tariff_versions tv
         WHERE tv.tariff_id = t.id AND tv.published_at IS NOT NULL AND tv.valid_from <= now()
         ORDER BY tv.version DESC LIMIT 1) cur ON true
 ORDER BY t.id;

-- name: ListUnpublishedTariffs :many
-- Tariffs an admin created that have no version in force yet, with their latest version.
SELECT last.*, t.code
  FROM tariffs t
  JOIN LATERAL (
        SELECT tv.* FROM tariff_versions tv WHERE tv.tariff_id = t.id
         ORDER BY tv.version DESC LIMIT 1) last ON true
 WHERE NOT EXISTS (SELECT 1 FROM tariff_versions tv
                    WHERE tv.tariff_id = t.id AND tv.published_at IS NOT NULL AND tv.valid_from <= now())
 ORDER BY t.id;

-- name: LockTariff :one
-- Serialises new versions of one tariff so that version numbers never collide.
SELECT * FROM tariffs WHERE code = $1 FOR UPDATE;

-- name: ListTariffVersions :many
SELECT tv.*, u.email AS created_by_email
  FROM tariff_versions tv
  JOIN tariffs t ON t.id = tv.tariff_id
  LEFT JOIN users u ON u.id = tv.created_by
 WHERE t.code = $1
 ORDER BY tv.version DESC;

-- name: GetTariffVersionByNumber :one
SELECT tv.*, t.code
  FROM tariff_versions tv JOIN tariffs t ON t.id = tv.tariff_id
 WHERE t.code = sqlc.arg(code) AND tv.version = sqlc.arg(version);

-- name: NextTariffVersion :one
SELECT (coalesce(max(version), 0) + 1)::integer FROM tariff_versions WHERE tariff_id = $1;

-- name: CreateTariffVersion :one
-- A new draft: it prices nothing until it is published.
INSERT INTO tariff_versions (tariff_id, version, name, coverage, terms, price_rules, eligibility, valid_from,
                             created_by)
VALUES (sqlc.arg(tariff_id), sqlc.arg(version), sqlc.arg(name), sqlc.arg(coverage), sqlc.arg(terms),
        sqlc.arg(price_rules), sqlc.arg(eligibility), coalesce(sqlc.narg(valid_from)::timestamptz, now()),
        sqlc.narg(created_by))
RETURNING *;

-- name: PublishTariffVersion :one
-- Publishing stamps a draft once; it takes effect now, or at its valid_from when that is later.
UPDATE tariff_versions SET published_at = now(), valid_from = greatest(valid_from, now())
 WHERE id = $1 AND published_at IS NULL
RETURNING *;
