// Statistics as the cabinets show them (GET /stats, docs/reports.md): period presets in company
// time, which groupings a role is offered, the change against the previous period, the chart's
// series and the table's rows. Pure, so it is unit-tested; money stays integer kopecks until a
// chart needs a number for its scale.

import type { Figures, Role, Stats, StatsGroup, StatsGrouping } from '@/api/types'
import { STATS_GROUPINGS } from '@/api/types'
import { COMPANY_TZ, zonedParts } from './dates'
import type { Locale } from './money'

// ── periods ─────────────────────────────────────────────────────────────────

export interface DateRange {
  /** first day, YYYY-MM-DD, included */
  from: string
  /** last day, YYYY-MM-DD, included */
  to: string
}

export const PERIOD_PRESETS = ['month', 'lastMonth', 'quarter', 'year'] as const
export type PeriodPreset = (typeof PERIOD_PRESETS)[number]

const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`
/** Days in month m (1..12) of year y. */
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()
const wholeMonths = (y: number, first: number, count: number): DateRange => {
  const lastMonth = first + count - 1
  return { from: ymd(y, first, 1), to: ymd(y, lastMonth, daysIn(y, lastMonth)) }
}

/**
 * A preset as whole calendar months of the company's calendar: this month, last month, this
 * quarter, this year. Whole months compare with as many whole months before them on the server
 * (November with October, a quarter with the quarter before).
 */
export function presetRange(preset: PeriodPreset, now: Date = new Date(), tz = COMPANY_TZ): DateRange {
  const { year, month } = zonedParts(now, tz)
  switch (preset) {
    case 'lastMonth':
      return month === 1 ? wholeMonths(year - 1, 12, 1) : wholeMonths(year, month - 1, 1)
    case 'quarter':
      return wholeMonths(year, Math.floor((month - 1) / 3) * 3 + 1, 3)
    case 'year':
      return wholeMonths(year, 1, 12)
    default:
      return wholeMonths(year, month, 1)
  }
}

/** The preset a range is, if any (to light up its button). */
export function matchPreset(range: DateRange | null | undefined, now: Date = new Date(), tz = COMPANY_TZ): PeriodPreset | null {
  if (!range) return null
  for (const p of PERIOD_PRESETS) {
    const r = presetRange(p, now, tz)
    if (r.from === range.from && r.to === range.to) return p
  }
  return null
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const dayNumber = (d: string): number | null => {
  const m = DATE.exec(d)
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null
}

/** How many calendar days a range holds, both ends included (0 when it is not a range). */
export function periodDays(range: DateRange | null | undefined): number {
  if (!range) return 0
  const a = dayNumber(range.from)
  const b = dayNumber(range.to)
  return a === null || b === null || b < a ? 0 : b - a + 1
}

/** The server's limits: three years, a year when grouped by day. */
export const MAX_PERIOD_DAYS = 1098
export const MAX_DAY_PERIOD_DAYS = 366

/** The grouping a preset reads best in: days of a month, weeks of a quarter, months of a year. */
export function suggestedGrouping(preset: PeriodPreset): StatsGrouping {
  return preset === 'quarter' ? 'week' : preset === 'year' ? 'month' : 'day'
}

/** A time grouping that fits a period: by day only up to a year. */
export function fitGrouping(g: StatsGrouping, range: DateRange): StatsGrouping {
  return g === 'day' && periodDays(range) > MAX_DAY_PERIOD_DAYS ? 'month' : g
}

// ── groupings ───────────────────────────────────────────────────────────────

export const TIME_GROUPINGS: StatsGrouping[] = ['day', 'week', 'month']

export function isTimeGrouping(g: StatsGrouping | string): boolean {
  return (TIME_GROUPINGS as string[]).includes(g)
}

/**
 * The groupings a role is offered. A dealer sees their own network only: by partner it is
 * themselves, by manager it is who curates them, neither tells them anything.
 */
export function groupingsFor(role: Role | null | undefined): StatsGrouping[] {
  if (role === 'dealer') return STATS_GROUPINGS.filter((g) => g !== 'partner' && g !== 'manager')
  return [...STATS_GROUPINGS]
}

// ── figures ─────────────────────────────────────────────────────────────────

export type MetricKind = 'count' | 'money' | 'percent'
export type MetricKey =
  | 'sales'
  | 'gross_kopecks'
  | 'net_kopecks'
  | 'average_price_kopecks'
  | 'commission_kopecks'
  | 'upsell_kopecks'
  | 'cancellations'
  | 'conversion_bp'

export interface Metric {
  key: MetricKey
  kind: MetricKind
  /** growth is bad news (cancellations) */
  inverse?: boolean
}

/** Every figure the cabinets show, in the order of the cards and the table's columns. */
export const METRICS: Metric[] = [
  { key: 'sales', kind: 'count' },
  { key: 'net_kopecks', kind: 'money' },
  { key: 'gross_kopecks', kind: 'money' },
  { key: 'average_price_kopecks', kind: 'money' },
  { key: 'commission_kopecks', kind: 'money' },
  { key: 'upsell_kopecks', kind: 'money' },
  { key: 'cancellations', kind: 'count', inverse: true },
  { key: 'conversion_bp', kind: 'percent' },
]

export const metricOf = (key: MetricKey): Metric => METRICS.find((m) => m.key === key) ?? METRICS[0]!

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0)

/** A figure of a group, 0 when the answer lacks it. */
export function figure(f: Partial<Figures> | null | undefined, key: MetricKey): number {
  return num(f?.[key])
}

/** Whether a period has anything at all: a paid sale, a cancellation or a draft begun. */
export function hasActivity(f: Partial<Figures> | null | undefined): boolean {
  return num(f?.sales) > 0 || num(f?.cancellations) > 0 || num(f?.drafts) > 0
}

/** Nothing happened in either period: the page shows an empty state instead of a flat chart. */
export function isEmptyStats(s: Stats | null | undefined): boolean {
  return !s || (!hasActivity(s.totals?.current) && !hasActivity(s.totals?.previous))
}

// ── change against the previous period ──────────────────────────────────────

export interface Change {
  /** up/down/flat; `new` from nothing; `none` when both are zero */
  dir: 'up' | 'down' | 'flat' | 'new' | 'none'
  /**
   * Tenths of a percent of the previous value (125 = +12.5%), or for a percentage figure tenths
   * of a percentage point; null for `new` and `none`.
   */
  tenths: number | null
  /** whether the change is good news (null when neutral) */
  good: boolean | null
  /** a change in percentage points (conversion), not relative */
  points: boolean
}

/** round(num / den) half away from zero, in integers. */
function divRound(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n
  const an = n < 0n ? -n : n
  const ad = d < 0n ? -d : d
  const q = (2n * an + ad) / (2n * ad)
  return neg ? -q : q
}

/**
 * The change of a figure against the previous period. Counts and money change relatively
 * (+12.5%); a percentage (conversion, basis points) changes in percentage points.
 */
export function change(current: number, previous: number, opts: { points?: boolean; inverse?: boolean } = {}): Change {
  const cur = BigInt(num(current))
  const prev = BigInt(num(previous))
  const points = !!opts.points
  let tenths: bigint | null
  if (points) {
    if (cur === 0n && prev === 0n) return { dir: 'none', tenths: null, good: null, points }
    tenths = divRound(cur - prev, 10n) // basis points → tenths of a point
  } else {
    if (prev === 0n) {
      if (cur === 0n) return { dir: 'none', tenths: null, good: null, points }
      return { dir: 'new', tenths: null, good: cur > 0n !== !!opts.inverse, points }
    }
    tenths = divRound((cur - prev) * 1000n, prev)
  }
  const t = Number(tenths)
  const dir = t > 0 ? 'up' : t < 0 ? 'down' : 'flat'
  return { dir, tenths: t, good: dir === 'flat' ? null : dir === 'up' !== !!opts.inverse, points }
}

/** The change of one metric of a group. */
export function metricChange(metric: Metric, current: Partial<Figures> | null | undefined, previous: Partial<Figures> | null | undefined): Change {
  return change(figure(current, metric.key), figure(previous, metric.key), {
    points: metric.kind === 'percent',
    inverse: metric.inverse,
  })
}

/**
 * "▲ 12,5%", "▼ 3%", "▲ 150%", "0%", "▲ 2,5 п.п.", "▲ новое", "—". One decimal below 100%
 * (",0" dropped), whole percents above.
 */
export function formatChange(c: Change, locale: Locale = 'ru'): string {
  if (c.dir === 'none') return '—'
  if (c.dir === 'new') return locale === 'en' ? '▲ new' : '▲ новое'
  const abs = Math.abs(c.tenths ?? 0)
  const whole = Math.floor(abs / 10)
  const frac = abs % 10
  let text: string
  if (abs >= 1000) text = String(Math.round(abs / 10)).replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'en' ? ',' : '\u00a0')
  else text = frac ? `${whole}${locale === 'en' ? '.' : ','}${frac}` : String(whole)
  const unit = c.points ? (locale === 'en' ? '\u00a0pp' : '\u00a0п.п.') : '%'
  const arrow = c.dir === 'up' ? '▲\u00a0' : c.dir === 'down' ? '▼\u00a0' : ''
  return arrow + text + unit
}

// ── chart and table ─────────────────────────────────────────────────────────

/** A group's name on an axis: a day bucket as "03.11", others as the server labels them. */
export function groupLabel(g: Pick<StatsGroup, 'key' | 'label'>, groupBy: StatsGrouping, short = false): string {
  if (groupBy === 'day' && short) {
    const m = DATE.exec(g.key)
    if (m) return `${m[3]}.${m[2]}`
  }
  return g.label || g.key || '—'
}

/** What the chart plots of a value: whole roubles for money (the scale only), percents, counts. */
export function chartValue(kind: MetricKind, v: number): number {
  if (kind === 'money') return Number(BigInt(num(v)) / 100n)
  if (kind === 'percent') return num(v) / 100
  return num(v)
}

export interface ChartModel {
  /** time buckets (a line over the period) or dimension groups (bars, the largest first) */
  time: boolean
  categories: string[]
  /** the groups drawn, in order (tooltips read their exact figures) */
  groups: StatsGroup[]
  current: number[]
  previous: number[]
  /** groups in the answer, of which `groups.length` are drawn */
  total: number
}

/**
 * The chart of one figure, current against previous period, per group. Time buckets are drawn
 * in order, all of them; dimension groups the `limit` largest by that figure (the server sorts
 * them by net revenue).
 */
export function chartModel(s: Stats | null | undefined, metricKey: MetricKey, opts: { limit?: number } = {}): ChartModel {
  const metric = metricOf(metricKey)
  const groups = s?.groups ?? []
  const time = !!s && isTimeGrouping(s.group_by)
  let drawn = groups
  if (!time) {
    const limit = opts.limit ?? 15
    drawn = groups
      .map((g, i) => ({ g, i }))
      .sort((a, b) => figure(b.g.current, metricKey) - figure(a.g.current, metricKey) || figure(b.g.previous, metricKey) - figure(a.g.previous, metricKey) || a.i - b.i)
      .slice(0, limit)
      .map((x) => x.g)
  }
  return {
    time,
    categories: drawn.map((g) => groupLabel(g, s?.group_by ?? 'day', true)),
    groups: drawn,
    current: drawn.map((g) => chartValue(metric.kind, figure(g.current, metricKey))),
    previous: drawn.map((g) => chartValue(metric.kind, figure(g.previous, metricKey))),
    total: groups.length,
  }
}

export type SortOrder = 'ascending' | 'descending' | null

/** Sorts table rows by a figure of the current period, or by name; null keeps the server's order. */
export function sortGroups(groups: StatsGroup[], by: MetricKey | 'label' | null, order: SortOrder): StatsGroup[] {
  if (!by || !order) return groups
  const dir = order === 'ascending' ? 1 : -1
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => {
      const c =
        by === 'label'
          ? (a.g.label || a.g.key).localeCompare(b.g.label || b.g.key, 'ru')
          : figure(a.g.current, by) - figure(b.g.current, by)
      return c * dir || a.i - b.i
    })
    .map((x) => x.g)
}

/** A group's share of the total in basis points (for the city breakdown's bars). */
export function shareBp(part: number, total: number): number {
  const p = BigInt(num(part))
  const t = BigInt(num(total))
  if (t <= 0n) return 0
  return Number(divRound(p * 10000n, t))
}
