// What the bell and the menu show, from the counters of /notifications/summary. Pure, so it
// is unit-tested.

import type { NotificationSummary } from '@/api/types'
import type { RouteName } from '@/lib/access'

/** The badge text of a count: nothing for 0, "99+" past 99. */
export function badgeCount(n: number, max = 99): string {
  if (!n || n < 0) return ''
  return n > max ? `${max}+` : String(n)
}

/** The count a menu item carries: the approvals queue shows how many sales wait. */
export function menuCount(route: RouteName, s: NotificationSummary): number {
  return route === 'approvals' ? s.approvals_waiting : 0
}
