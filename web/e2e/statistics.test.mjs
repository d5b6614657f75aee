// Statistics in the finance cabinet: the page opens from the menu, asks GET /stats, and shows
// the figures (KPI cards, the chart and the table) or its empty state, without an error. Needs
// the whole stack running (make run); it reads only, so it does not depend on the other files.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertNoCspViolations, apiResponse, assertServerUp, launch, login, newPage, screenshot } from './helpers.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

describe('statistics', { concurrency: false }, () => {
  test('finance opens Statistics and sees the chart and table, or the empty state', { timeout: 90_000 }, async () => {
    const page = await newPage(browser)
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await login(page, 'finance@karso.test')

    const [statsRes] = await Promise.all([
      apiResponse(page, 'GET', /\/api\/v1\/stats$/),
      page.locator('[data-testid="menu-stats"]').click(),
    ])
    await page.waitForURL((u) => u.pathname === '/stats')
    assert.equal(statsRes.status(), 200, `GET /stats answered ${statsRes.status()}: ${await statsRes.text()}`)
    const body = await statsRes.json()
    assert.ok(Array.isArray(body.groups) && body.totals?.current, `the statistics shape: ${JSON.stringify(body).slice(0, 300)}`)

    await page.locator('[data-testid="stats-kpis"] [data-testid="kpi-value"]').first().waitFor()
    await page.locator('[data-testid="stats-chart"], [data-testid="stats-empty"]').first().waitFor()
    if (await page.locator('[data-testid="stats-chart"]').count()) {
      await page.locator('[data-testid="stats-chart"] canvas').first().waitFor()
      await page.locator('[data-testid="stats-table"]').waitFor()
      await page.locator('[data-testid="stats-cities"]').waitFor()
    }
    assert.equal(await page.locator('[data-testid^="error-"]').count(), 0, 'no error state on the page')
    assert.equal(await page.locator('[data-testid="stats-bad-query"]').count(), 0, 'the default query is valid')

    // the exports are links to the same query
    const xlsx = await page.locator('[data-testid="stats-export-xlsx"]').getAttribute('href')
    assert.match(xlsx ?? '', /^\/api\/v1\/stats\?.*format=xlsx/)
    assert.match(xlsx ?? '', /group_by=day/)
    const pdf = await page.locator('[data-testid="stats-export-pdf"]').getAttribute('href')
    assert.match(pdf ?? '', /format=pdf/)

    await screenshot(page, 'statistics.png')
    assert.deepEqual(pageErrors, [], 'no script errors')
    await page.context().close()
  })
})
