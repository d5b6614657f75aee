import { computed, reactive, ref, shallowRef, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { ListResponse } from '@/api'
import { filtersToQuery, queryToFilters, type FilterShape } from '@/lib/query'

interface Options {
  /** Keep filters and page in the URL (?q=&page=). Default true. */
  syncUrl?: boolean
  perPage?: number
  /** Do not load on creation (the view calls reload itself). */
  lazy?: boolean
}

/**
 * A paged, filtered list: loading, empty and error states, the page and filters kept in the
 * URL, stale answers ignored, search typed into `q` debounced.
 */
export function usePagedList<T, F extends FilterShape>(
  fetcher: (f: F & { page: number; per_page: number }) => Promise<ListResponse<T>>,
  defaults: F,
  opts: Options = {},
) {
  const route = useRoute()
  const router = useRouter()
  const syncUrl = opts.syncUrl ?? true
  const initial = syncUrl ? queryToFilters(route.query, { ...defaults, page: 1 }) : { ...defaults, page: 1 }

  const filters = reactive({ ...initial }) as F & { page: number }
  const perPage = ref(opts.perPage ?? 20)
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const totalCapped = ref(false)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  let seq = 0

  async function reload(): Promise<void> {
    const my = ++seq
    loading.value = true
    error.value = null
    try {
      const res = await fetcher({ ...(filters as F), page: filters.page, per_page: perPage.value })
      if (my !== seq) return
      items.value = res.items ?? []
      total.value = res.total ?? items.value.length
      totalCapped.value = res.total_capped ?? false
      loaded.value = true
    } catch (e) {
      if (my !== seq) return
      error.value = e
    } finally {
      if (my === seq) loading.value = false
    }
  }

  function writeUrl(): void {
    if (!syncUrl) return
    const q = filtersToQuery({ ...(filters as FilterShape) }, { page: 1 })
    router.replace({ query: q }).catch(() => {})
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  const filterKeys = Object.keys(defaults).filter((k) => k !== 'q')
  watch(
    () => filterKeys.map((k) => (filters as FilterShape)[k]),
    () => {
      filters.page = 1
      writeUrl()
      void reload()
    },
  )
  watch(
    () => (filters as FilterShape).q,
    () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        filters.page = 1
        writeUrl()
        void reload()
      }, 350)
    },
  )

  function setPage(p: number): void {
    filters.page = p
    writeUrl()
    void reload()
  }

  function resetFilters(): void {
    Object.assign(filters, { ...defaults, page: 1 })
  }

  const isEmpty = computed(() => loaded.value && !error.value && items.value.length === 0)
  const hasFilters = computed(() =>
    Object.keys(defaults).some((k) => (filters as FilterShape)[k] !== (defaults as FilterShape)[k]),
  )

  if (!opts.lazy) void reload()

  return { filters, perPage, items, total, totalCapped, loading, loaded, error, reload, setPage, resetFilters, isEmpty, hasFilters }
}
