// The notification centre and a forgotten password, as people meet them: the manager's bell
// counts a flagged sale the moment the dealer submits it (no reload), and a dealer who forgot
// the password sets a new one from the link in the mail. Needs the whole stack (make run, or
// scripts/e2e.sh) and, for the mail, the Mailpit it starts (MAILPIT_URL).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  apiSession,
  assertServerUp,
  fill,
  launch,
  login,
  newPage,
  receivedMail,
  screenshot,
  submitFlaggedSale,
  assertNoCspViolations,
} from './helpers.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

const countOf = (page, testid) =>
  page.evaluate((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.count ?? 0), testid)

describe('the notification centre', { concurrency: false }, () => {
  test('7. the manager sees the counter rise when a dealer submits a flagged sale, without reloading', { timeout: 180_000 }, async () => {
    const manager = await newPage(browser)
    await login(manager, 'manager@karso.test')
    await manager.locator('[data-testid="bell-count"][data-loaded="true"]').waitFor({ state: 'attached' })
    const unreadBefore = await countOf(manager, 'bell-count')
    const waitingBefore = await countOf(manager, 'menu-count-approvals')
    // a mark on this page: a reload or a navigation would wipe it
    await manager.evaluate(() => {
      window.__sameDocument = true
    })
    let navigations = 0
    manager.on('framenavigated', (f) => {
      if (f === manager.mainFrame()) navigations++
    })

    const saleId = await submitFlaggedSale('dealer@karso.test')

    // the bell polls every 15 s: the counter and the approvals item rise by themselves
    await manager.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="bell-count"]')?.dataset.count ?? 0) > before,
      unreadBefore,
      { timeout: 90_000, polling: 500 },
    )
    await manager.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="menu-count-approvals"]')?.dataset.count ?? 0) > before,
      waitingBefore,
      { timeout: 30_000, polling: 500 },
    )
    assert.equal(await manager.evaluate(() => window.__sameDocument), true, 'the page was not reloaded')
    assert.equal(navigations, 0, 'the page did not navigate')
    await screenshot(manager, 'manager-bell.png')

    // the bell's panel lists the notice; it opens the sale and is then read
    await manager.locator('[data-testid="bell"]').click()
    const panel = manager.locator('[data-testid="bell-panel"]')
    await panel.waitFor()
    const notice = panel.locator('[data-testid^="bell-notice-"]').filter({ hasText: 'Land Cruiser' }).first()
    await notice.waitFor()
    await screenshot(manager, 'manager-bell-open.png')
    const before = await countOf(manager, 'bell-count')
    await notice.click()
    await manager.waitForURL((u) => u.pathname === `/sales/${saleId}`)
    await manager.waitForFunction(
      (b) => Number(document.querySelector('[data-testid="bell-count"]')?.dataset.count ?? 0) === b - 1,
      before,
      { timeout: 20_000 },
    )

    // its task waits on the notifications page until the manager decides
    await manager.goto('/notifications?tab=tasks')
    await manager.locator('[data-testid="tasks-list"] [data-testid^="task-"]').first().waitFor()
    await screenshot(manager, 'manager-notifications.png')
    await manager.context().close()
  })

  test('8. a dealer resets a forgotten password from the link in the mail', { timeout: 120_000 }, async () => {
    // a dealer of «Автомир» of their own, so that the demo logins keep their password
    const admin = await apiSession('admin@karso.test')
    const partners = await admin.call('GET', '/partners?q=' + encodeURIComponent('Автомир'))
    const partner = partners.body.items.find((p) => p.name.includes('Автомир'))
    assert.ok(partner, `the demo partner «Автомир»: ${JSON.stringify(partners.body)}`)
    const email = `forgetful.${Date.now()}@karso.test`
    const created = await admin.call('POST', '/users', {
      email,
      password: 'first-pass-1',
      role: 'dealer',
      partner_id: partner.id,
      full_name: 'Забывчивый Дилер',
      locale: 'ru',
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const elsewhere = await apiSession(email, 'first-pass-1') // signed in on another device

    const page = await newPage(browser)
    await page.goto('/login')
    await page.locator('[data-testid="login-forgot"]').click()
    await page.waitForURL((u) => u.pathname === '/forgot-password')
    await fill(page, 'forgot-email', email)
    await page.locator('[data-testid="forgot-submit"]').click()
    await page.locator('[data-testid="forgot-sent"]').waitFor()
    await screenshot(page, 'forgot-password.png')

    // the link is taken from the mail as it reached the mail server
    const resetLink = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/
    const mail = await receivedMail(email, resetLink)
    const link = mail.match(resetLink)?.[0]
    assert.ok(link, `a reset link in the mail: ${mail}`)
    const url = new URL(link)
    assert.equal(url.origin, new URL(BASE).origin, 'the link points at the cabinets (PUBLIC_URL)')

    await page.goto(url.pathname + url.search)
    await page.locator('[data-testid="reset-password"]').waitFor()
    await page.waitForURL((u) => !u.search.includes('token='))
    await fill(page, 'reset-password', 'new-pass-2026')
    await fill(page, 'reset-repeat', 'new-pass-2026')
    await screenshot(page, 'reset-password.png')
    await page.locator('[data-testid="reset-submit"]').click()
    await page.waitForURL((u) => u.pathname === '/login')
    await page.locator('[data-testid="login-reset-done"]').waitFor()

    // the new password opens the cabinet; the session on the other device has ended
    await page.locator('[data-testid="login-email"] input, input[data-testid="login-email"]').first().fill(email)
    await page.locator('[data-testid="login-password"] input, input[data-testid="login-password"]').first().fill('new-pass-2026')
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL((u) => u.pathname === '/dashboard')
    assert.equal((await elsewhere.call('GET', '/me')).status, 401, 'the old session is ended')

    // the profile chooses which notices also come by mail, and keeps the choice
    await page.goto('/profile')
    const toggle = page.locator('[data-testid="mail-pref-switch-payment_received"]')
    await toggle.waitFor()
    assert.match((await toggle.getAttribute('class')) ?? '', /is-checked/, 'mailed until turned off')
    await toggle.click()
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/v1/me/notification-preferences')),
      page.locator('[data-testid="mail-prefs-save"]').click(),
    ])
    assert.equal(saved.status(), 200, await saved.text())
    await screenshot(page, 'profile-mail-prefs.png')
    await page.reload()
    await toggle.waitFor()
    assert.doesNotMatch((await toggle.getAttribute('class')) ?? '', /is-checked/, 'the choice is kept')

    // the link works once
    const again = await newPage(browser)
    await again.goto(url.pathname + url.search)
    await fill(again, 'reset-password', 'third-pass-2026')
    await fill(again, 'reset-repeat', 'third-pass-2026')
    await again.locator('[data-testid="reset-submit"]').click()
    await again.locator('[data-testid="reset-invalid"]').waitFor()
    await again.context().close()
    await page.context().close()
  })
})
