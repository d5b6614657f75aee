import { describe, expect, it } from 'vitest'
import { filtersToQuery, queryToFilters } from './query'

describe('filters in the URL', () => {
  const defaults = { q: '', status: '', salon_id: '' as number | '', page: 1, active: '' as boolean | '' }

  it('writes only what is set', () => {
    expect(filtersToQuery({ q: 'XTA', status: '', salon_id: 7, page: 1, active: false }, { page: 1 })).toEqual({
      q: 'XTA',
      salon_id: '7',
      active: 'false',
    })
  })

  it('reads back typed values', () => {
    expect(queryToFilters({ q: 'XTA', salon_id: '7', page: '3', active: 'true', junk: 'x' }, defaults)).toEqual({
      q: 'XTA',
      status: '',
      salon_id: 7,
      page: 3,
      active: true,
    })
  })

  it('ignores garbage numbers', () => {
    expect(queryToFilters({ page: 'abc' }, defaults).page).toBe(1)
  })
})
