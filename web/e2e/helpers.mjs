// Shared pieces of the browser suite: Debian's Chromium through playwright-core (never a
// downloaded browser), logins, form filling for Element Plus inputs, polling with deadlines.
import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const BASE = (process.env.KARSO_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')
export const PASSWORD = 'demo12345'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR
  ? isAbsolute(process.env.SCREENSHOT_DIR)
    ? process.env.SCREENSHOT_DIR
    : resolve(process.cwd(), process.env.SCREENSHOT_DIR)
  : join(repoRoot, 'test-output', 'screenshots')

/** Fails fast, with a useful message, when the server is not running. */
export async function assertServerUp() {
  try {
    const res = await fetch(`${BASE}/healthz`)
    if (!res.ok) throw new Error(`status ${res.status}`)
  } catch (e) {
    throw new Error(`Karso is not reachable at ${BASE} (${e.message}). Start it (make run) or set KARSO_URL.`)
  }
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

// The Content-Security-Policy violations any page of this file met: the API's CSP (no inline
// script, api/security.go) must hold for the whole app, so each file's `after` fails on any
// (assertNoCspViolations).
const cspViolations = []

/** Fails when a page of this run broke the Content-Security-Policy. */
export function assertNoCspViolations() {
  if (cspViolations.length > 0) {
    throw new Error(`Content-Security-Policy violations:\n  ${[...new Set(cspViolations)].join('\n  ')}`)
  }
}

/** A fresh browser session (its own cookies) at desktop or phone size. */
export async function newPage(browser, { phone = false } = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
  })
  context.setDefaultTimeout(20_000)
  // every frame reports the violations it meets, in a console line the page hook collects
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`karso-csp-violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ${e.sample || ''}`)
    })
  })
  context.on('console', (msg) => {
    if (msg.text().startsWith('karso-csp-violation:')) cspViolations.push(`${new URL(msg.page()?.url() ?? BASE).pathname}: ${msg.text()}`)
  })
  const page = await context.newPage()
  return page
}

/** Signs in through the login form and waits to leave it. */
export async function login(page, email) {
  await page.goto('/login')
  await page.locator('[data-testid="login-email"]').fill(email)
  await page.locator('[data-testid="login-password"]').fill(PASSWORD)
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST'),
    page.locator('[data-testid="login-submit"]').click(),
  ])
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

/** The native input behind a data-testid (Element Plus puts it on the input or its wrapper). */
export function input(page, testid) {
  return page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()
}

export async function fill(page, testid, value) {
  const el = input(page, testid)
  await el.fill(String(value))
  await el.blur()
}

/** Accepts the confirmation box the app shows before irreversible actions. */
export async function confirmBox(page) {
  const ok = page.locator('.el-message-box .karso-confirm-ok')
  await ok.waitFor({ state: 'visible' })
  await ok.click()
}

/** Waits for an API answer to METHOD path-suffix; answers the response. */
export function apiResponse(page, method, pathRe) {
  return page.waitForResponse((r) => r.request().method() === method && pathRe.test(new URL(r.url()).pathname))
}

/**
 * Reloads `path` until `selector` shows up (workflows run asynchronously), up to a deadline.
 * Each round waits for the selector itself, so there is no blind sleep.
 */
export async function reloadUntil(page, path, selector, { timeout = 90_000, round = 4_000 } = {}) {
  const deadline = Date.now() + timeout
  let last
  while (Date.now() < deadline) {
    await page.goto(path)
    try {
      await page.locator(selector).first().waitFor({ state: 'visible', timeout: round })
      return
    } catch (e) {
      last = e
    }
  }
  throw new Error(`${selector} did not appear on ${path} within ${timeout} ms: ${last?.message ?? ''}`)
}

/** Same as reloadUntil, for a text inside an element. */
export async function reloadUntilText(page, path, selector, text, opts = {}) {
  const escaped = text.replace(/"/g, '\\"')
  return reloadUntil(page, path, `${selector}:has-text("${escaped}")`, opts)
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true })
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
const VIN_VALUES = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 }
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]

