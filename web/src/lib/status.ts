// How sale and payment statuses look: the colour of their tags and their order.

import type { PaymentStatus, SaleStatus } from '@/api/types'

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

const SALE_TAG: Record<SaleStatus, TagType> = {
  draft: 'info',
  pending_approval: 'warning',
  awaiting_payment: 'primary',
  active: 'success',
  closed: 'info',
  rejected: 'danger',
  expired: 'info',
  cancelled: 'danger',
}

const PAYMENT_TAG: Record<PaymentStatus, TagType> = {
  pending: 'primary',
  retrying: 'warning',
  succeeded: 'success',
  failed: 'danger',
  refunded: 'info',
}

export function saleTag(status: string | null | undefined): TagType {
  return (status && SALE_TAG[status as SaleStatus]) || 'info'
}

export function paymentTag(status: string | null | undefined): TagType {
  return (status && PAYMENT_TAG[status as PaymentStatus]) || 'info'
}

/** Failing payments first, then retrying, then the rest; newest first within a group. */
export function paymentUrgency(status: string): number {
  return status === 'failed' ? 0 : status === 'retrying' ? 1 : status === 'pending' ? 2 : 3
}

export function sortPaymentsByUrgency<T extends { status: string; created_at: string }>(items: T[]): T[] {
  return [...items].sort(
    (a, b) => paymentUrgency(a.status) - paymentUrgency(b.status) || (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0),
  )
}

/** The sale's progress for the step bar on its page. */
export const SALE_PROGRESS: SaleStatus[] = ['draft', 'pending_approval', 'awaiting_payment', 'active', 'closed']

export function progressIndex(status: SaleStatus): number {
  const i = SALE_PROGRESS.indexOf(status)
  return i === -1 ? -1 : i
}
