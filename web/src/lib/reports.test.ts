import { describe, expect, it } from 'vitest'
import type { ReportColumn, ReportSource, ReportTemplate } from '@/api/types'
import { formatKopecks } from './money'
import { formatDate, formatDateTime } from './dates'
import {
  blankTemplate,
  cellText,
  closingDifference,
  closingTag,
  isClosableMonth,
  lastClosedMonth,
  runQuery,
  summarizeTemplate,
  summaryRow,
  templateInput,
  templateToForm,
  type CellFormat,
  type RunFilters,
} from './reports'

const sources: ReportSource[] = [
  {
    name: 'sales',
    columns: [
      { key: 'contract_number', title: '№ договора', kind: 'text' },
      { key: 'status', title: 'Статус', kind: 'text' },
      { key: 'activated_at', title: 'Оплачена', kind: 'datetime' },
      { key: 'partner_name', title: 'Партнёр', kind: 'text' },
      { key: 'sales_count', title: 'Продаж', kind: 'int' },
      { key: 'price_kopecks', title: 'Цена', kind: 'money' },
      { key: 'commission_kopecks', title: 'Комиссия', kind: 'money' },
    ],
    date_fields: ['activated_at', 'cancelled_at', 'closed_at', 'created_at', 'submitted_at'],
    statuses: ['draft', 'active', 'closed', 'cancelled'],
    groupings: ['category', 'city', 'partner', 'salon', 'seller', 'status', 'tariff'],
    filters: ['city', 'partner_id', 'salon_id', 'tariff_code'],
  },
  {
    name: 'payments',
    columns: [{ key: 'amount_kopecks', title: 'Сумма', kind: 'money' }],
    date_fields: ['created_at', 'paid_at'],
    statuses: ['pending', 'succeeded'],
    groupings: ['method', 'partner', 'purpose', 'status'],
    filters: ['city', 'method', 'partner_id', 'purpose', 'salon_id', 'tariff_code'],
  },
]

const statement: ReportTemplate = {
  id: 2,
  code: 'commission_statement',
  name: 'Ведомость комиссий',
  source: 'sales',
  columns: ['partner_name', 'sales_count', 'price_kopecks', 'commission_kopecks'],
  filters: { date_field: 'activated_at', statuses: ['active', 'closed'] },
  group_by: 'partner',
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
}

const noFilters: RunFilters = {
  from: '2026-11-01',
  to: '2026-11-30',
  partner_id: '',
  salon_id: '',
  city: '',
  tariff_code: '',
  statuses: [],
  method: '',
  purpose: '',
}

const fmt: CellFormat = {
  money: (k) => formatKopecks(k),
  num: (n) => String(n),
  bp: (bp) => String(bp / 100),
  date: (v) => formatDate(v),
  dateTime: (v) => formatDateTime(v),
  word: (col, code) => (col === 'status' && code === 'active' ? 'Действует' : null),
}

describe('templates', () => {
  it('says what a template does with the source’s own titles', () => {
    expect(summarizeTemplate(statement, sources)).toEqual({
      source: 'sales',
      dateField: 'Оплачена',
      groupBy: 'partner',
      statuses: ['active', 'closed'],
      columns: ['Партнёр', 'Продаж', 'Цена', 'Комиссия'],
    })
    // without the sources yet, keys stand in for titles
    expect(summarizeTemplate({ ...statement, filters: { date_field: 'activated_at', statuses: null } }, null)).toMatchObject({
      dateField: 'activated_at',
      statuses: [],
      columns: statement.columns,
    })
  })

  it('starts a blank template on the source’s natural moment', () => {
    expect(blankTemplate('sales', sources)).toMatchObject({ source: 'sales', date_field: 'activated_at', columns: [], group_by: '' })
    expect(blankTemplate('payments', sources).date_field).toBe('created_at')
    expect(blankTemplate('payments', null).date_field).toBe('')
  })

  it('round-trips a template through the form into the API body', () => {
    const form = templateToForm(statement)
    form.name = '  Ведомость комиссий за месяц '
    expect(templateInput(form)).toEqual({
      code: 'commission_statement',
      name: 'Ведомость комиссий за месяц',
      source: 'sales',
      columns: ['partner_name', 'sales_count', 'price_kopecks', 'commission_kopecks'],
      filters: { date_field: 'activated_at', statuses: ['active', 'closed'] },
      group_by: 'partner',
    })
    form.columns.push('contract_number')
    expect(statement.columns).toHaveLength(4) // the form does not share arrays with the template
  })
})

