import { describe, expect, it } from 'vitest'
import { ALL_ROLES, ROUTE_ROLES, activeMenuPath, canAccess, homeFor, menuFor, safeNext } from './access'

describe('role menus', () => {
  it('every role has a menu and a home in it', () => {
    for (const role of ALL_ROLES) {
      const items = menuFor(role)
      expect(items.length).toBeGreaterThan(0)
      expect(items.map((i) => i.path)).toContain(homeFor(role))
    }
  })

  it('every menu item opens a route the role may open', () => {
    for (const role of ALL_ROLES) {
      for (const it of menuFor(role)) {
        expect(canAccess(role, ROUTE_ROLES[it.route]), `${role} → ${it.route}`).toBe(true)
      }
    }
  })

  it('only admins see admin screens', () => {
    for (const role of ALL_ROLES) {
      const adminItems = menuFor(role).filter((i) => i.path.startsWith('/admin'))
      expect(adminItems.length > 0).toBe(role === 'admin')
    }
    expect(canAccess('dealer', ROUTE_ROLES['admin-users'])).toBe(false)
    expect(canAccess('manager', ROUTE_ROLES['admin-audit'])).toBe(false)
    expect(canAccess('finance', ROUTE_ROLES['admin-tariffs'])).toBe(false)
  })

  it('dealers sell, others do not', () => {
    expect(canAccess('dealer', ROUTE_ROLES['sale-new'])).toBe(true)
    for (const role of ['admin', 'manager', 'finance'] as const) {
      expect(canAccess(role, ROUTE_ROLES['sale-new'])).toBe(false)
      expect(menuFor(role).some((i) => i.route === 'sale-new')).toBe(false)
    }
  })

  it('statistics and reports for everyone, the monthly closing for finance and admins', () => {
    for (const role of ALL_ROLES) {
      const routes = menuFor(role).map((i) => i.route)
      expect(routes, role).toContain('stats')
      expect(routes, role).toContain('reports')
      expect(canAccess(role, ROUTE_ROLES.report)).toBe(true)
      expect(routes.includes('closings'), role).toBe(role === 'admin' || role === 'finance')
      expect(canAccess(role, ROUTE_ROLES.closings)).toBe(role === 'admin' || role === 'finance')
    }
  })

  it('lands each role on its main page', () => {
    expect(homeFor('dealer')).toBe('/dashboard')
    expect(homeFor('manager')).toBe('/approvals')
    expect(homeFor('finance')).toBe('/finance/payments')
    expect(homeFor('admin')).toBe('/admin/users')
    expect(homeFor(null)).toBe('/profile')
  })

  it('routes without roles are open, and nobody signed out gets in', () => {
    expect(canAccess('dealer', undefined)).toBe(true)
    expect(canAccess(null, ['admin'])).toBe(false)
  })

  it('highlights the right menu item', () => {
    const items = menuFor('dealer')
    expect(activeMenuPath('/sales', items)).toBe('/sales')
    expect(activeMenuPath('/sales/new', items)).toBe('/sales/new')
    expect(activeMenuPath('/sales/abc-123', items)).toBe('/sales')
    expect(activeMenuPath('/profile', items)).toBe('')
  })
})

describe('safeNext', () => {
  it('keeps app paths and refuses others', () => {
    expect(safeNext('/sales/42?tab=payment')).toBe('/sales/42?tab=payment')
    expect(safeNext('//evil.example')).toBeNull()
    expect(safeNext('/\\evil.example')).toBeNull()
    expect(safeNext('https://evil.example')).toBeNull()
    expect(safeNext('/login?next=/x')).toBeNull()
    expect(safeNext(undefined)).toBeNull()
  })
})
