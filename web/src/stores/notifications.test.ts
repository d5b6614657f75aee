import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import ElementPlus, { ID_INJECTION_KEY, ZINDEX_INJECTION_KEY } from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'
import { useNotifications } from './notifications'
import { i18n } from '@/i18n'
import NotificationBell from '@/components/NotificationBell.vue'

/** The summary endpoint as the server keeps it: 304 while the client's ETag is current. */
function summaryServer() {
  const state = { unread: 1, open_tasks: 0, approvals_waiting: 0, latest_id: 10 }
  const ifNoneMatch: (string | null)[] = []
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    expect(url).toBe('/api/v1/notifications/summary')
    const sent = (init.headers as Record<string, string>)['If-None-Match'] ?? null
    ifNoneMatch.push(sent)
    const etag = `"${state.unread}-${state.latest_id}"`
    if (sent === etag) return new Response(null, { status: 304, headers: { ETag: etag } })
    return new Response(JSON.stringify(state), { status: 200, headers: { ETag: etag, 'Content-Type': 'application/json' } })
  })
  return { state, fetch, ifNoneMatch }
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => {
  useNotifications().stop()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the bell', () => {
  it('counts up by itself when a notice arrives, without a reload', async () => {
    const srv = summaryServer()
    vi.stubGlobal('fetch', srv.fetch)
    const bell = useNotifications()
    bell.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(bell.summary.unread).toBe(1)

    await vi.advanceTimersByTimeAsync(15_000) // nothing new: 304, the count stays
    expect(srv.ifNoneMatch).toEqual([null, '"1-10"'])
    expect(bell.summary.unread).toBe(1)

    srv.state.unread = 2 // a flagged sale was submitted
    srv.state.latest_id = 11
    srv.state.approvals_waiting = 1
    await vi.advanceTimersByTimeAsync(15_000)
    expect(bell.summary).toMatchObject({ unread: 2, approvals_waiting: 1, latest_id: 11 })
  })

  it('refreshes at once after marking all read', async () => {
    const srv = summaryServer()
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/api/v1/notifications/read-all') {
        srv.state.unread = 0
        return new Response(JSON.stringify({ marked: 1 }), { status: 200 })
      }
      return srv.fetch(url, init)
    })
    vi.stubGlobal('fetch', fetch)
    const bell = useNotifications()
    bell.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(bell.summary.unread).toBe(1)
    await bell.markAllRead()
    expect(bell.summary.unread).toBe(0)
  })

  it('stops polling when the session has ended', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'unauthenticated', message: '' } }), { status: 401 }))
    vi.stubGlobal('fetch', fetch)
    const bell = useNotifications()
    bell.start()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('shows the unread count in the header', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const bell = useNotifications()
    const render = async () => {
      const app = createSSRApp({ render: () => h(NotificationBell) })
      app.use(pinia).use(i18n).use(ElementPlus)
      app.use(createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { render: () => null } }] }))
      app.provide(ID_INJECTION_KEY, { prefix: 1, current: 0 })
      app.provide(ZINDEX_INJECTION_KEY, { current: 0 })
      return renderToString(app)
    }
    // the badge Element Plus draws: its text, or null when it is not shown
    const badge = (html: string) => {
      const m = html.match(/<sup class="el-badge__content[^"]*"([^>]*)>(?:<!--\[-->)?([^<]*)/)
      return !m || /display:\s*none/.test(m[1]!) ? null : m[2]
    }
    bell.summary = { unread: 0, open_tasks: 0, approvals_waiting: 0, latest_id: 0 }
    let html = await render()
    expect(html).toContain('data-count="0"')
    expect(badge(html)).toBeNull()

    bell.summary = { unread: 7, open_tasks: 1, approvals_waiting: 0, latest_id: 3 }
    html = await render()
    expect(html).toContain('data-count="7"')
    expect(badge(html)).toBe('7')
    expect(html).toContain('aria-label="Уведомления: непрочитанных 7"')

    bell.summary = { unread: 120, open_tasks: 0, approvals_waiting: 0, latest_id: 4 }
    html = await render()
    expect(badge(html)).toBe('99+')
  })
})
