import { describe, expect, it } from 'vitest'
import {
  formatBp,
  formatCoefficient,
  formatKopecks,
  groupThousands,
  kopecksToInput,
  parsePercentToBp,
  parseRoublesToKopecks,
  sumKopecks,
} from './money'

const S = '\u00a0'

describe('formatKopecks', () => {
  it.each([
    [0, `0${S}₽`],
    [100, `1${S}₽`],
    [1234500, `12${S}345${S}₽`],
    [1234550, `12${S}345,50${S}₽`],
    [1234505, `12${S}345,05${S}₽`],
    [99, `0,99${S}₽`],
    [123456789012, `1${S}234${S}567${S}890,12${S}₽`],
    [-1234500, `−12${S}345${S}₽`],
    ['1234500', `12${S}345${S}₽`],
    [900719925474099100n, `9${S}007${S}199${S}254${S}740${S}991${S}₽`],
  ])('%s → %s', (k, want) => {
    expect(formatKopecks(k)).toBe(want)
  })

  it('uses English separators for en', () => {
    expect(formatKopecks(123456750, { locale: 'en' })).toBe(`1,234,567.50${S}₽`)
  })

  it('shows a dash for missing amounts', () => {
    expect(formatKopecks(null)).toBe('—')
    expect(formatKopecks(undefined)).toBe('—')
  })

  it('signs differences and can omit the currency', () => {
    expect(formatKopecks(50000, { signed: true })).toBe(`+500${S}₽`)
    expect(formatKopecks(-50000, { signed: true })).toBe(`−500${S}₽`)
    expect(formatKopecks(0, { signed: true })).toBe(`0${S}₽`)
    expect(formatKopecks(1234500, { bare: true, alwaysKopecks: true })).toBe(`12${S}345,00`)
  })

  it('never suffers float rounding', () => {
    // 0.1 + 0.2 style errors cannot happen: 1999999999999 kopecks stays exact.
    expect(formatKopecks(1999999999999)).toBe(`19${S}999${S}999${S}999,99${S}₽`)
  })
})

describe('groupThousands', () => {
  it.each([
    ['1', '1'],
    ['12', '12'],
    ['123', '123'],
    ['1234', '1 234'],
    ['123456', '123 456'],
    ['1234567', '1 234 567'],
  ])('%s', (d, want) => expect(groupThousands(d, ' ')).toBe(want))
})

describe('parseRoublesToKopecks', () => {
  it.each([
    ['12345', 1234500],
    ['12 345', 1234500],
    [`12${S}345,5`, 1234550],
    ['12345.05', 1234505],
    ['0,99', 99],
    ['1 000 000 ₽', 100000000],
    ['-10', -1000],
    ['10,', 1000],
  ])('%s → %s', (t, want) => expect(parseRoublesToKopecks(t)).toBe(want))

  it.each(['', 'abc', '1,234,5', '12.345', '1.2.3'])('refuses %j', (t) => {
    expect(parseRoublesToKopecks(t)).toBeNull()
  })

  it('round-trips with kopecksToInput', () => {
    for (const k of [0, 1, 99, 100, 1234550, 987654321]) {
      expect(parseRoublesToKopecks(kopecksToInput(k))).toBe(k)
    }
  })
})

describe('percent and coefficients', () => {
  it('formats basis points as percent', () => {
    expect(formatBp(1000)).toBe('10')
    expect(formatBp(1050)).toBe('10,5')
    expect(formatBp(125)).toBe('1,25')
    expect(formatBp(5, 'en')).toBe('0.05')
    expect(formatBp(null)).toBe('—')
  })
  it('parses percent to basis points', () => {
    expect(parsePercentToBp('10')).toBe(1000)
    expect(parsePercentToBp('10,5')).toBe(1050)
    expect(parsePercentToBp('0.25 %')).toBe(25)
    expect(parsePercentToBp('x')).toBeNull()
    expect(parsePercentToBp('1.234')).toBeNull()
  })
  it('formats coefficients', () => {
    expect(formatCoefficient(10000)).toBe('×1,00')
    expect(formatCoefficient(11500)).toBe('×1,15')
    expect(formatCoefficient(9250, 'en')).toBe('×0.925')
    expect(formatCoefficient(12345)).toBe('×1,2345')
  })
  it('sums exactly', () => {
    expect(sumKopecks([10, 20, null, 30])).toBe(60)
  })
})
