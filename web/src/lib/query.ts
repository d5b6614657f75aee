// List filters live in the URL (?status=draft&page=2) so that a filtered list survives a
// reload, a shared link and the back button.

import type { LocationQuery } from 'vue-router'

export type FilterValue = string | number | boolean | null | undefined
export type FilterShape = Record<string, FilterValue>

/** Filters → route query: empty values are left out, everything is a string. */
export function filtersToQuery(f: FilterShape, defaults: FilterShape = {}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue
    if (defaults[k] !== undefined && defaults[k] === v) continue
    out[k] = String(v)
  }
  return out
}

/** Route query → filters typed like the defaults (numbers stay numbers, booleans booleans). */
export function queryToFilters<T extends FilterShape>(q: LocationQuery, defaults: T): T {
  const out: FilterShape = { ...defaults }
  for (const k of Object.keys(defaults)) {
    const raw = q[k]
    const v = Array.isArray(raw) ? raw[0] : raw
    if (v === undefined || v === null || v === '') continue
    const d = defaults[k]
    if (typeof d === 'number') {
      const n = Number(v)
      if (Number.isFinite(n)) out[k] = n
    } else if (typeof d === 'boolean') {
      out[k] = v === 'true'
    } else if (/_id$/.test(k) && /^\d+$/.test(v)) {
      out[k] = Number(v)
    } else if ((k === 'active' || k === 'overdue') && (v === 'true' || v === 'false')) {
      out[k] = v === 'true'
    } else {
      out[k] = v
    }
  }
  return out as T
}
