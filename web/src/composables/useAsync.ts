import { ref, shallowRef, type Ref } from 'vue'

/** One loadable thing with loading and error state; stale answers are ignored. */
export function useAsync<T>(fn: () => Promise<T>, opts: { immediate?: boolean } = {}) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<unknown>(null)
  let seq = 0

  async function run(): Promise<T | null> {
    const my = ++seq
    loading.value = true
    error.value = null
    try {
      const v = await fn()
      if (my === seq) data.value = v
      return v
    } catch (e) {
      if (my === seq) error.value = e
      return null
    } finally {
      if (my === seq) loading.value = false
    }
  }

  if (opts.immediate ?? true) void run()
  return { data, loading, error, run }
}
