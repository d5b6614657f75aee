import { useI18n } from 'vue-i18n'
import type { Locale } from '@/api/types'
import { formatBp, formatCoefficient, formatKopecks, groupThousands, type MoneyFormatOptions } from '@/lib/money'
import { formatDate, formatDateTime, formatMonth } from '@/lib/dates'

/** Formatting bound to the current language: money in roubles, dates in company time. */
export function useFmt() {
  const { locale } = useI18n()
  const l = () => locale.value as Locale
  return {
    money: (k: number | null | undefined, opts: MoneyFormatOptions = {}) => formatKopecks(k, { locale: l(), ...opts }),
    date: (v: string | null | undefined) => formatDate(v, l()),
    dateTime: (v: string | null | undefined) => formatDateTime(v, l()),
    month: (v: string | null | undefined) => formatMonth(v, l()),
    bp: (v: number | null | undefined) => formatBp(v, l()),
    coef: (v: number) => formatCoefficient(v, l()),
    /** A whole number with thousands separators: 32000 → "32 000". */
    num: (v: number | null | undefined) =>
      v === null || v === undefined ? '—' : (v < 0 ? '−' : '') + groupThousands(String(Math.abs(Math.trunc(v))), l() === 'en' ? ',' : '\u00a0'),
  }
}
