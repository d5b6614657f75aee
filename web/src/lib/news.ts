// What the news pages decide without the server: the share acknowledged, which lines of the
// report still wait, and the editor's request (a manager always writes to dealers).

import type { AckPartner, NewsAudience, NewsInput, NewsItem, Role } from '@/api/types'

/** Acknowledged share in whole percent (0 when nobody is addressed). */
export function ackPercent(p: { addressed: number; acknowledged: number }): number {
  if (p.addressed <= 0) return 0
  return Math.floor((p.acknowledged * 100) / p.addressed)
}

/** The partners that still have someone to acknowledge, most waiting first. */
export function partnersWaiting(partners: AckPartner[]): AckPartner[] {
  return partners
    .filter((p) => p.acknowledged < p.addressed)
    .sort((a, b) => b.addressed - b.acknowledged - (a.addressed - a.acknowledged))
}

/** Whether the reader still has to press «Ознакомлен». */
export function needsAck(n: Pick<NewsItem, 'requires_ack' | 'acknowledged_at' | 'status'>): boolean {
  return n.status === 'published' && n.requires_ack && !n.acknowledged_at
}

export interface NewsDraft {
  title: string
  body: string
  pinned: boolean
  requires_ack: boolean
  remind_after_days: number
  escalate_after_days: number
  roles: Role[]
  partners: number[]
  regions: string
  cities: string
  /** 'draft', 'now', or 'at' (publish_at) */
  publish: 'draft' | 'now' | 'at'
  publish_at: string | null
}

export function emptyDraft(): NewsDraft {
  return {
    title: '',
    body: '',
    pinned: false,
    requires_ack: false,
    remind_after_days: 3,
    escalate_after_days: 4,
    roles: [],
    partners: [],
    regions: '',
    cities: '',
    publish: 'draft',
    publish_at: null,
  }
}

/** A comma- or line-separated list, trimmed, without blanks and repeats. */
export function splitList(s: string): string[] {
  return [...new Set(s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean))]
}

/** The editor's request; a manager addresses dealers only (the server insists too). */
export function draftToInput(d: NewsDraft, author: Role): NewsInput {
  const audience: NewsAudience = {
    roles: author === 'manager' ? ['dealer'] : d.roles,
    partners: d.partners,
    regions: splitList(d.regions),
    cities: splitList(d.cities),
  }
  const input: NewsInput = {
    title: d.title.trim(),
    body: d.body,
    pinned: d.pinned,
    requires_ack: d.requires_ack,
    remind_after_days: d.remind_after_days,
    escalate_after_days: d.escalate_after_days,
    audience,
  }
  if (d.publish !== 'draft') {
    input.publish = true
    input.publish_at = d.publish === 'at' ? d.publish_at : null
  }
  return input
}

/** The editor filled from a saved item. */
export function itemToDraft(n: NewsItem): NewsDraft {
  return {
    ...emptyDraft(),
    title: n.title,
    body: n.body_markdown,
    pinned: n.pinned,
    requires_ack: n.requires_ack,
    remind_after_days: n.remind_after_days,
    escalate_after_days: n.escalate_after_days,
    roles: n.audience.roles,
    partners: n.audience.partners,
    regions: n.audience.regions.join(', '),
    cities: n.audience.cities.join(', '),
  }
}

/** A file's size for people: «820 Б», «14,2 КБ», «3,5 МБ» (decimal comma in Russian). */
export function fileSize(bytes: number, locale: 'ru' | 'en' = 'ru'): string {
  const units = locale === 'ru' ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const n = i === 0 ? String(v) : v.toFixed(1)
  return `${locale === 'ru' ? n.replace('.', ',') : n} ${units[i]}`
}

/** Files a news item may carry (the server checks again by content). */
export const NEWS_FILE_ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.docx,.xlsx,.pptx'
export const NEWS_FILE_MAX_BYTES = 20 * 1024 * 1024
