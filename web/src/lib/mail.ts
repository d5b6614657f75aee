// What the «Почта» page shows of a message's delivery. Pure, so it is unit-tested.
import type { MailMessage, MailStatus } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

/** The colour of a delivery status: sent is done, failed needs the admin, the rest are on their way. */
export function mailStatusTag(status: MailStatus | string): TagType {
  switch (status) {
    case 'sent':
      return 'success'
    case 'failed':
      return 'danger'
    case 'sending':
      return 'primary'
    default:
      return 'warning'
  }
}

/** Only a message that could not be delivered is sent again: any other would arrive twice. */
export const canResend = (m: Pick<MailMessage, 'status'>): boolean => m.status === 'failed'

/** Whether the list still has messages on their way, worth refreshing for. */
export const stillMoving = (items: Pick<MailMessage, 'status'>[]): boolean =>
  items.some((m) => m.status === 'queued' || m.status === 'sending')

/**
 * The HTML part as the page shows it: in a sandboxed frame (no scripts, no same origin), links
 * opening outside it.
 */
export function framedHTML(html: string): string {
  const base = '<base target="_blank">'
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (h) => h + base) : base + html
}
