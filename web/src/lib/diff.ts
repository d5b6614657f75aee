// Differences shown to admins: what an audit entry changed (before → after) and what a new
// tariff or template version changes.

export type ChangeKind = 'added' | 'removed' | 'changed'

export interface Change {
  /** Dotted path: "options[1].price_kopecks". */
  path: string
  kind: ChangeKind
  before?: unknown
  after?: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path ? `${path}.${key}` : key
}

/** A deep structural diff of two JSON values, listing leaf changes in a stable order. */
export function jsonDiff(before: unknown, after: unknown, path = '', ignore: string[] = []): Change[] {
  if (ignore.includes(path)) return []
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => {
      const p = join(path, k)
      if (ignore.includes(p)) return []
      if (!(k in before)) return after[k] === undefined ? [] : [{ path: p, kind: 'added' as const, after: after[k] }]
      if (!(k in after)) return before[k] === undefined ? [] : [{ path: p, kind: 'removed' as const, before: before[k] }]
      return jsonDiff(before[k], after[k], p, ignore)
    })
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = []
    const n = Math.max(before.length, after.length)
    for (let i = 0; i < n; i++) {
      const p = join(path, i)
      if (i >= before.length) out.push({ path: p, kind: 'added', after: after[i] })
      else if (i >= after.length) out.push({ path: p, kind: 'removed', before: before[i] })
      else out.push(...jsonDiff(before[i], after[i], p, ignore))
    }
    return out
  }
  if (before === after) return []
  if (before === undefined || before === null) {
    if (after === undefined || after === null) return []
    return [{ path, kind: 'added', after }]
  }
  if (after === undefined || after === null) return [{ path, kind: 'removed', before }]
  return [{ path, kind: 'changed', before, after }]
}

/** A short text for a JSON value in a diff table. */
export function showValue(v: unknown): string {
  if (v === undefined) return ''
  if (v === null) return 'null'
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

export type LineOp = { op: 'same' | 'add' | 'del'; text: string; a?: number; b?: number }

/** A line diff (longest common subsequence) for template bodies. */
export function lineDiff(a: string, b: string): LineOp[] {
  const x = a.split('\n')
  const y = b.split('\n')
  const n = x.length
  const m = y.length
  // LCS lengths table, bottom-up; templates are small (hundreds of lines).
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = x[i] === y[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!)
    }
  }
  const out: LineOp[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ op: 'same', text: x[i]!, a: i + 1, b: j + 1 })
      i++
      j++
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) {
      out.push({ op: 'del', text: x[i]!, a: i + 1 })
      i++
    } else {
      out.push({ op: 'add', text: y[j]!, b: j + 1 })
      j++
    }
  }
  while (i < n) out.push({ op: 'del', text: x[i]!, a: ++i })
  while (j < m) out.push({ op: 'add', text: y[j]!, b: ++j })
  return out
}

/**
 * A sale history entry's `changes` as rows: `{"vehicle.vin": {"from": "", "to": "X"},
 * "status": "submitted"}` → a changed row and an added row. `{before, after}` documents are
 * diffed field by field.
 */
export function historyChanges(changes: unknown): Change[] {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return []
  const c = changes as Record<string, unknown>
  if ('before' in c && 'after' in c && Object.keys(c).length === 2) return jsonDiff(c.before, c.after)
  return Object.keys(c)
    .sort()
    .map((path): Change => {
      const v = c[path]
      if (v && typeof v === 'object' && !Array.isArray(v) && ('from' in v || 'to' in v)) {
        const { from, to } = v as { from?: unknown; to?: unknown }
        const empty = (x: unknown) => x === undefined || x === null || x === ''
        return { path, kind: empty(from) ? 'added' : empty(to) ? 'removed' : 'changed', before: from, after: to }
      }
      return { path, kind: 'added', after: v }
    })
}
