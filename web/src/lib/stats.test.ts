import { describe, expect, it } from 'vitest'
import type { Figures, Stats, StatsGroup } from '@/api/types'
import {
  change,
  chartModel,
  chartValue,
  fitGrouping,
  formatChange,
  groupLabel,
  groupingsFor,
  isEmptyStats,
  matchPreset,
  metricChange,
  metricOf,
  periodDays,
  presetRange,
  shareBp,
  sortGroups,
  suggestedGrouping,
} from './stats'

const zero: Figures = {
  sales: 0,
  gross_kopecks: 0,
  net_kopecks: 0,
  average_price_kopecks: 0,
  commission_kopecks: 0,
  upsell_kopecks: 0,
  cancellations: 0,
  drafts: 0,
  converted: 0,
  conversion_bp: 0,
}
const fig = (f: Partial<Figures>): Figures => ({ ...zero, ...f })
const group = (key: string, label: string, cur: Partial<Figures>, prev: Partial<Figures> = {}, previous_key?: string): StatsGroup => ({
  key,
  label,
  ...(previous_key ? { previous_key } : {}),
  current: fig(cur),
  previous: fig(prev),
})

// The shape GET /stats answers (reports.Stats.AppendJSON).
const byDay: Stats = {
  group_by: 'day',
  period: { from: '2026-11-01', to: '2026-11-03' },
  previous: { from: '2026-10-29', to: '2026-10-31' },
  groups: [
    group('2026-11-01', '01.11.2026', { sales: 2, net_kopecks: 5_400_050, gross_kopecks: 6_000_000 }, { sales: 1, net_kopecks: 2_700_000 }, '2026-10-29'),
    group('2026-11-02', '02.11.2026', {}, { sales: 3, net_kopecks: 8_100_000 }, '2026-10-30'),
    group('2026-11-03', '03.11.2026', { sales: 1, net_kopecks: 3_000_099 }, {}, '2026-10-31'),
  ],
  totals: {
    current: fig({ sales: 3, net_kopecks: 8_400_149, drafts: 5, converted: 3, conversion_bp: 6000 }),
    previous: fig({ sales: 4, net_kopecks: 10_800_000, drafts: 8, converted: 4, conversion_bp: 5000 }),
  },
}

const byCity: Stats = {
  group_by: 'city',
  period: { from: '2026-11-01', to: '2026-11-30' },
  previous: { from: '2026-10-01', to: '2026-10-31' },
  groups: [
    group('Москва', 'Москва', { sales: 5, net_kopecks: 9_000_000, cancellations: 0 }, { sales: 4, net_kopecks: 8_000_000 }),
    group('Казань', 'Казань', { sales: 9, net_kopecks: 4_000_000, cancellations: 2 }, { sales: 1, net_kopecks: 1_000_000 }),
    group('', 'Город не указан', { sales: 1, net_kopecks: 100 }, {}),
  ],
  totals: { current: fig({ sales: 15, net_kopecks: 13_000_100 }), previous: fig({ sales: 5, net_kopecks: 9_000_000 }) },
}

