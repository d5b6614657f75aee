import { defineStore } from 'pinia'
import { ref } from 'vue'
import { isApiError, notificationsApi, type Notification, type NotificationSummary, type Task } from '@/api'
import { createPoller, type Poller } from '@/lib/poller'

const EMPTY: NotificationSummary = { unread: 0, open_tasks: 0, approvals_waiting: 0, latest_id: 0 }

/**
 * The bell of the signed-in user: the counters polled from /notifications/summary with ETag
 * (a 304 costs a header), refreshed at once when the tab comes back into sight and after the
 * user reads a notice or finishes a task. The layout starts it; logout stops it.
 */
export const useNotifications = defineStore('notifications', () => {
  const summary = ref<NotificationSummary>({ ...EMPTY })
  const loaded = ref(false)
  let poller: Poller | null = null

  const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden'
  function onVisibility(): void {
    if (!hidden()) void poller?.refresh()
  }

  function start(): void {
    if (poller?.running) return
    poller = createPoller<NotificationSummary>({
      fetch: (etag) => notificationsApi.summary(etag),
      onValue: (v) => {
        summary.value = v
        loaded.value = true
      },
      // a 401 means the session is over: the app goes to the login page, the bell stops
      onError: (e) => !(isApiError(e) && e.status === 401),
      isHidden: hidden,
    })
    poller.start()
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility)
  }

  function stop(): void {
    poller?.stop()
    poller = null
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility)
    summary.value = { ...EMPTY }
    loaded.value = false
  }

  async function refresh(): Promise<void> {
    await poller?.refresh()
  }

  async function markRead(n: Notification): Promise<Notification> {
    const read = n.read ? n : await notificationsApi.read(n.id)
    await refresh()
    return read
  }

  async function markAllRead(): Promise<number> {
    const { marked } = await notificationsApi.readAll()
    await refresh()
    return marked
  }

  async function complete(t: Task): Promise<Task> {
    const done = await notificationsApi.done(t.id)
    await refresh()
    return done
  }

  return { summary, loaded, start, stop, refresh, markRead, markAllRead, complete }
})
