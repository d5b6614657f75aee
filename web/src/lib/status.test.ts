import { describe, expect, it } from 'vitest'
import { paymentTag, progressIndex, saleTag, sortPaymentsByUrgency } from './status'

describe('statuses', () => {
  it('colours tags', () => {
    expect(saleTag('active')).toBe('success')
    expect(saleTag('pending_approval')).toBe('warning')
    expect(saleTag('whatever')).toBe('info')
    expect(paymentTag('failed')).toBe('danger')
  })

  it('puts failing and retrying payments first', () => {
    const sorted = sortPaymentsByUrgency([
      { id: 1, status: 'succeeded', created_at: '2025-11-03' },
      { id: 2, status: 'retrying', created_at: '2025-11-01' },
      { id: 3, status: 'failed', created_at: '2025-11-02' },
      { id: 4, status: 'retrying', created_at: '2025-11-04' },
    ])
    expect(sorted.map((p) => p.id)).toEqual([3, 4, 2, 1])
  })

  it('orders the sale progress', () => {
    expect(progressIndex('draft')).toBe(0)
    expect(progressIndex('active')).toBe(3)
    expect(progressIndex('cancelled')).toBe(-1)
  })
})
