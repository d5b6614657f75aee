-- name: ListVehicleMakes :many
SELECT id, name, aliases, active FROM vehicle_makes ORDER BY name;

-- name: ListVehicleModels :many
SELECT id, make_id, name, aliases FROM vehicle_models ORDER BY make_id, name;

-- name: CreateVehicleMake :one
INSERT INTO vehicle_makes (name, aliases, active) VALUES ($1, $2, $3) RETURNING id;

-- name: UpdateVehicleMake :execrows
UPDATE vehicle_makes SET name = $2, aliases = $3, active = $4, updated_at = now() WHERE id = $1;

-- name: UpsertVehicleModel :exec
-- A model keeps its id while its name stays: sales refer to it by id.
INSERT INTO vehicle_models (make_id, name, aliases) VALUES ($1, $2, $3)
ON CONFLICT (make_id, name) DO UPDATE SET aliases = EXCLUDED.aliases;

-- name: DeleteVehicleModelsExcept :exec
DELETE FROM vehicle_models WHERE make_id = $1 AND NOT (name = ANY (sqlc.arg(keep)::text[]));