/** A random VIN with a correct ISO 3779 check digit, so the only flag is the one a test wants. */
export function randomVin(prefix = 'XW8') {
  let vin = prefix
  while (vin.length < 17) vin += VIN_CHARS[Math.floor(Math.random() * VIN_CHARS.length)]
  const chars = vin.split('')
  chars[8] = '0'
  const sum = chars.reduce((s, c, i) => s + (/\d/.test(c) ? Number(c) : VIN_VALUES[c]) * VIN_WEIGHTS[i], 0)
  const r = sum % 11
  chars[8] = r === 10 ? 'X' : String(r)
  return chars.join('')
}

/** Today in Moscow as YYYY-MM-DD, and the month as YYYY-MM. */
export function moscowToday() {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
  return p
}

/** Fills the vehicle step of the wizard. */
export async function fillVehicle(page, v) {
  await fill(page, 'vehicle-vin', v.vin)
  await fill(page, 'vehicle-make', v.make)
  await fill(page, 'vehicle-model', v.model)
  await fill(page, 'vehicle-year', v.year)
  await fill(page, 'vehicle-mileage', v.mileage_km)
  await fill(page, 'vehicle-power', v.engine_power_hp)
  await fill(page, 'vehicle-volume', v.engine_volume_cc)
  await page.locator(`[data-testid="category-${v.category}"]`).click()
  await fill(page, 'vehicle-sold-on', v.sold_on)
}

/** A signed-in API client (bearer token), for the steps a test does not drive through pages. */
export async function apiSession(email, password = PASSWORD) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
  const { token } = await res.json()
  const call = async (method, path, body) => {
    const r = await fetch(`${BASE}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : undefined }
  }
  return { token, call }
}

/** The dealer's side of a flagged sale, over the API the wizard uses: parallel import is always flagged. */
export async function submitFlaggedSale(dealerEmail) {
  const dealer = await apiSession(dealerEmail)
  const must = (r, what) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  const salons = must(await dealer.call('GET', '/salons?per_page=1'), 'salons')
  const sale = must(await dealer.call('POST', '/sales', { salon_id: salons.items[0].id }), 'open a sale')
  const base = `/sales/${sale.id}`
  const year = Number(moscowToday().slice(0, 4)) - 2
  must(
    await dealer.call('PUT', `${base}/vehicle`, {
      vin: randomVin(),
      make: 'Toyota',
      model: 'Land Cruiser',
      year,
      mileage_km: 30000,
      engine_power_hp: 249,
      engine_volume_cc: 3346,
      category: 'parallel_import',
      sold_on: moscowToday(),
    }),
    'vehicle',
  )
  must(
    await dealer.call('PUT', `${base}/customer`, {
      full_name: 'Петров Игорь Васильевич',
      phone: '8 (916) 765-43-21',
      email: 'i.petrov@example.ru',
      birth_date: '1979-03-15',
      passport_series: '4511',
      passport_number: '654321',
    }),
    'customer',
  )
  const tariffs = must(await dealer.call('GET', '/tariffs'), 'tariffs')
  let chosen = null
  for (const t of tariffs.items ?? tariffs) {
    const term = (t.terms ?? t.current?.terms ?? [12])[0]
    const r = await dealer.call('PUT', `${base}/tariff`, { tariff_code: t.code, term_months: term, options: [], discount_pct: 0 })
    if (r.status < 300) {
      chosen = t.code
      break
    }
  }
  if (!chosen) throw new Error('no tariff accepts a parallel-import vehicle')
  must(await dealer.call('POST', `${base}/submit`), 'submit')
  return sale.id
}

/**
 * The text of the newest mail that reached the mail server (Mailpit, MAILPIT_URL) for an
 * address and matches a pattern: the test follows the mail the person actually receives.
 */
export async function receivedMail(to, pattern, { timeout = 30_000 } = {}) {
  const mailpit = (process.env.MAILPIT_URL || 'http://127.0.0.1:8025').replace(/\/$/, '')
  const deadline = Date.now() + timeout
  for (;;) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}`)
    const found = res.ok ? await res.json() : { messages: [] }
    for (const m of found.messages ?? []) {
      const full = await (await fetch(`${mailpit}/api/v1/message/${m.ID}`)).json()
      if (pattern.test(full.Text ?? '')) return full.Text
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern} reached Mailpit within ${timeout} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