describe('period presets', () => {
  // 23 Nov 2026, 21:30 UTC is already 24 Nov in Moscow (UTC+3)
  const late = new Date('2026-11-23T21:30:00Z')

  it('gives whole calendar months in company time', () => {
    expect(presetRange('month', late)).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    expect(presetRange('lastMonth', late)).toEqual({ from: '2026-10-01', to: '2026-10-31' })
    expect(presetRange('quarter', late)).toEqual({ from: '2026-10-01', to: '2026-12-31' })
    expect(presetRange('year', late)).toEqual({ from: '2026-01-01', to: '2026-12-31' })
  })

  it('follows the Moscow calendar at a month boundary', () => {
    // 31 Jan 2027, 22:00 UTC is 1 Feb 2027 in Moscow
    const feb = new Date('2027-01-31T22:00:00Z')
    expect(presetRange('month', feb)).toEqual({ from: '2027-02-01', to: '2027-02-28' })
    expect(presetRange('lastMonth', feb)).toEqual({ from: '2027-01-01', to: '2027-01-31' })
    expect(presetRange('quarter', feb)).toEqual({ from: '2027-01-01', to: '2027-03-31' })
  })

  it('rolls last month over the new year and knows leap years', () => {
    expect(presetRange('lastMonth', new Date('2027-01-10T12:00:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-31' })
    expect(presetRange('month', new Date('2028-02-10T12:00:00Z'))).toEqual({ from: '2028-02-01', to: '2028-02-29' })
  })

  it('recognises a preset and counts days', () => {
    expect(matchPreset({ from: '2026-10-01', to: '2026-10-31' }, late)).toBe('lastMonth')
    expect(matchPreset({ from: '2026-10-01', to: '2026-10-30' }, late)).toBeNull()
    expect(matchPreset(null, late)).toBeNull()
    expect(periodDays({ from: '2026-11-01', to: '2026-11-30' })).toBe(30)
    expect(periodDays({ from: '2026-01-01', to: '2026-12-31' })).toBe(365)
    expect(periodDays({ from: '2026-03-29', to: '2026-03-29' })).toBe(1)
    expect(periodDays({ from: '2026-12-01', to: '2026-11-01' })).toBe(0)
  })

  it('suggests a grouping for a preset, and never by day over a year', () => {
    expect(suggestedGrouping('month')).toBe('day')
    expect(suggestedGrouping('quarter')).toBe('week')
    expect(suggestedGrouping('year')).toBe('month')
    expect(fitGrouping('day', { from: '2025-01-01', to: '2026-06-30' })).toBe('month')
    expect(fitGrouping('day', { from: '2028-01-01', to: '2028-12-31' })).toBe('day') // 366 days
    expect(fitGrouping('city', { from: '2025-01-01', to: '2026-06-30' })).toBe('city')
  })
})

describe('groupings by role', () => {
  it('hides partner and manager from a dealer', () => {
    expect(groupingsFor('dealer')).toEqual(['day', 'week', 'month', 'salon', 'city', 'region', 'tariff', 'category'])
    for (const role of ['admin', 'finance', 'manager'] as const) {
      expect(groupingsFor(role)).toContain('partner')
      expect(groupingsFor(role)).toContain('manager')
      expect(groupingsFor(role)).toHaveLength(10)
    }
  })
})

describe('change against the previous period', () => {
  it('is relative for counts and money, rounded to a tenth of a percent', () => {
    expect(change(3, 4)).toEqual({ dir: 'down', tenths: -250, good: false, points: false })
    expect(change(9, 8)).toMatchObject({ dir: 'up', tenths: 125, good: true })
    expect(change(2, 3)).toMatchObject({ dir: 'down', tenths: -333 })
    expect(change(1, 3)).toMatchObject({ tenths: -667 }) // −66.67% rounds away from zero
    expect(change(5, 5)).toMatchObject({ dir: 'flat', tenths: 0, good: null })
    expect(change(30, 10)).toMatchObject({ dir: 'up', tenths: 2000 })
  })

  it('stays exact on large kopeck sums', () => {
    expect(change(900_719_925_474_099, 900_719_925_474_098)).toMatchObject({ dir: 'flat', tenths: 0 })
    expect(change(900_719_925_474_099, 450_359_962_737_049)).toMatchObject({ dir: 'up', tenths: 1000 })
  })

  it('knows a start from nothing, and nothing at all', () => {
    expect(change(7, 0)).toEqual({ dir: 'new', tenths: null, good: true, points: false })
    expect(change(0, 0)).toEqual({ dir: 'none', tenths: null, good: null, points: false })
  })

  it('counts cancellations growing as bad news', () => {
    expect(change(4, 2, { inverse: true })).toMatchObject({ dir: 'up', good: false })
    expect(change(1, 2, { inverse: true })).toMatchObject({ dir: 'down', good: true })
    expect(metricChange(metricOf('cancellations'), fig({ cancellations: 2 }), fig({ cancellations: 0 }))).toMatchObject({ dir: 'new', good: false })
  })

  it('moves conversion in percentage points', () => {
    expect(metricChange(metricOf('conversion_bp'), byDay.totals.current, byDay.totals.previous)).toEqual({
      dir: 'up',
      tenths: 100,
      good: true,
      points: true,
    })
    expect(change(4025, 4000, { points: true })).toMatchObject({ dir: 'up', tenths: 3 }) // 0.25 pp → 0.3
    expect(change(0, 2500, { points: true })).toMatchObject({ dir: 'down', tenths: -250 })
  })

  it('formats the change with an arrow', () => {
    expect(formatChange(change(9, 8))).toBe('▲\u00a012,5%')
    expect(formatChange(change(9, 8), 'en')).toBe('▲\u00a012.5%')
    expect(formatChange(change(3, 4))).toBe('▼\u00a025%')
    expect(formatChange(change(30, 10))).toBe('▲\u00a0200%')
    expect(formatChange(change(1234, 10))).toBe('▲\u00a012\u00a0240%')
    expect(formatChange(change(1234, 10), 'en')).toBe('▲\u00a012,240%')
    expect(formatChange(change(5, 5))).toBe('0%')
    expect(formatChange(change(7, 0))).toBe('▲ новое')
    expect(formatChange(change(7, 0), 'en')).toBe('▲ new')
    expect(formatChange(change(0, 0))).toBe('—')
    expect(formatChange(change(6000, 5000, { points: true }))).toBe('▲\u00a010\u00a0п.п.')
    expect(formatChange(change(4975, 5000, { points: true }), 'en')).toBe('▼\u00a00.3\u00a0pp')
  })
})

describe('chart series', () => {
  it('draws every time bucket in order, current against previous', () => {
    const m = chartModel(byDay, 'net_kopecks')
    expect(m.time).toBe(true)
    expect(m.categories).toEqual(['01.11', '02.11', '03.11'])
    // whole roubles for the scale; the kopecks stay in the groups for tooltips
    expect(m.current).toEqual([54_000, 0, 30_000])
    expect(m.previous).toEqual([27_000, 81_000, 0])
    expect(m.groups[0]!.current.net_kopecks).toBe(5_400_050)
    expect(m.total).toBe(3)
    expect(chartModel(byDay, 'sales').current).toEqual([2, 0, 1])
  })

  it('draws the largest dimension groups by the chosen figure', () => {
    expect(chartModel(byCity, 'net_kopecks').categories).toEqual(['Москва', 'Казань', 'Город не указан'])
    const bySales = chartModel(byCity, 'sales', { limit: 2 })
    expect(bySales.time).toBe(false)
    expect(bySales.categories).toEqual(['Казань', 'Москва'])
    expect(bySales.current).toEqual([9, 5])
    expect(bySales.previous).toEqual([1, 4])
    expect(bySales.total).toBe(3)
  })

  it('scales percents and reads an empty answer', () => {
    expect(chartValue('percent', 6050)).toBe(60.5)
    expect(chartValue('money', 199)).toBe(1)
    expect(chartModel(null, 'sales')).toEqual({ time: false, categories: [], groups: [], current: [], previous: [], total: 0 })
  })

  it('names groups', () => {
    expect(groupLabel({ key: '2026-11-03', label: '03.11.2026' }, 'day', true)).toBe('03.11')
    expect(groupLabel({ key: '2026-11-03', label: '03.11.2026' }, 'day')).toBe('03.11.2026')
    expect(groupLabel({ key: '2026-11-02', label: '02.11–08.11.2026' }, 'week', true)).toBe('02.11–08.11.2026')
    expect(groupLabel({ key: '', label: '' }, 'city')).toBe('—')
  })
})

describe('table rows', () => {
  it('keeps the server order unless sorted', () => {
    expect(sortGroups(byCity.groups, null, null).map((g) => g.key)).toEqual(['Москва', 'Казань', ''])
    expect(sortGroups(byCity.groups, 'sales', 'descending').map((g) => g.key)).toEqual(['Казань', 'Москва', ''])
    expect(sortGroups(byCity.groups, 'cancellations', 'ascending').map((g) => g.key)).toEqual(['Москва', '', 'Казань'])
    expect(sortGroups(byCity.groups, 'label', 'ascending').map((g) => g.label)).toEqual(['Город не указан', 'Казань', 'Москва'])
  })

  it('computes shares of the total exactly', () => {
    expect(shareBp(9_000_000, 13_000_100)).toBe(6923)
    expect(shareBp(1, 3)).toBe(3333)
    expect(shareBp(5, 0)).toBe(0)
  })

  it('is empty only when nothing happened in either period', () => {
    expect(isEmptyStats(null)).toBe(true)
    expect(isEmptyStats(byDay)).toBe(false)
    const quiet: Stats = { ...byDay, groups: byDay.groups.map((g) => ({ ...g, current: zero, previous: zero })), totals: { current: zero, previous: zero } }
    expect(isEmptyStats(quiet)).toBe(true)
    expect(isEmptyStats({ ...quiet, totals: { current: fig({ drafts: 1 }), previous: zero } })).toBe(false)
  })
})
