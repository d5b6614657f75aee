// Report templates, report runs and the monthly closing as the cabinets show them: what a
// template does in words, a report's cells and totals row, the query a run sends, and which
// months may be closed. Pure, so it is unit-tested; formatting is passed in.

import type {
  ClosingStatus,
  ReportColumn,
  ReportPage,
  ReportQuery,
  ReportSource,
  ReportSourceName,
  ReportTemplate,
  ReportTemplateInput,
} from '@/api/types'
import { COMPANY_TZ, zonedParts } from './dates'
import type { TagType } from './status'

// ── templates ───────────────────────────────────────────────────────────────

export interface TemplateSummary {
  source: ReportSourceName
  /** the title of the moment the period applies to ("Оплачена"), or its key */
  dateField: string
  /** "" for a detail report */
  groupBy: string
  statuses: string[]
  columns: string[]
}

/**
 * What a template does, for its description: the source, the moment its period applies to,
 * its grouping, the statuses it keeps and its columns' titles (from /report-sources).
 */
export function summarizeTemplate(t: ReportTemplate, sources: ReportSource[] | null | undefined): TemplateSummary {
  const src = sources?.find((s) => s.name === t.source)
  const title = (key: string) => src?.columns.find((c) => c.key === key)?.title ?? key
  return {
    source: t.source,
    dateField: title(t.filters?.date_field ?? ''),
    groupBy: t.group_by ?? '',
    statuses: t.filters?.statuses ?? [],
    columns: (t.columns ?? []).map(title),
  }
}

export interface TemplateForm {
  code: string
  name: string
  source: ReportSourceName
  columns: string[]
  date_field: string
  statuses: string[]
  group_by: string
}

/** A blank template of a source: its first moment (activated_at for sales), no grouping. */
export function blankTemplate(source: ReportSourceName, sources: ReportSource[] | null | undefined): TemplateForm {
  const src = sources?.find((s) => s.name === source)
  const dates = src?.date_fields ?? []
  const preferred = source === 'sales' ? 'activated_at' : 'created_at'
  return {
    code: '',
    name: '',
    source,
    columns: [],
    date_field: dates.includes(preferred) ? preferred : dates[0] ?? '',
    statuses: [],
    group_by: '',
  }
}

export function templateToForm(t: ReportTemplate): TemplateForm {
  return {
    code: t.code,
    name: t.name,
    source: t.source,
    columns: [...(t.columns ?? [])],
    date_field: t.filters?.date_field ?? '',
    statuses: [...(t.filters?.statuses ?? [])],
    group_by: t.group_by ?? '',
  }
}

/** The body of POST/PUT /report-templates; the server checks the rest and names the fields. */
export function templateInput(f: TemplateForm): ReportTemplateInput {
  return {
    code: f.code.trim(),
    name: f.name.trim(),
    source: f.source,
    columns: [...f.columns],
    filters: { date_field: f.date_field, statuses: [...f.statuses] },
    group_by: f.group_by,
  }
}

// ── runs ────────────────────────────────────────────────────────────────────

export interface RunFilters {
  from: string
  to: string
  partner_id: number | ''
  salon_id: number | ''
  city: string
  tariff_code: string
  /** statuses picked; empty keeps the template's own */
  statuses: string[]
  method: string
  purpose: string
}

/**
 * The query of a run: the period, the filters the source understands, and the statuses when
 * they differ from the template's (the server replaces the template's with them).
 */
