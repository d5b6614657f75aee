-- name: CreateTariff :one
INSERT INTO tariffs (code) VALUES ($1) RETURNING id;

-- name: CreatePublishedTariffVersion :one
INSERT INTO tariff_versions (tariff_id, version, name, coverage, terms, price_rules, eligibility, created_by, published_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
RETURNING id;
