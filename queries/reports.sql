-- Report templates: the columns, default filters and grouping of a report (package reports
-- knows what they mean). Every role reads them to run a report; admins write them.

-- name: ListReportTemplates :many
SELECT * FROM report_templates ORDER BY id;

-- name: GetReportTemplate :one
SELECT * FROM report_templates WHERE id = $1;

-- name: GetReportTemplateByCode :one
SELECT * FROM report_templates WHERE code = $1;

-- name: CreateReportTemplate :one
INSERT INTO report_templates (code, name, source, columns, filters, group_by, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: UpdateReportTemplate :one
UPDATE report_templates
   SET code = $2, name = $3, source = $4, columns = $5, filters = $6, group_by = $7, updated_at = now()
 WHERE id = $1
RETURNING *;
