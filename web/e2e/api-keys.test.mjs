// The admin's «Ключи API» page: a key is created, its secret is shown once and works against
// the public quote, rotating it retires the old secret, revoking it refuses the new one.
// Needs the whole stack running (make run).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, assertServerUp, confirmBox, fill, input, launch, login, newPage, screenshot } from './helpers.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
})

/** The public quote's status with a key, as the website would call it. */
async function quoteWith(secret) {
  const res = await fetch(`${BASE}/api/v1/public/quotes`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ vehicle: { make: 'Honda', year: 2022, mileage_km: 30000, engine_power_hp: 180, category: 'used' } }),
  })
  return res.status
}

/** Reads the secret from the one-time dialog and closes it. */
async function takeSecret(page) {
  const dialog = page.locator('[data-testid="api-key-secret-dialog"]')
  await dialog.waitFor()
  const secret = await input(page, 'api-key-secret').inputValue()
  await dialog.locator('.el-dialog__footer .el-button--primary').click()
  await dialog.waitFor({ state: 'hidden' })
  return secret
}

describe('integration keys', { concurrency: false }, () => {
  test('the admin creates, rotates and revokes a key for the website', { timeout: 120_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    await page.locator('[data-testid="menu-admin-api-keys"]').click()
    await page.waitForURL((u) => u.pathname === '/admin/api-keys')

    const name = `Сайт e2e ${Date.now()}`
    await page.locator('[data-testid="api-key-create"]').click()
    await fill(page, 'api-key-name', name)
    await page.locator('[data-testid="api-key-save"]').click()
    const secret = await takeSecret(page)
    assert.match(secret, /^ksk_live_[A-Za-z0-9_-]{43}$/)
    assert.equal(await quoteWith(secret), 200, 'the new key quotes')

    const row = page.locator('[data-testid="api-keys-table"] .el-table__row', { hasText: name })
    await row.waitFor()
    assert.ok((await row.innerText()).includes(secret.slice(0, 17)), 'the list names the key by its prefix')
    assert.ok(!(await page.content()).includes(secret), 'the list never shows the secret')
    await screenshot(page, 'admin-api-keys.png')

    await row.getByRole('button', { name: 'Сменить секрет' }).click()
    await confirmBox(page)
    const rotated = await takeSecret(page)
    assert.notEqual(rotated, secret)
    assert.equal(await quoteWith(secret), 401, 'the old secret is retired')
    assert.equal(await quoteWith(rotated), 200, 'the new secret works')

    await row.getByRole('button', { name: 'Отозвать' }).click()
    await confirmBox(page)
    await page.locator('[data-testid="api-keys-table"] .el-table__row', { hasText: name }).filter({ hasText: 'Отозван' }).waitFor()
    assert.equal(await quoteWith(rotated), 401, 'a revoked key is refused')
    await page.context().close()
  })
})
