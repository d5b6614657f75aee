import { describe, expect, it } from 'vitest'
import { badgeCount, menuCount } from './notices'

describe('badgeCount', () => {
  it('shows nothing for none and caps long counts', () => {
    expect(badgeCount(0)).toBe('')
    expect(badgeCount(-1)).toBe('')
    expect(badgeCount(1)).toBe('1')
    expect(badgeCount(99)).toBe('99')
    expect(badgeCount(100)).toBe('99+')
  })
})

describe('menuCount', () => {
  const s = { unread: 3, open_tasks: 2, approvals_waiting: 4, latest_id: 9 }
  it('puts the waiting sales on the approvals item only', () => {
    expect(menuCount('approvals', s)).toBe(4)
    expect(menuCount('sales', s)).toBe(0)
  })
})
