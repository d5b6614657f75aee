// News: the admin writes an announcement requiring acknowledgement for the dealers of «Автомир»
// in the editor; the dealer sees it in the header's badge and the feed, reads it and presses
// «Ознакомлен»; the admin's report shows the dealer acknowledged. The other partner's dealer
// never sees it. Needs the whole stack running (make run, or scripts/e2e.sh).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { apiResponse, assertNoCspViolations, assertServerUp, fill, launch, login, newPage, screenshot } from './helpers.mjs'

let browser
const title = `Изменение тарифа «Стандарт» ${Date.now()}`
let newsId

before(async () => {
  await assertServerUp()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  assertNoCspViolations()
})

describe('news', { concurrency: false }, () => {
  test('1. the admin publishes a required announcement to «Автомир»', { timeout: 90_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    await page.locator('[data-testid="menu-news-manage"]').click()
    await page.waitForURL((u) => u.pathname === '/news/manage')
    await page.locator('[data-testid="news-create"]').click()
    await fill(page, 'news-title', title)
    await page.locator('textarea[data-testid="news-body-input"], [data-testid="news-body-input"] textarea').first().fill('С 1 апреля **новые** коэффициенты.\n\n- пробег\n- мощность')
    await page.locator('[data-testid="news-roles"] label:has-text("Дилер")').click()
    await page.locator('[data-testid="news-partners"]').click()
    await page.locator('.el-select-dropdown__item:has-text("Автомир")').first().click()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="news-requires-ack"]').click()
    await page.locator('[data-testid="news-publish-mode"] label:has-text("Опубликовать сейчас")').click()
    const [created] = await Promise.all([apiResponse(page, 'POST', /\/api\/v1\/news$/), page.locator('[data-testid="news-save"]').click()])
    assert.equal(created.status(), 201, await created.text())
    newsId = (await created.json()).id
    await page.locator(`[data-testid="news-report-${newsId}"]`).waitFor()
    // a cover, uploaded in the editor, goes to the blob store
    await page.locator(`[data-testid="news-edit-${newsId}"]`).click()
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
    const [uploaded] = await Promise.all([
      apiResponse(page, 'POST', /\/api\/v1\/news\/\d+\/attachments$/),
      page.locator('[data-testid="news-cover-input"]').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: png }),
    ])
    assert.equal(uploaded.status(), 201, await uploaded.text())
    await page.context().close()
  })

  test('2. the dealer reads it and acknowledges', { timeout: 90_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'dealer@karso.test')
    await page.locator('[data-testid="news-bell"] .el-badge__content').waitFor()
    await page.locator('[data-testid="menu-news"]').click()
    await page.waitForURL((u) => u.pathname === '/news')
    await page.locator(`[data-testid="news-item-${newsId}"]`).click()
    await page.waitForURL((u) => u.pathname === `/news/${newsId}`)
    assert.match(await page.locator('[data-testid="news-body"] strong').innerText(), /новые/)
    // the cover loads (naturalWidth > 0: the image came from the blob store through the API)
    await page.locator('[data-testid="news-cover"]').waitFor()
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="news-cover"]')
      return img && img.complete && img.naturalWidth > 0
    })
    await page.locator('[data-testid="news-ack"]').click()
    await page.locator('[data-testid="news-acked"]').waitFor()
    await screenshot(page, 'news-acknowledged.png')
    // pressed once: after a reload the page still says so, with no button
    await page.reload()
    await page.locator('[data-testid="news-acked"]').waitFor()
    assert.equal(await page.locator('[data-testid="news-ack"]').count(), 0)
    await page.context().close()
  })

  test('3. the other partner\'s dealer never sees it', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'dealer2@karso.test')
    await page.goto('/news')
    await page.locator('[data-testid="news-feed"], [data-testid="news-empty"]').first().waitFor()
    assert.equal(await page.locator(`[data-testid="news-item-${newsId}"]`).count(), 0)
    await page.goto(`/news/${newsId}`)
    await page.locator('.error-state, [data-testid="error-state"]').first().waitFor()
    await page.context().close()
  })

  test('4. the admin sees who acknowledged', { timeout: 60_000 }, async () => {
    const page = await newPage(browser)
    await login(page, 'admin@karso.test')
    await page.goto('/news/manage')
    await page.locator(`[data-testid="news-report-${newsId}"]`).click()
    const people = page.locator('[data-testid="news-report-people"]')
    await people.locator('text=dealer@karso.test').waitFor()
    const text = await people.innerText()
    assert.doesNotMatch(text, /Не ознакомился/, `only the acknowledged dealer is addressed: ${text}`)
    assert.doesNotMatch(text, /dealer2@karso\.test|admin@karso\.test/)
    await screenshot(page, 'news-report.png')
    await page.context().close()
  })
})
