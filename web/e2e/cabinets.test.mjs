// The day's work across the cabinets, in order: a dealer sells a flagged warranty, the
// manager approves it, the customer pays by card on the payment page, and finance sees the
// payment and the archived contract. Needs the whole stack running (make run).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertNoCspViolations,
  apiResponse,
  assertServerUp,
  confirmBox,
  fill,
  fillVehicle,
  launch,
  login,
  moscowToday,
  newPage,
  randomVin,
  reloadUntil,
  reloadUntilText,
  screenshot,
} from './helpers.mjs'

let browser
let dealer
let saleId
let contractNumber

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

describe('a flagged sale from wizard to archive', { concurrency: false }, () => {
  test('1. the dealer completes the wizard for a flagged sale', { timeout: 180_000 }, async () => {
    dealer = await newPage(browser)
    await login(dealer, 'dealer@karso.test')
    await dealer.locator('[data-testid="dashboard-stats"]').waitFor()
    await dealer.locator('[data-testid="menu-sale-new"]').waitFor()
    await screenshot(dealer, 'dealer-dashboard.png')

    await dealer.locator('[data-testid="menu-sale-new"]').click()
    await dealer.locator('[data-testid="step-vehicle"]').waitFor()
    const today = moscowToday()
    await fillVehicle(dealer, {
      vin: randomVin(),
      make: 'Toyota',
      model: 'Camry',
      year: Number(today.slice(0, 4)) - 2,
      mileage_km: 32000,
      engine_power_hp: 200,
      engine_volume_cc: 2494,
      category: 'parallel_import', // parallel import is always a risk flag
      sold_on: today,
    })
    const [vehicleRes] = await Promise.all([
      apiResponse(dealer, 'PUT', /\/api\/v1\/sales\/[^/]+\/vehicle$/),
      dealer.locator('[data-testid="wizard-next"]').click(),
    ])
    assert.ok(vehicleRes.ok(), `PUT vehicle answered ${vehicleRes.status()}: ${await vehicleRes.text()}`)
    await dealer.locator('[data-testid="step-customer"]').waitFor()
    saleId = decodeURIComponent(new URL(dealer.url()).pathname.split('/')[2])
    assert.ok(saleId && saleId !== 'new', `sale id in the URL: ${dealer.url()}`)

    await fill(dealer, 'customer-name', 'Смирнова Анна Сергеевна')
    await fill(dealer, 'customer-phone', '8 (916) 123-45-67')
    await fill(dealer, 'customer-email', 'anna.smirnova@example.ru')
    await fill(dealer, 'customer-birth-date', '1988-04-12')
    const [customerRes] = await Promise.all([
      apiResponse(dealer, 'PUT', /\/customer$/),
      dealer.locator('[data-testid="wizard-next"]').click(),
    ])
    assert.ok(customerRes.ok(), `PUT customer answered ${customerRes.status()}: ${await customerRes.text()}`)
    await dealer.locator('[data-testid="step-tariff"]').waitFor()

    // Take the first tariff that accepts a parallel-import car.
    const tariffs = dealer.locator('button[data-testid^="tariff-"]')
    await tariffs.first().waitFor()
    const count = await tariffs.count()
    let eligible = false
    for (let i = 0; i < count && !eligible; i++) {
      const [quoteRes] = await Promise.all([apiResponse(dealer, 'POST', /\/api\/v1\/quotes$/), tariffs.nth(i).click()])
      const body = await quoteRes.json().catch(() => ({}))
      eligible = quoteRes.ok() && body.eligible !== false
    }
    assert.ok(eligible, 'some tariff must accept a parallel-import vehicle')
    await dealer.locator('[data-testid="quote-price"]').waitFor()
    const [tariffRes] = await Promise.all([
      apiResponse(dealer, 'PUT', /\/tariff$/),
      dealer.locator('[data-testid="wizard-next"]').click(),
    ])
    assert.ok(tariffRes.ok(), `PUT tariff answered ${tariffRes.status()}: ${await tariffRes.text()}`)
    await dealer.locator('[data-testid="step-review"]').waitFor()
    await screenshot(dealer, 'dealer-wizard-review.png')

    await dealer.locator('[data-testid="wizard-submit"]').click()
    const [submitRes] = await Promise.all([apiResponse(dealer, 'POST', /\/submit$/), confirmBox(dealer)])
    assert.ok(submitRes.ok(), `submit answered ${submitRes.status()}: ${await submitRes.text()}`)
    await dealer.waitForURL((u) => u.pathname === `/sales/${encodeURIComponent(saleId)}` || u.pathname === `/sales/${saleId}`)
    await reloadUntil(dealer, `/sales/${encodeURIComponent(saleId)}`, '[data-testid="sale-status"][data-status="pending_approval"]')
    await dealer.locator('[data-testid="flags"] [data-flag]').first().waitFor()
  })

  test('2. the manager approves it', { timeout: 180_000 }, async () => {
    assert.ok(saleId, 'needs the sale from step 1')
    const manager = await newPage(browser)
    await login(manager, 'manager@karso.test')
    assert.equal(new URL(manager.url()).pathname, '/approvals')
    await reloadUntil(manager, '/approvals', `[data-testid="approval-${saleId}"]`)
    await screenshot(manager, 'manager-approvals.png')

    await manager.locator(`[data-testid="approval-open-${saleId}"]`).click()
    const drawer = manager.locator('[data-testid="approval-drawer"]')
    await drawer.locator('[data-testid="approve-button"]').waitFor()
    await drawer.locator('[data-testid="decision-comment"]').fill('Параллельный импорт: документы проверены, одобряю.')
    await drawer.locator('[data-testid="approve-button"]').click()
    const [approveRes] = await Promise.all([apiResponse(manager, 'POST', /\/approve$/), confirmBox(manager)])
    assert.ok(approveRes.ok(), `approve answered ${approveRes.status()}: ${await approveRes.text()}`)
    await manager.locator(`[data-testid="approval-${saleId}"]`).waitFor({ state: 'detached' })
    await manager.context().close()
  })

  test('3. the dealer pays with the sandbox card 4242', { timeout: 240_000 }, async () => {
    assert.ok(saleId, 'needs the sale from step 1')
    const salePath = `/sales/${encodeURIComponent(saleId)}`
    // The contract is issued and the payment opened by the workflow: wait for the link.
    await reloadUntil(dealer, salePath, '[data-testid="payment-link"]')
    await dealer.locator('[data-testid="contract-download"]').waitFor()
    contractNumber = (await dealer.locator('[data-testid="page-title"]').innerText()).trim().split(/\s+/)[0]
    assert.match(contractNumber, /^KR-\d{4}-\d{6}$/)
    await screenshot(dealer, 'dealer-sale-awaiting-payment.png')

    const href = await dealer.locator('[data-testid="payment-link"]').getAttribute('href')
    assert.ok(href, 'payment link has an address')
    await dealer.goto(href)
    const card = dealer.locator('input[name="card_number"]')
    await card.waitFor()
    await card.fill('4242 4242 4242 4242')
    // The sandbox page's own form: one POST with card_number (as a form post or by script).
    const submit = dealer.locator('form button:not([type="button"]):not([type="reset"]), form input[type="submit"]').first()
    const paid = dealer.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(new URL(href, dealer.url()).origin))
    if (await submit.count()) await submit.click()
    else await card.press('Enter')
    const payRes = await paid
    assert.ok(payRes.status() < 400, `payment page answered ${payRes.status()}`)

    await reloadUntil(dealer, salePath, '[data-testid="sale-status"][data-status="active"]', { timeout: 120_000 })
    await dealer.locator('[data-testid="payment-status"][data-status="succeeded"]').waitFor()
    await screenshot(dealer, 'dealer-sale-active.png')
  })

  test('4. finance sees the payment and the archived contract', { timeout: 180_000 }, async () => {
    assert.ok(contractNumber, 'needs the paid sale from step 3')
    const finance = await newPage(browser)
    await login(finance, 'finance@karso.test')
    assert.equal(new URL(finance.url()).pathname, '/finance/payments')
    await finance.locator('[data-testid="payments-table"], .el-empty').first().waitFor()
    await screenshot(finance, 'finance-payments.png')

    await reloadUntilText(finance, '/finance/payments?status=succeeded', '[data-testid="payments-table"]', contractNumber)
    const month = moscowToday().slice(0, 7)
    await reloadUntilText(finance, `/documents?kind=contract&month=${month}`, '[data-testid="documents-table"]', contractNumber)
    await screenshot(finance, 'finance-documents.png')
    await finance.context().close()
  })
})
