// Polls an endpoint that answers 304 while nothing changed (the bell's summary): each round
// sends the last ETag as If-None-Match, keeps the value on 304, hands a new value on 200.
// Slower while the tab is hidden, backs off after failures, stops when told to (a 401). Pure
// of Vue and of the DOM so that it is unit-tested with fake timers.

import type { Revalidated } from '@/api/http'

export interface PollerOptions<T> {
  fetch: (etag: string | null) => Promise<Revalidated<T>>
  /** Called with every new value (never for a 304). */
  onValue: (value: T) => void
  /** Called on a failed round; answer false to stop polling (the session ended). */
  onError?: (e: unknown) => boolean
  /** Whether the page is out of sight: then rounds are hiddenIntervalMs apart. */
  isHidden?: () => boolean
  intervalMs?: number
  hiddenIntervalMs?: number
  /** The longest wait after failures in a row (the wait doubles from intervalMs). */
  maxBackoffMs?: number
}

export interface Poller {
  start(): void
  stop(): void
  /** Polls now (a round already under way is awaited instead) and goes on from there. */
  refresh(): Promise<void>
  readonly running: boolean
}

/** Rounds of the bell: 15 s while the cabinet is in sight, a minute while it is hidden. */
export const POLL_MS = 15_000
export const HIDDEN_POLL_MS = 60_000

export function createPoller<T>(o: PollerOptions<T>): Poller {
  const interval = o.intervalMs ?? POLL_MS
  const hiddenInterval = o.hiddenIntervalMs ?? HIDDEN_POLL_MS
  const maxBackoff = o.maxBackoffMs ?? 4 * interval
  let etag: string | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let running = false
  let failures = 0
  let inFlight: Promise<void> | null = null

  function schedule(): void {
    if (!running) return
    if (timer) clearTimeout(timer)
    let wait = o.isHidden?.() ? hiddenInterval : interval
    if (failures > 0) wait = Math.min(interval * 2 ** failures, Math.max(maxBackoff, interval))
    timer = setTimeout(() => {
      timer = null
      void round()
    }, wait)
  }

  async function once(): Promise<void> {
    try {
      const res = await o.fetch(etag)
      failures = 0
      if (!res.notModified) {
        etag = res.etag
        o.onValue(res.data)
      }
    } catch (e) {
      failures++
      if (o.onError && !o.onError(e)) running = false
    }
  }

  function round(): Promise<void> {
    if (!inFlight) {
      inFlight = once().finally(() => {
        inFlight = null
        schedule()
      })
    }
    return inFlight
  }

  return {
    start() {
      if (running) return
      running = true
      void round()
    },
    stop() {
      running = false
      if (timer) clearTimeout(timer)
      timer = null
    },
    refresh() {
      if (!running) return Promise.resolve()
      if (timer) clearTimeout(timer)
      timer = null
      // a round already under way may have been answered before the change being refreshed for
      return inFlight ? inFlight.then(() => round()) : round()
    },
    get running() {
      return running
    },
  }
}
