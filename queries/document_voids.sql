-- name: VoidDocument :execrows
-- A voided document stays in the archive, marked; voiding it again changes nothing.
UPDATE documents SET voided_at = now() WHERE id = $1 AND voided_at IS NULL;
