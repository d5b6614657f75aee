// Who may open which screen, and what each role sees in its menu. The router reads
// ROUTE_ROLES for its guards; the sidebar reads menuFor(role). Pure, so it is unit-tested.

import type { Role } from '@/api/types'

export const ALL_ROLES: Role[] = ['admin', 'manager', 'dealer', 'finance']

/** Route name → the roles allowed to open it. */
export const ROUTE_ROLES = {
  dashboard: ['dealer'],
  sales: ['dealer', 'manager', 'finance', 'admin'],
  'sale-new': ['dealer'],
  'sale-edit': ['dealer'],
  sale: ['dealer', 'manager', 'finance', 'admin'],
  approvals: ['manager', 'admin'],
  'manager-salons': ['manager'],
  stats: ['dealer', 'manager', 'finance', 'admin'],
  reports: ['dealer', 'manager', 'finance', 'admin'],
  report: ['dealer', 'manager', 'finance', 'admin'],
  closings: ['finance', 'admin'],
  payments: ['finance', 'admin'],
  overdue: ['finance', 'admin'],
  documents: ['finance', 'dealer', 'admin'],
  'admin-users': ['admin'],
  'admin-partners': ['admin'],
  'admin-partner': ['admin'],
  'admin-salons': ['admin'],
  'admin-assignments': ['admin'],
  'admin-tariffs': ['admin'],
  'admin-tariff': ['admin'],
  'admin-vehicle-makes': ['admin'],
  'admin-templates': ['admin'],
  'admin-template': ['admin'],
  'admin-audit': ['admin'],
  'admin-stuck-sales': ['admin'],
  news: ['dealer', 'manager', 'finance', 'admin'],
  'news-item': ['dealer', 'manager', 'finance', 'admin'],
  'news-manage': ['admin', 'manager'],
  'admin-mail': ['admin'],
  'admin-api-keys': ['admin'],
  profile: ['dealer', 'manager', 'finance', 'admin'],
  notifications: ['dealer', 'manager', 'finance', 'admin'],
} as const satisfies Record<string, readonly Role[]>

export type RouteName = keyof typeof ROUTE_ROLES

export interface MenuItem {
  /** Route name the item opens. */
  route: RouteName
  path: string
  /** i18n key of the label. */
  label: string
  /** Name of an @element-plus/icons-vue icon. */
  icon: string
  /** i18n key of the group heading the item starts, if any. */
  group?: string
}

const item = (route: RouteName, path: string, label: string, icon: string, group?: string): MenuItem => ({
  route,
  path,
  label,
  icon,
  group,
})

const MENUS: Record<Role, MenuItem[]> = {
  dealer: [
    item('dashboard', '/dashboard', 'menu.dashboard', 'Odometer'),
    item('sale-new', '/sales/new', 'menu.newSale', 'CirclePlus'),
    item('sales', '/sales', 'menu.sales', 'Tickets'),
    item('documents', '/documents', 'menu.documents', 'Folder'),
    item('stats', '/stats', 'menu.stats', 'TrendCharts'),
    item('reports', '/reports', 'menu.reports', 'DataAnalysis'),
    item('news', '/news', 'menu.news', 'Reading'),
  ],
  manager: [
    item('approvals', '/approvals', 'menu.approvals', 'Stamp'),
    item('sales', '/sales', 'menu.sales', 'Tickets'),
    item('manager-salons', '/my-salons', 'menu.mySalons', 'Shop'),
    item('stats', '/stats', 'menu.stats', 'TrendCharts'),
    item('reports', '/reports', 'menu.reports', 'DataAnalysis'),
    item('news', '/news', 'menu.news', 'Reading'),
    item('news-manage', '/news/manage', 'menu.newsManage', 'EditPen'),
  ],
  finance: [
    item('payments', '/finance/payments', 'menu.payments', 'Wallet'),
    item('overdue', '/finance/overdue', 'menu.overdue', 'AlarmClock'),
    item('closings', '/finance/closings', 'menu.closings', 'Finished'),
    item('documents', '/documents', 'menu.archive', 'Folder'),
    item('sales', '/sales', 'menu.sales', 'Tickets'),
    item('stats', '/stats', 'menu.stats', 'TrendCharts'),
    item('reports', '/reports', 'menu.reports', 'DataAnalysis'),
    item('news', '/news', 'menu.news', 'Reading'),
  ],
  admin: [
    item('admin-users', '/admin/users', 'menu.users', 'User', 'menu.groupAdmin'),
    item('admin-partners', '/admin/partners', 'menu.partners', 'OfficeBuilding'),
    item('admin-salons', '/admin/salons', 'menu.salons', 'Shop'),
    item('admin-assignments', '/admin/assignments', 'menu.assignments', 'Connection'),
    item('admin-tariffs', '/admin/tariffs', 'menu.tariffs', 'PriceTag'),
    item('admin-vehicle-makes', '/admin/vehicle-makes', 'menu.vehicleMakes', 'Van'),
    item('admin-templates', '/admin/templates', 'menu.templates', 'Document'),
    item('admin-audit', '/admin/audit', 'menu.audit', 'List'),
    item('admin-stuck-sales', '/admin/stuck-sales', 'menu.stuckSales', 'AlarmClock'),
    item('news-manage', '/news/manage', 'menu.newsManage', 'EditPen'),
    item('admin-mail', '/admin/mail', 'menu.mail', 'Message'),
    item('admin-api-keys', '/admin/api-keys', 'menu.apiKeys', 'Key'),
    item('sales', '/sales', 'menu.sales', 'Tickets', 'menu.groupWork'),
    item('approvals', '/approvals', 'menu.approvals', 'Stamp'),
    item('payments', '/finance/payments', 'menu.payments', 'Wallet'),
    item('documents', '/documents', 'menu.archive', 'Folder'),
    item('stats', '/stats', 'menu.stats', 'TrendCharts'),
    item('reports', '/reports', 'menu.reports', 'DataAnalysis'),
    item('closings', '/finance/closings', 'menu.closings', 'Finished'),
    item('news', '/news', 'menu.news', 'Reading'),
  ],
}

/** The sidebar of a role. */
export function menuFor(role: Role | null | undefined): MenuItem[] {
  return role ? MENUS[role] ?? [] : []
}

/** Where a role lands after login or on "/". */
export function homeFor(role: Role | null | undefined): string {
  return menuFor(role)[0]?.path ?? '/profile'
}

/** Whether a role may open a route; routes without a roles list are open to any signed-in user. */
export function canAccess(role: Role | null | undefined, roles: readonly Role[] | undefined): boolean {
  if (!roles) return true
  return !!role && roles.includes(role)
}

/** The menu item a path belongs to: the longest matching prefix, exact matches first. */
export function activeMenuPath(path: string, items: MenuItem[]): string {
  let best = ''
  for (const it of items) {
    if (path === it.path) return it.path
    if (path.startsWith(it.path + '/') && it.path.length > best.length) best = it.path
  }
  return best
}

/** A safe redirect target from ?next=: only app-local paths, never another origin. */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null
  if (next.startsWith('/login')) return null
  return next
}
