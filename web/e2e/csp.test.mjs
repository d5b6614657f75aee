// Every page of every cabinet under the Content-Security-Policy the API sends (api/security.go:
// no inline script; styles only from our origin, style attributes allowed): each role opens each
// of its pages, the tariff editor and the template's PDF preview, and the run fails on any
// violation (helpers.mjs collects them). Needs the whole stack running (make run).
import { after, before, describe, test } from 'node:test'
import { assertNoCspViolations, assertServerUp, launch, login, newPage } from './helpers.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

const pages = {
  'dealer@karso.test': ['/dashboard', '/sales', '/sales/new', '/stats', '/reports', '/documents', '/news', '/notifications', '/profile'],
  'manager@karso.test': ['/approvals', '/my-salons', '/sales', '/stats', '/reports', '/notifications'],
  'finance@karso.test': ['/finance/payments', '/finance/overdue', '/finance/closings', '/documents', '/stats', '/reports'],
  'admin@karso.test': ['/admin/users', '/admin/partners', '/admin/partners/1', '/admin/salons', '/admin/assignments',
    '/admin/tariffs', '/admin/tariffs/basic', '/admin/vehicle-makes', '/admin/templates', '/admin/templates/contract',
    '/admin/audit', '/admin/api-keys', '/admin/stuck-sales', '/admin/mail', '/approvals', '/sales', '/stats', '/reports',
    '/documents', '/news', '/news/manage', '/finance/payments', '/finance/closings', '/profile'],
}

describe('the CSP holds on every page', { concurrency: false }, () => {
  test('the pages before sign-in', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    for (const path of ['/login', '/forgot-password', '/reset-password?token=none']) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
    }
    await page.context().close()
  })

  for (const [email, paths] of Object.entries(pages)) {
    test(`${email} opens every page of their cabinet`, { timeout: 120_000 }, async () => {
      const page = await newPage(browser)
      await login(page, email)
      for (const path of paths) {
        await page.goto(path)
        await page.waitForLoadState('networkidle')
      }
      if (email.startsWith('admin')) {
        await page.goto('/admin/tariffs/basic')
        await page.locator('[data-testid="tariff-new-version"]').click()
        await page.locator('[data-testid="tariff-editor"]').waitFor()
        await page.goto('/admin/templates/contract')
        await page.locator('[data-testid="template-preview"]').click()
        await page.locator('[data-testid="template-preview-frame"]').waitFor()
        await page.waitForLoadState('networkidle')
      }
      await page.context().close()
    })
  }
})
