// Dates are shown in the company's time zone, whatever the browser's zone is.
// Calendar dates (birth date, date of sale) are plain "YYYY-MM-DD" strings and are shown as is.

import type { Locale } from './money'

export const COMPANY_TZ = 'Europe/Moscow'

const intlLocale = (locale: Locale) => (locale === 'en' ? 'en-GB' : 'ru-RU')

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

function toDate(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** "2025-11-23T11:05:00Z" → "23.11.2025, 14:05" (Moscow). */
export function formatDateTime(
  value: string | number | Date | null | undefined,
  locale: Locale = 'ru',
  tz = COMPANY_TZ,
): string {
  if (value === null || value === undefined || value === '') return '—'
  const d = toDate(value)
  if (!d) return String(value)
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: tz,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)
}

/** An instant or a calendar date as a date: "23.11.2025". Calendar dates are not shifted. */
export function formatDate(
  value: string | number | Date | null | undefined,
  locale: Locale = 'ru',
  tz = COMPANY_TZ,
): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value)
    if (m) return locale === 'en' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}.${m[2]}.${m[1]}`
  }
  const d = toDate(value)
  if (!d) return String(value)
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: tz,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d)
}

/** "2025-11" → "ноябрь 2025" / "November 2025". */
export function formatMonth(month: string | null | undefined, locale: Locale = 'ru'): string {
  if (!month) return '—'
  const m = /^(\d{4})-(\d{2})/.exec(month)
  if (!m) return month
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15))
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', month: 'long', year: 'numeric' })
    .format(d)
    .replace(' г.', '')
}

export interface ZonedParts {
  year: number
  month: number // 1..12
  day: number
  hour: number
  minute: number
  second: number
}

/** The wall-clock reading of an instant in a time zone. */
export function zonedParts(instant: Date, tz = COMPANY_TZ): ZonedParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  }
}

/** The instant at which the wall clock of a zone shows the given time. */
export function zonedTimeToInstant(p: ZonedParts, tz = COMPANY_TZ): Date {
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  let guess = asUtc
  // Two passes settle the zone offset, DST transitions included.
  for (let i = 0; i < 2; i++) {
    const seen = zonedParts(new Date(guess), tz)
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second)
    guess += asUtc - seenUtc
  }
  return new Date(guess)
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Today's calendar date in the company zone: "2025-11-23". */
export function companyToday(now: Date = new Date(), tz = COMPANY_TZ): string {
  const p = zonedParts(now, tz)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** The current month in the company zone: "2025-11". */
export function companyMonth(now: Date = new Date(), tz = COMPANY_TZ): string {
  const p = zonedParts(now, tz)
  return `${p.year}-${pad(p.month)}`
}

/** The first day of the current month in the company zone: "2025-11-01". */
export function companyMonthStart(now: Date = new Date(), tz = COMPANY_TZ): string {
  return companyMonth(now, tz) + '-01'
}

/**
 * When the monthly upsell window closes: 00:00 on the first day of the next month,
 * company time.
 */
export function nextMonthBoundary(now: Date = new Date(), tz = COMPANY_TZ): Date {
  const p = zonedParts(now, tz)
  const year = p.month === 12 ? p.year + 1 : p.year
  const month = p.month === 12 ? 1 : p.month + 1
  return zonedTimeToInstant({ year, month, day: 1, hour: 0, minute: 0, second: 0 }, tz)
}

export interface Countdown {
  done: boolean
  days: number
  hours: number
  minutes: number
  seconds: number
  totalMs: number
}

/** What is left until a moment, in whole units. */
export function countdown(until: Date | string | null | undefined, now: Date = new Date()): Countdown {
  const end = until ? toDate(until) : null
  const totalMs = end ? end.getTime() - now.getTime() : 0
  if (totalMs <= 0) return { done: true, days: 0, hours: 0, minutes: 0, seconds: 0, totalMs: 0 }
  let s = Math.floor(totalMs / 1000)
  const days = Math.floor(s / 86400)
  s -= days * 86400
  const hours = Math.floor(s / 3600)
  s -= hours * 3600
  const minutes = Math.floor(s / 60)
  const seconds = s - minutes * 60
  return { done: false, days, hours, minutes, seconds, totalMs }
}

/** "3 д 04:12:09" / "3 d 04:12:09"; without days when less than one. */
export function formatCountdown(c: Countdown, locale: Locale = 'ru'): string {
  const clock = `${pad(c.hours)}:${pad(c.minutes)}:${pad(c.seconds)}`
  if (c.days === 0) return clock
  return `${c.days}${locale === 'en' ? ' d ' : ' д '}${clock}`
}

/** Whole days from a calendar date (or instant) to now; positive when the date is past. */
export function daysSince(date: string | null | undefined, now: Date = new Date(), tz = COMPANY_TZ): number {
  if (!date) return 0
  const m = DATE_ONLY.exec(date)
  const start = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  const startMs = Number.isNaN(start)
    ? (() => {
        const d = toDate(date)
        if (!d) return NaN
        const p = zonedParts(d, tz)
        return Date.UTC(p.year, p.month - 1, p.day)
      })()
    : start
  if (Number.isNaN(startMs)) return 0
  const t = zonedParts(now, tz)
  const today = Date.UTC(t.year, t.month - 1, t.day)
  return Math.round((today - startMs) / 86400000)
}

/**
 * The API's `to` is exclusive (created_at < to); a period a person picks is inclusive. This
 * turns the last picked day into the day after it: "2025-11-30" → "2025-12-01".
 */
export function exclusiveTo(date: string | null | undefined): string | undefined {
  const m = date ? DATE_ONLY.exec(date) : null
  if (!m) return date || undefined
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1))
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}
