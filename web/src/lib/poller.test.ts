import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPoller } from './poller'
import type { Revalidated } from '@/api/http'

type Sum = { unread: number }

/** A server that answers 304 while its value keeps the ETag the client sent. */
function server(initial: number) {
  let value = initial
  const seen: (string | null)[] = []
  const fetch = vi.fn(async (etag: string | null): Promise<Revalidated<Sum>> => {
    seen.push(etag)
    const tag = `"v${value}"`
    if (etag === tag) return { notModified: true }
    return { notModified: false, etag: tag, data: { unread: value } }
  })
  return { fetch, seen, set: (v: number) => (value = v) }
}

// lets the awaited fetch and its .finally run
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('createPoller', () => {
  it('keeps the value on 304 and hands on a new one, sending the last ETag', async () => {
    const s = server(2)
    const values: number[] = []
    const p = createPoller<Sum>({ fetch: s.fetch, onValue: (v) => values.push(v.unread), intervalMs: 1000 })
    p.start()
    await flush()
    expect(values).toEqual([2])

    await vi.advanceTimersByTimeAsync(1000) // unchanged: a 304, nothing handed on
    expect(s.fetch).toHaveBeenCalledTimes(2)
    expect(s.seen[1]).toBe('"v2"')
    expect(values).toEqual([2])

    s.set(3) // a dealer submitted a flagged sale: the counter rises on the next round
    await vi.advanceTimersByTimeAsync(1000)
    expect(values).toEqual([2, 3])
    expect(s.seen[2]).toBe('"v2"')
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.seen[3]).toBe('"v3"')
    expect(values).toEqual([2, 3])
    p.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.fetch).toHaveBeenCalledTimes(4)
  })

  it('polls slower while the page is hidden and at once on refresh', async () => {
    const s = server(0)
    let hidden = true
    const p = createPoller<Sum>({ fetch: s.fetch, onValue: () => {}, isHidden: () => hidden, intervalMs: 1000, hiddenIntervalMs: 10_000 })
    p.start()
    await flush()
    await vi.advanceTimersByTimeAsync(9000)
    expect(s.fetch).toHaveBeenCalledTimes(1)
    hidden = false
    await p.refresh() // the tab came back into sight
    expect(s.fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.fetch).toHaveBeenCalledTimes(3)
    p.stop()
  })

  it('backs off after failures and stops when the error says so', async () => {
    let fail: unknown = new Error('network')
    const fetch = vi.fn(async (): Promise<Revalidated<Sum>> => {
      if (fail) throw fail
      return { notModified: false, etag: '"x"', data: { unread: 1 } }
    })
    const stopOn401 = (e: unknown) => (e as { status?: number }).status !== 401
    const p = createPoller<Sum>({ fetch, onValue: () => {}, onError: stopOn401, intervalMs: 1000, maxBackoffMs: 4000 })
    p.start()
    await flush()
    await vi.advanceTimersByTimeAsync(1999) // the first failure waits 2 s, not 1
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(4000) // then 4 s, the ceiling
    expect(fetch).toHaveBeenCalledTimes(3)
    fail = null
    await vi.advanceTimersByTimeAsync(4000)
    expect(fetch).toHaveBeenCalledTimes(4)
    await vi.advanceTimersByTimeAsync(1000) // a success brings the normal pace back
    expect(fetch).toHaveBeenCalledTimes(5)
    fail = { status: 401 }
    await vi.advanceTimersByTimeAsync(1000)
    expect(p.running).toBe(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetch).toHaveBeenCalledTimes(6)
  })

  it('a refresh during a round polls again after it, so an action is never answered by an older round', async () => {
    let resolve: ((v: Revalidated<Sum>) => void) | null = null
    const fetch = vi.fn(
      () =>
        new Promise<Revalidated<Sum>>((r) => {
          resolve = r
        }),
    )
    const values: number[] = []
    const p = createPoller<Sum>({ fetch, onValue: (v) => values.push(v.unread), intervalMs: 1000 })
    p.start()
    const refreshed = p.refresh()
    resolve!({ notModified: false, etag: '"a"', data: { unread: 5 } }) // answered before the read
    await flush()
    expect(fetch).toHaveBeenCalledTimes(2)
    resolve!({ notModified: false, etag: '"b"', data: { unread: 4 } })
    await refreshed
    expect(values).toEqual([5, 4])
    p.stop()
  })
})
