import { describe, expect, it } from 'vitest'
import {
  companyMonth,
  companyMonthStart,
  companyToday,
  countdown,
  exclusiveTo,
  daysSince,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatMonth,
  nextMonthBoundary,
} from './dates'

describe('company time zone', () => {
  it('shows instants in Moscow time whatever the browser zone is', () => {
    expect(formatDateTime('2025-11-23T11:05:00Z')).toBe('23.11.2025, 14:05')
    // 21:30 UTC on the 30th is already the 1st in Moscow.
    expect(formatDate('2025-11-30T21:30:00Z')).toBe('01.12.2025')
    expect(formatDateTime('2025-11-23T11:05:00Z', 'en')).toBe('23/11/2025, 14:05')
  })

  it('does not shift calendar dates', () => {
    expect(formatDate('1985-05-20')).toBe('20.05.1985')
    expect(formatDate('1985-05-20', 'en')).toBe('20/05/1985')
  })

  it('handles missing and broken values', () => {
    expect(formatDate(null)).toBe('—')
    expect(formatDateTime('')).toBe('—')
    expect(formatDateTime('not a date')).toBe('not a date')
  })

  it('names months', () => {
    expect(formatMonth('2025-11')).toBe('ноябрь 2025')
    expect(formatMonth('2025-01', 'en')).toBe('January 2025')
  })

  it('knows today and the month in Moscow', () => {
    const late = new Date('2025-11-30T22:10:00Z') // 01:10 on 1 Dec in Moscow
    expect(companyToday(late)).toBe('2025-12-01')
    expect(companyMonth(late)).toBe('2025-12')
    expect(companyMonthStart(late)).toBe('2025-12-01')
  })
})

describe('upsell window boundary', () => {
  it('closes at 00:00 Moscow on the 1st of the next month', () => {
    const b = nextMonthBoundary(new Date('2025-11-15T12:00:00Z'))
    expect(b.toISOString()).toBe('2025-11-30T21:00:00.000Z')
  })

  it('rolls over the year', () => {
    const b = nextMonthBoundary(new Date('2025-12-31T20:59:30Z')) // 23:59:30 on 31 Dec, Moscow
    expect(b.toISOString()).toBe('2025-12-31T21:00:00.000Z')
  })

  it('a sale at 23:59:30 on the last day still has 30 seconds', () => {
    const now = new Date('2026-01-31T20:59:30Z')
    const c = countdown(nextMonthBoundary(now), now)
    expect(c).toMatchObject({ done: false, days: 0, hours: 0, minutes: 0, seconds: 30 })
  })
})

describe('countdown', () => {
  const now = new Date('2025-11-27T10:00:00Z')
  it('splits the time left', () => {
    const c = countdown('2025-11-30T21:00:00Z', now)
    expect(c).toMatchObject({ done: false, days: 3, hours: 11, minutes: 0, seconds: 0 })
    expect(formatCountdown(c)).toBe('3 д 11:00:00')
    expect(formatCountdown(c, 'en')).toBe('3 d 11:00:00')
  })
  it('is done in the past or without a date', () => {
    expect(countdown('2025-11-01T00:00:00Z', now).done).toBe(true)
    expect(countdown(null, now).done).toBe(true)
  })
  it('formats less than a day as a clock', () => {
    expect(formatCountdown(countdown('2025-11-27T11:02:03Z', now))).toBe('01:02:03')
  })
})

describe('daysSince', () => {
  it('counts calendar days in Moscow', () => {
    expect(daysSince('2025-11-20', new Date('2025-11-23T10:00:00Z'))).toBe(3)
    expect(daysSince('2025-11-25', new Date('2025-11-23T10:00:00Z'))).toBe(-2)
    expect(daysSince(null)).toBe(0)
  })
})

describe('exclusiveTo', () => {
  it('turns an inclusive last day into the exclusive bound the API wants', () => {
    expect(exclusiveTo('2025-11-30')).toBe('2025-12-01')
    expect(exclusiveTo('2025-12-31')).toBe('2026-01-01')
    expect(exclusiveTo('2024-02-28')).toBe('2024-02-29')
    expect(exclusiveTo('')).toBeUndefined()
    expect(exclusiveTo(undefined)).toBeUndefined()
  })
})