export function runQuery(f: RunFilters, t: Pick<ReportTemplate, 'filters'> | null, src: Pick<ReportSource, 'filters'> | null, page?: { page: number; per_page: number }): ReportQuery {
  const knows = (name: string) => !src || src.filters.includes(name)
  const q: ReportQuery = {}
  if (f.from) q.from = f.from
  if (f.to) q.to = f.to
  if (f.partner_id !== '' && knows('partner_id')) q.partner_id = f.partner_id
  if (f.salon_id !== '' && knows('salon_id')) q.salon_id = f.salon_id
  if (f.city.trim() && knows('city')) q.city = f.city.trim()
  if (f.tariff_code && knows('tariff_code')) q.tariff_code = f.tariff_code
  if (f.method && knows('method')) q.method = f.method
  if (f.purpose && knows('purpose')) q.purpose = f.purpose
  const own = [...(t?.filters?.statuses ?? [])].sort()
  const picked = [...f.statuses].sort()
  if (picked.length && picked.join(',') !== own.join(',')) q.status = f.statuses.join(',')
  if (page) {
    q.page = page.page
    q.per_page = page.per_page
  }
  return q
}

export interface CellFormat {
  money: (kopecks: number) => string
  num: (n: number) => string
  /** basis points as a percent number without the sign */
  bp: (bp: number) => string
  date: (v: string) => string
  dateTime: (v: string) => string
  /** a stored code's word (status, method…), or null to show the code */
  word: (column: string, code: string) => string | null
}

const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v)
  return null
}

/** One cell of a report as text: money from kopecks, moments in company time, codes in words. */
export function cellText(col: ReportColumn, value: unknown, fmt: CellFormat): string {
  if (value === null || value === undefined || value === '') return '—'
  switch (col.kind) {
    case 'money': {
      const n = asNumber(value)
      return n === null ? String(value) : fmt.money(n)
    }
    case 'int': {
      const n = asNumber(value)
      return n === null ? String(value) : fmt.num(n)
    }
    case 'percent': {
      const n = asNumber(value)
      return n === null ? String(value) : `${fmt.bp(n)}%`
    }
    case 'date':
      return fmt.date(String(value))
    case 'datetime':
      return fmt.dateTime(String(value))
    default: {
      const text = String(value)
      return fmt.word(col.key, text) ?? text
    }
  }
}

/** Whether a column's cells are figures (aligned right). */
export const isFigure = (col: ReportColumn) => col.kind === 'money' || col.kind === 'int' || col.kind === 'percent'

/**
 * The totals row of a report (over all of it, not the page): each summed column's total, the
 * first column saying how many lines there are.
 */
export function summaryRow(
  columns: ReportColumn[],
  totals: ReportPage['totals'] | null | undefined,
  fmt: Pick<CellFormat, 'money' | 'num'>,
  label: string,
): string[] {
  const sums = totals?.sums ?? {}
  return columns.map((c, i) => {
    const v = sums[c.key]
    if (v !== undefined && v !== null) return c.kind === 'money' ? fmt.money(v) : fmt.num(v)
    return i === 0 ? label : ''
  })
}

// ── the monthly closing ─────────────────────────────────────────────────────

const MONTH = /^(\d{4})-(\d{2})$/
const pad = (n: number) => String(n).padStart(2, '0')

/** The last month that has ended, in company time: "2026-10" on any day of November 2026. */
export function lastClosedMonth(now: Date = new Date(), tz = COMPANY_TZ): string {
  const { year, month } = zonedParts(now, tz)
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`
}

/** Whether a YYYY-MM month has ended (only those can be closed). */
export function isClosableMonth(month: string | null | undefined, now: Date = new Date(), tz = COMPANY_TZ): boolean {
  const m = month ? MONTH.exec(month) : null
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return false
  return month! <= lastClosedMonth(now, tz)
}

const CLOSING_TAG: Record<ClosingStatus, TagType> = {
  in_progress: 'primary',
  documents_issued: 'warning',
  reconciled: 'success',
  mismatch: 'danger',
  closed: 'success',
}

export function closingTag(status: string | null | undefined): TagType {
  return (status && CLOSING_TAG[status as ClosingStatus]) || 'info'
}

/** What the ledger credited beyond (or short of) what the sales call for, in kopecks. */
export function closingDifference(c: { sales_total_kopecks: number; ledger_total_kopecks: number }): number {
  return Number(BigInt(Math.trunc(c.ledger_total_kopecks ?? 0)) - BigInt(Math.trunc(c.sales_total_kopecks ?? 0)))
}
