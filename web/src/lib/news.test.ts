import { describe, expect, it } from 'vitest'
import { ackPercent, draftToInput, emptyDraft, fileSize, needsAck, partnersWaiting, splitList } from './news'

describe('news', () => {
  it('counts the acknowledged share in whole percent', () => {
    expect(ackPercent({ addressed: 3, acknowledged: 2 })).toBe(66)
    expect(ackPercent({ addressed: 0, acknowledged: 0 })).toBe(0)
    expect(ackPercent({ addressed: 4, acknowledged: 4 })).toBe(100)
  })

  it('lists the partners still waiting, most waiting first', () => {
    const p = (name: string, addressed: number, acknowledged: number) =>
      ({ partner_id: 1, partner_name: name, salons: '', addressed, acknowledged })
    expect(partnersWaiting([p('a', 2, 2), p('b', 3, 2), p('c', 5, 1)]).map((x) => x.partner_name)).toEqual(['c', 'b'])
  })

  it('asks for «Ознакомлен» only on a published item that requires it and is not acknowledged', () => {
    expect(needsAck({ status: 'published', requires_ack: true, acknowledged_at: null })).toBe(true)
    expect(needsAck({ status: 'published', requires_ack: true, acknowledged_at: '2026-03-01T10:00:00Z' })).toBe(false)
    expect(needsAck({ status: 'published', requires_ack: false, acknowledged_at: null })).toBe(false)
    expect(needsAck({ status: 'archived', requires_ack: true, acknowledged_at: null })).toBe(false)
  })

  it('splits regions and cities by commas and lines', () => {
    expect(splitList(' Москва, Казань\nМосква ,, ')).toEqual(['Москва', 'Казань'])
  })

  it('builds the request: a manager writes to dealers, a draft is not published', () => {
    const d = { ...emptyDraft(), title: '  Тарифы ', roles: ['finance' as const], partners: [3], cities: 'Казань' }
    const asManager = draftToInput(d, 'manager')
    expect(asManager.title).toBe('Тарифы')
    expect(asManager.audience).toEqual({ roles: ['dealer'], partners: [3], regions: [], cities: ['Казань'] })
    expect(asManager.publish).toBeUndefined()
    const now = draftToInput({ ...d, publish: 'now' }, 'admin')
    expect(now.audience.roles).toEqual(['finance'])
    expect(now.publish).toBe(true)
    expect(now.publish_at).toBeNull()
    const at = draftToInput({ ...d, publish: 'at', publish_at: '2026-04-01T09:00:00+03:00' }, 'admin')
    expect(at.publish_at).toBe('2026-04-01T09:00:00+03:00')
  })

  it('words file sizes', () => {
    expect(fileSize(820)).toBe('820 Б')
    expect(fileSize(14_540)).toBe('14,2 КБ')
    expect(fileSize(3_670_016, 'en')).toBe('3.5 MB')
  })
})
