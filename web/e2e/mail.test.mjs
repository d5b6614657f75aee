// The admin's «Почта» page against the whole stack: two sales are submitted over the API, one
// for a customer the mail server accepts and one for an address it refuses (scripts/e2e.sh
// starts Mailpit refusing every domain but the demo's). The admin sees the first sent — and
// Mailpit has it — and the second failed with the server's answer, and sends it again.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, assertServerUp, confirmBox, input, launch, login, newPage, randomVin, reloadUntil, screenshot } from './helpers.mjs'

const MAILPIT = (process.env.MAILPIT_URL || 'http://127.0.0.1:8025').replace(/\/$/, '')
const tag = Date.now().toString(36)
const accepted = `e2e-mail-${tag}@example.ru`
const refused = `e2e-mail-${tag}@refused.invalid`

let browser
let adminToken

/** Calls the API as a signed-in user (a bearer token, as API clients do). */
async function api(token, method, path, body) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

/** A dealer's clean sale for a customer with this address, submitted: its payment link is mailed. */
async function submitSale(token, email) {
  const salons = await api(token, 'GET', '/salons?per_page=100')
  const sale = await api(token, 'POST', '/sales', { salon_id: salons.items[0].id })
  const base = `/sales/${sale.id}`
  await api(token, 'PUT', `${base}/vehicle`, {
    vin: randomVin(), make: 'Honda', model: 'Accord', year: 2022, mileage_km: 30000, engine_power_hp: 180,
    engine_volume_cc: 2400, category: 'used', sold_on: '2025-06-01',
  })
  await api(token, 'PUT', `${base}/customer`, {
    full_name: 'Почтова Анна Сергеевна', phone: '8 (916) 765-43-21', email, birth_date: '1990-03-14',
    passport_series: '4512', passport_number: '654321',
  })
  await api(token, 'PUT', `${base}/tariff`, { tariff_code: 'basic', term_months: 12, options: [] })
  await api(token, 'POST', `${base}/submit`)
  return sale.id
}

/** Polls until check answers true, up to a deadline. */
async function eventually(what, check, timeout = 90_000) {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

before(async () => {
  await assertServerUp()
  browser = await launch()
  const { token } = await api(null, 'POST', '/auth/login', { email: 'dealer@karso.test', password: PASSWORD })
  await submitSale(token, accepted)
  await submitSale(token, refused)
  adminToken = (await api(null, 'POST', '/auth/login', { email: 'admin@karso.test', password: PASSWORD })).token
})

after(async () => {
  await browser?.close()
})

describe('the «Почта» page', { concurrency: false }, () => {
  test('a payment link reaches the mail server and the page shows it sent', { timeout: 180_000 }, async () => {
    await eventually('the payment link reaches Mailpit', async () => {
      const res = await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:"${accepted}"`)}`)
      const found = await res.json()
      return found.messages?.some((m) => m.Subject.startsWith('Оплата по договору гарантии'))
    })

    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    await page.locator('[data-testid="menu-admin-mail"]').click()
    await page.waitForURL((u) => u.pathname === '/admin/mail')
    await input(page, 'mail-search').fill(accepted)
    const row = page.locator('[data-testid="mail-table"] .el-table__row', { hasText: accepted })
    // the page refreshes itself while a message is on its way
    await row.locator('[data-testid="mail-status"][data-status="sent"]').waitFor({ timeout: 60_000 })
    assert.match(await row.innerText(), /Здравствуйте, Почтова Анна Сергеевна!/)
    await screenshot(page, 'admin-mail.png')

    await row.locator('[data-testid^="mail-open-"]').click()
    const drawer = page.locator('[data-testid="mail-drawer"]')
    await drawer.locator('[data-testid="mail-html"]').waitFor()
    assert.match(await drawer.locator('[data-testid="mail-detail-reason"]').innerText(), /^250 /)
    const html = page.frameLocator('[data-testid="mail-html"]')
    await html.locator('a', { hasText: 'Оплатить картой' }).waitFor()
    await screenshot(page, 'admin-mail-message.png')
    await page.context().close()
  })

  test('a refused recipient shows failed with the server’s answer and is sent again', { timeout: 180_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    const failedRow = `[data-testid="mail-table"] .el-table__row:has-text("${refused}")`
    await reloadUntil(page, `/admin/mail?status=failed&q=${encodeURIComponent(refused)}`,
      `${failedRow} [data-testid="mail-status"][data-status="failed"]`)
    const row = page.locator(failedRow)
    assert.match(await row.locator('[data-testid="mail-reason"]').innerText(), /550/)
    await screenshot(page, 'admin-mail-failed.png')

    const prior = (await api(adminToken, 'GET', `/admin/mail?status=failed&q=${encodeURIComponent(refused)}`)).items[0]
    const resent = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/admin\/mail\/\d+\/resend$/.test(new URL(r.url()).pathname))
    await row.locator('[data-testid^="mail-resend-"]').click()
    await confirmBox(page)
    const res = await resent
    assert.equal(res.status(), 200)
    const queued = await res.json()
    assert.equal(queued.status, 'queued')
    // the server refuses it again: a new attempt, failed anew with its answer
    assert.equal(queued.id, prior.id)
    await eventually('the resent message is tried again', async () => {
      const m = await api(adminToken, 'GET', `/admin/mail/${queued.id}`)
      return m.status === 'failed' && m.attempts === 1 && Date.parse(m.failed_at) > Date.parse(prior.failed_at)
    })
    const audit = await api(adminToken, 'GET', `/audit?action=mail.resend&entity_type=mail&entity_id=${queued.id}`)
    assert.equal(audit.items.length, 1)
    assert.equal(audit.items[0].before.status, 'failed')
    await page.context().close()
  })
})
