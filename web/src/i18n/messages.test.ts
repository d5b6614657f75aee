import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import ru from './ru'
import en from './en'
import { i18n } from './index'
import { ALL_ROLES, menuFor } from '@/lib/access'
import { MAIL_KINDS, MAIL_STATUSES, SALE_STATUSES, STATS_GROUPINGS } from '@/api/types'
import { METRICS, PERIOD_PRESETS } from '@/lib/stats'
import { CATEGORIES, STEPS } from '@/lib/wizard'

type Tree = { [k: string]: string | Tree }

function get(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree)
}

function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v, `${prefix}${k}.`)))
}

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts') ? [p] : []
  })
}

describe('messages', () => {
  it('English has exactly the Russian keys', () => {
    expect(keysOf(en as Tree).sort()).toEqual(keysOf(ru as Tree).sort())
  })

  it('every literal key used in the code exists in both languages', () => {
    const used = new Set<string>()
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\bte?\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(100)
    const missing = [...used].filter((k) => typeof get(ru as Tree, k) !== 'string' || typeof get(en as Tree, k) !== 'string')
    expect(missing).toEqual([])
  })

  it('covers every status, role, step, category and menu item', () => {
    const keys = [
      ...SALE_STATUSES.map((s) => `status.${s}`),
      ...ALL_ROLES.map((r) => `roles.${r}`),
      ...STEPS.map((s) => `wizard.steps.${s}`),
      ...CATEGORIES.map((c) => `category.${c}`),
      ...['pending', 'retrying', 'succeeded', 'failed', 'refunded'].map((s) => `paymentStatus.${s}`),
      ...ALL_ROLES.flatMap((r) => menuFor(r).flatMap((i) => [i.label, ...(i.group ? [i.group] : [])])),
      ...['approve', 'request_changes', 'reject'].flatMap((d) => [`decision.${d}`, `decision.confirm.${d}`, `decision.done.${d}`]),
      ...['rejected', 'cancelled', 'expired'].map((s) => `sale.terminal.${s}`),
      // statistics, reports and the closing build these keys at run time
      ...STATS_GROUPINGS.flatMap((g) => [`grouping.${g}`, `groupingColumn.${g}`]),
      ...['status', 'seller', 'method', 'purpose'].map((g) => `grouping.${g}`),
      ...METRICS.map((m) => `stats.metrics.${m.key}`),
      ...ALL_ROLES.map((r) => `stats.subtitle.${r}`),
      ...PERIOD_PRESETS.map((p) => `period.${p}`),
      ...['sales', 'payments'].map((s) => `reports.sources.${s}`),
      ...['text', 'int', 'money', 'date', 'datetime', 'percent'].map((k) => `reports.kinds.${k}`),
      ...['in_progress', 'documents_issued', 'reconciled', 'mismatch', 'closed'].map((s) => `closingStatus.${s}`),
      ...['sale', 'upsell', 'refund'].map((p) => `paymentPurpose.${p}`),
      ...['voided'].map((s) => `paymentStatus.${s}`),
      // the «Почта» page names every kind and status of mail
      ...MAIL_STATUSES.map((s) => `mail.statuses.${s}`),
      ...MAIL_KINDS.map((k) => `mail.kinds.${k}`),
    ]
    for (const lang of [ru, en] as Tree[]) {
      expect(keys.filter((k) => typeof get(lang, k) !== 'string')).toEqual([])
    }
  })

  it('uses Russian plural forms', () => {
    const t = (n: number) => i18n.global.t('common.months', n, { locale: 'ru' })
    expect(t(1)).toBe('1 месяц')
    expect(t(3)).toBe('3 месяца')
    expect(t(12)).toBe('12 месяцев')
    expect(t(21)).toBe('21 месяц')
    expect(t(24)).toBe('24 месяца')
    expect(t(36)).toBe('36 месяцев')
    expect(i18n.global.t('common.months', 12, { locale: 'en' })).toBe('12 months')
  })
})
