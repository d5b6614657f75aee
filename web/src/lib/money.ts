// Money in Karso is always an integer number of kopecks. These helpers format and parse it
// with integer arithmetic only: no float ever touches an amount.

export type Locale = 'ru' | 'en'

const NBSP = '\u00a0'

function groupSep(locale: Locale): string {
  return locale === 'en' ? ',' : NBSP
}

function decimalSep(locale: Locale): string {
  return locale === 'en' ? '.' : ','
}

/** Groups the digits of a non-negative integer string by thousands: "1234567" → "1 234 567". */
export function groupThousands(digits: string, sep: string): string {
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    const left = digits.length - i
    out += digits[i]
    if (left > 1 && (left - 1) % 3 === 0) out += sep
  }
  return out
}

function toBigInt(kopecks: number | bigint | string): bigint {
  if (typeof kopecks === 'bigint') return kopecks
  if (typeof kopecks === 'number') {
    if (!Number.isFinite(kopecks)) throw new RangeError('kopecks must be finite')
    // JSON numbers from the API are integers; Math.trunc guards against a stray fraction.
    return BigInt(Math.trunc(kopecks))
  }
  if (!/^-?\d+$/.test(kopecks.trim())) throw new RangeError(`not an integer: ${kopecks}`)
  return BigInt(kopecks.trim())
}

export interface MoneyFormatOptions {
  locale?: Locale
  /** Show kopecks even when they are zero ("12 345,00 ₽"). Default: only when non-zero. */
  alwaysKopecks?: boolean
  /** Prefix a plus sign for positive amounts (for differences). */
  signed?: boolean
  /** Omit the currency sign. */
  bare?: boolean
}

/** Formats integer kopecks as roubles: 1234500 → "12 345 ₽", 1234550 → "12 345,50 ₽". */
export function formatKopecks(
  kopecks: number | bigint | string | null | undefined,
  opts: MoneyFormatOptions = {},
): string {
  if (kopecks === null || kopecks === undefined || kopecks === '') return '—'
  const locale = opts.locale ?? 'ru'
  const value = toBigInt(kopecks)
  const negative = value < 0n
  const abs = negative ? -value : value
  const roubles = abs / 100n
  const kop = abs % 100n
  let text = groupThousands(roubles.toString(), groupSep(locale))
  if (kop !== 0n || opts.alwaysKopecks) {
    text += decimalSep(locale) + kop.toString().padStart(2, '0')
  }
  let sign = ''
  if (negative) sign = '−'
  else if (opts.signed && abs !== 0n) sign = '+'
  return sign + text + (opts.bare ? '' : NBSP + '₽')
}

/**
 * Parses what a person typed as roubles ("12 345,50", "12345.5", "12 345") into kopecks.
 * Returns null when the text is not an amount. More than two fraction digits are refused.
 */
export function parseRoublesToKopecks(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f₽]/g, '').replace('руб.', '').replace(',', '.')
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned)
  if (!m) return null
  const [, minus, whole, frac = ''] = m
  const kop = BigInt(whole!) * 100n + BigInt((frac + '00').slice(0, 2))
  const signed = minus ? -kop : kop
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) return null
  return Number(signed)
}

/** Kopecks → the plain text an input shows for editing: 1234550 → "12345,50", 1234500 → "12345". */
export function kopecksToInput(kopecks: number | null | undefined, locale: Locale = 'ru'): string {
  if (kopecks === null || kopecks === undefined) return ''
  const v = toBigInt(kopecks)
  const neg = v < 0n
  const abs = neg ? -v : v
  const whole = (abs / 100n).toString()
  const kop = abs % 100n
  const frac = kop === 0n ? '' : decimalSep(locale) + kop.toString().padStart(2, '0')
  return (neg ? '-' : '') + whole + frac
}

/** Basis points as a percent text: 1000 → "10", 1050 → "10,5", 125 → "1,25". */
export function formatBp(bp: number | null | undefined, locale: Locale = 'ru'): string {
  if (bp === null || bp === undefined) return '—'
  const v = Math.trunc(bp)
  const neg = v < 0
  const abs = Math.abs(v)
  const whole = Math.floor(abs / 100)
  const frac = (abs % 100).toString().padStart(2, '0').replace(/0+$/, '')
  return (neg ? '−' : '') + whole + (frac ? decimalSep(locale) + frac : '')
}

/** Percent text → basis points: "10" → 1000, "10,5" → 1050, "0.25" → 25. Null when invalid. */
export function parsePercentToBp(text: string): number | null {
  const cleaned = text.replace(/[\s%]/g, '').replace(',', '.')
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned)
  if (!m) return null
  return Number(m[1]) * 100 + Number(((m[2] ?? '') + '00').slice(0, 2))
}

/** A coefficient in basis points (10000 = ×1.00) as "×1,15". */
export function formatCoefficient(bp: number, locale: Locale = 'ru'): string {
  const v = Math.trunc(bp)
  const whole = Math.floor(v / 10000)
  const frac = (v % 10000).toString().padStart(4, '0').replace(/0+$/, '').padEnd(2, '0')
  return '×' + whole + decimalSep(locale) + frac
}

/** Sums kopeck amounts exactly. */
export function sumKopecks(values: Array<number | null | undefined>): number {
  let total = 0n
  for (const v of values) if (v !== null && v !== undefined) total += toBigInt(v)
  return Number(total)
}
