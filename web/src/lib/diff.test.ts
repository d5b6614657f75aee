import { describe, expect, it } from 'vitest'
import { jsonDiff, lineDiff, showValue } from './diff'

describe('jsonDiff', () => {
  it('lists changed, added and removed leaves', () => {
    const before = { name: 'Базовый', max_discount_bp: 1000, terms: [12, 24], rules: { base: { 12: 1000 } }, old: true }
    const after = { name: 'Базовый', max_discount_bp: 1500, terms: [12, 24, 36], rules: { base: { 12: 1200 } }, fresh: 'x' }
    expect(jsonDiff(before, after)).toEqual([
      { path: 'fresh', kind: 'added', after: 'x' },
      { path: 'max_discount_bp', kind: 'changed', before: 1000, after: 1500 },
      { path: 'old', kind: 'removed', before: true },
      { path: 'rules.base.12', kind: 'changed', before: 1000, after: 1200 },
      { path: 'terms[2]', kind: 'added', after: 36 },
    ])
  })

  it('treats a creation (before null) as additions', () => {
    expect(jsonDiff(null, { a: 1 })).toEqual([{ path: '', kind: 'added', after: { a: 1 } }])
    expect(jsonDiff({ a: 1 }, null)).toEqual([{ path: '', kind: 'removed', before: { a: 1 } }])
  })

  it('finds nothing in equal values and can ignore paths', () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([])
    expect(jsonDiff({ version: 1, a: 1 }, { version: 2, a: 1 }, '', ['version'])).toEqual([])
  })

  it('shows values briefly', () => {
    expect(showValue('x')).toBe('x')
    expect(showValue(null)).toBe('null')
    expect(showValue({ a: 1 })).toBe('{"a":1}')
    expect(showValue(undefined)).toBe('')
  })
})

describe('lineDiff', () => {
  it('marks added and removed lines', () => {
    const ops = lineDiff('Договор\nЦена: {{price}}\nПодпись', 'Договор\nСтоимость: {{price}}\nПодпись\nМ.П.')
    expect(ops.map((o) => o.op + ':' + o.text)).toEqual([
      'same:Договор',
      'del:Цена: {{price}}',
      'add:Стоимость: {{price}}',
      'same:Подпись',
      'add:М.П.',
    ])
  })
  it('is all "same" for equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb').every((o) => o.op === 'same')).toBe(true)
  })
})

describe('historyChanges', async () => {
  const { historyChanges } = await import('./diff')
  it('reads from/to pairs and plain values', () => {
    expect(
      historyChanges({ 'vehicle.vin': { from: '', to: 'XW8' }, 'vehicle.year': { from: 2020, to: 2021 }, status: 'submitted' }),
    ).toEqual([
      { path: 'status', kind: 'added', after: 'submitted' },
      { path: 'vehicle.vin', kind: 'added', before: '', after: 'XW8' },
      { path: 'vehicle.year', kind: 'changed', before: 2020, after: 2021 },
    ])
  })
  it('diffs before/after documents and ignores nothing-changes', () => {
    expect(historyChanges({ before: { a: 1 }, after: { a: 2 } })).toEqual([{ path: 'a', kind: 'changed', before: 1, after: 2 }])
    expect(historyChanges(null)).toEqual([])
    expect(historyChanges([])).toEqual([])
  })
})
