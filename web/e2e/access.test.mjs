// Field errors from the server and role boundaries, plus the screenshots of the admin cabinet
// and of the dealer's phone layout. Needs the whole stack running (make run).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertNoCspViolations, apiResponse, assertServerUp, fillVehicle, launch, login, moscowToday, newPage, screenshot } from './helpers.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

describe('errors and access', { concurrency: false }, () => {
  test('5. a bad VIN shows the server’s error next to the field', { timeout: 120_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'dealer@karso.test')
    await page.goto('/sales/new')
    await page.locator('[data-testid="step-vehicle"]').waitFor()
    await fillVehicle(page, {
      vin: 'XTA21099O1234567Q', // 17 characters, but O and Q are not allowed in a VIN
      make: 'Lada',
      model: 'Vesta',
      year: 2021,
      mileage_km: 40000,
      engine_power_hp: 106,
      engine_volume_cc: 1596,
      category: 'used',
      sold_on: moscowToday(),
    })
    const [res] = await Promise.all([
      apiResponse(page, 'PUT', /\/api\/v1\/sales\/[^/]+\/vehicle$/),
      page.locator('[data-testid="wizard-next"]').click(),
    ])
    assert.equal(res.status(), 422)
    const body = await res.json()
    const message = body?.error?.fields?.vin ?? body?.error?.fields?.['vehicle.vin']
    assert.ok(message, `the 422 names the vin field: ${JSON.stringify(body)}`)
    const shown = page.locator('[data-testid="field-vin"] .el-form-item__error')
    await shown.waitFor()
    assert.equal((await shown.innerText()).trim(), message.trim())
    // Still on the vehicle step, nothing lost.
    assert.equal(await page.locator('[data-testid="vehicle-make"] input, input[data-testid="vehicle-make"]').first().inputValue(), 'Lada')
    await page.context().close()
  })

  test('6. a dealer cannot open an admin page', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'dealer@karso.test')
    assert.equal(await page.locator('[data-testid^="menu-admin-"]').count(), 0, 'no admin items in the dealer menu')
    await page.goto('/admin/users')
    await page.locator('[data-testid="forbidden"]').waitFor()
    assert.equal(await page.locator('[data-testid="users-table"]').count(), 0)
    const status = await page.evaluate(async () => (await fetch('/api/v1/users', { credentials: 'same-origin' })).status)
    assert.equal(status, 403)
    await page.context().close()
  })

  test('the admin cabinet opens on users, and a deep link survives a reload', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    assert.equal(new URL(page.url()).pathname, '/admin/users')
    await page.locator('[data-testid="users-table"]').waitFor()
    await screenshot(page, 'admin-users.png')
    await page.goto('/admin/partners')
    await page.locator('[data-testid="partners-table"]').waitFor()
    await page.reload()
    await page.locator('[data-testid="partners-table"]').waitFor()
    await screenshot(page, 'admin-partners.png')
    await page.context().close()
  })

  test('the admin finds the stuck sales page from the menu', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    await page.locator('[data-testid="menu-admin-stuck-sales"]').click()
    await page.waitForURL((u) => u.pathname === '/admin/stuck-sales')
    await page.locator('[data-testid="stuck-table"], [data-testid="stuck-empty"]').first().waitFor()
    await screenshot(page, 'admin-stuck-sales.png')
    await page.context().close()
  })

  test('the dealer dashboard works at phone width', { timeout: 60_000 }, async () => {
    const page = await newPage(browser, { phone: true })
    await login(page, 'dealer@karso.test')
    await page.locator('[data-testid="dashboard-stats"]').waitFor()
    assert.equal(await page.locator('[data-testid="sidebar"]').count(), 0, 'no fixed sidebar on a phone')
    await screenshot(page, 'dealer-dashboard-phone.png')
    await page.locator('[data-testid="menu-toggle"]').click()
    await page.locator('[data-testid="menu-sales"]').click()
    await page.waitForURL((u) => u.pathname === '/sales')
    await page.context().close()
  })
})
