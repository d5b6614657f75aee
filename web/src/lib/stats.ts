// GET /stats is not specified yet; this reads the likely shapes leniently into chart series.

export interface StatsPoint {
  label: string
  count: number
  revenueKopecks: number
}

const pick = (row: Record<string, unknown>, keys: string[]): unknown => {
  for (const k of keys) if (row[k] !== undefined && row[k] !== null) return row[k]
  return undefined
}

const asNumber = (v: unknown): number => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v)
  return 0
}

/** Reads {items|rows|groups: [{key|period|month, sales_count|count, gross_kopecks|revenue_kopecks}]}. */
export function parseStats(body: unknown): StatsPoint[] {
  if (!body || typeof body !== 'object') return []
  const b = body as Record<string, unknown>
  const current = b.current && typeof b.current === 'object' ? (b.current as Record<string, unknown>) : null
  const rows = [b.items, b.rows, b.groups, current?.items, current?.rows].find(Array.isArray) as unknown[] | undefined
  if (!rows) return []
  return rows
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
    .map((r) => ({
      label: String(pick(r, ['label', 'key', 'period', 'month', 'group', 'name']) ?? ''),
      count: asNumber(pick(r, ['sales_count', 'count', 'sales'])),
      revenueKopecks: asNumber(pick(r, ['gross_kopecks', 'revenue_kopecks', 'net_kopecks', 'amount_kopecks'])),
    }))
}