describe('report runs', () => {
  it('sends the period and only the filters the source understands', () => {
    const f: RunFilters = { ...noFilters, partner_id: 7, city: ' Казань ', method: 'card', purpose: 'sale' }
    expect(runQuery(f, statement, sources[0]!, { page: 2, per_page: 50 })).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      partner_id: 7,
      city: 'Казань',
      page: 2,
      per_page: 50,
    })
    expect(runQuery(f, null, sources[1]!)).toMatchObject({ method: 'card', purpose: 'sale' })
  })

  it('sends statuses only when they differ from the template’s', () => {
    expect(runQuery({ ...noFilters, statuses: ['closed', 'active'] }, statement, sources[0]!).status).toBeUndefined()
    expect(runQuery({ ...noFilters, statuses: ['active'] }, statement, sources[0]!).status).toBe('active')
    expect(runQuery({ ...noFilters, statuses: ['cancelled', 'active'] }, statement, sources[0]!).status).toBe('cancelled,active')
  })

  it('formats cells by the column kind', () => {
    const col = (kind: ReportColumn['kind'], key = 'x'): ReportColumn => ({ key, title: key, kind })
    expect(cellText(col('money'), 1234550, fmt)).toBe('12\u00a0345,50\u00a0₽')
    expect(cellText(col('int'), 12, fmt)).toBe('12')
    expect(cellText(col('percent'), 1250, fmt)).toBe('12.5%')
    expect(cellText(col('datetime'), '2026-11-23T14:05:00+03:00', fmt)).toBe('23.11.2026, 14:05')
    expect(cellText(col('date'), '2026-11-30', fmt)).toBe('30.11.2026')
    expect(cellText(col('text', 'status'), 'active', fmt)).toBe('Действует')
    expect(cellText(col('text', 'status'), 'draft', fmt)).toBe('draft')
    expect(cellText(col('datetime'), null, fmt)).toBe('—')
    expect(cellText(col('text'), '', fmt)).toBe('—')
  })

  it('totals the whole report under the table', () => {
    const columns = sources[0]!.columns.filter((c) => statement.columns.includes(c.key))
    const totals = { rows: 12, sums: { sales_count: 12, price_kopecks: 54_000_000, commission_kopecks: 2_700_050 } }
    expect(summaryRow(columns, totals, fmt, 'Итого')).toEqual(['Итого', '12', '540\u00a0000\u00a0₽', '27\u00a0000,50\u00a0₽'])
    expect(summaryRow(columns, null, fmt, 'Итого')).toEqual(['Итого', '', '', ''])
  })
})

describe('monthly closing', () => {
  const nov = new Date('2026-11-23T12:00:00Z')

  it('closes only months that have ended, in Moscow time', () => {
    expect(lastClosedMonth(nov)).toBe('2026-10')
    expect(lastClosedMonth(new Date('2027-01-05T12:00:00Z'))).toBe('2026-12')
    // 30 Nov 2026, 21:30 UTC is already December in Moscow: November has ended
    expect(isClosableMonth('2026-11', new Date('2026-11-30T21:30:00Z'))).toBe(true)
    expect(isClosableMonth('2026-11', nov)).toBe(false)
    expect(isClosableMonth('2026-10', nov)).toBe(true)
    expect(isClosableMonth('2025-12', nov)).toBe(true)
    expect(isClosableMonth('2026-12', nov)).toBe(false)
    expect(isClosableMonth('2026-1', nov)).toBe(false)
    expect(isClosableMonth('2026-13', nov)).toBe(false)
    expect(isClosableMonth('', nov)).toBe(false)
  })

  it('colours statuses and compares the ledger with the sales', () => {
    expect(closingTag('mismatch')).toBe('danger')
    expect(closingTag('closed')).toBe('success')
    expect(closingTag('something')).toBe('info')
    expect(closingDifference({ sales_total_kopecks: 10_000_00, ledger_total_kopecks: 9_999_50 })).toBe(-50)
  })
})
