import { describe, expect, it } from 'vitest'
import { canResend, framedHTML, mailStatusTag, stillMoving } from './mail'
import { MAIL_STATUSES } from '@/api/types'

describe('mail page', () => {
  it('colours every status, failed as the one to act on', () => {
    expect(MAIL_STATUSES.map(mailStatusTag)).toEqual(['warning', 'primary', 'success', 'danger'])
  })

  it('sends again only what failed', () => {
    expect(MAIL_STATUSES.filter((status) => canResend({ status }))).toEqual(['failed'])
  })

  it('keeps refreshing while a message is on its way', () => {
    expect(stillMoving([{ status: 'sent' }, { status: 'queued' }])).toBe(true)
    expect(stillMoving([{ status: 'sending' }])).toBe(true)
    expect(stillMoving([{ status: 'sent' }, { status: 'failed' }])).toBe(false)
    expect(stillMoving([])).toBe(false)
  })

  it('opens the mail’s links outside the preview frame', () => {
    expect(framedHTML('<html><head><meta charset="utf-8"></head><body>x</body></html>')).toBe(
      '<html><head><base target="_blank"><meta charset="utf-8"></head><body>x</body></html>',
    )
    expect(framedHTML('<p>x</p>')).toBe('<base target="_blank"><p>x</p>')
  })
})
