import { describe, expect, it } from 'vitest'
import { parseStats } from './stats'

describe('parseStats', () => {
  it('reads items with common field names', () => {
    expect(parseStats({ items: [{ key: '2025-10', sales_count: 12, gross_kopecks: 5400000 }] })).toEqual([
      { label: '2025-10', count: 12, revenueKopecks: 5400000 },
    ])
    expect(parseStats({ current: { rows: [{ period: '2025-11', count: '3', revenue_kopecks: 100 }] } })).toEqual([
      { label: '2025-11', count: 3, revenueKopecks: 100 },
    ])
  })
  it('answers nothing for unknown bodies', () => {
    expect(parseStats(null)).toEqual([])
    expect(parseStats({ foo: 1 })).toEqual([])
  })
})
