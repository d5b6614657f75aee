import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, isApiError, type Locale, type User } from '@/api'
import { hasStoredLocale, setLocale } from '@/i18n'
import { menuFor } from '@/lib/access'

/** The signed-in user. The session itself is the server's HttpOnly cookie. */
export const useAuth = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const ready = ref(false)
  let loading: Promise<void> | null = null

  const role = computed(() => user.value?.role ?? null)
  const menu = computed(() => menuFor(role.value))

  /** Asks the server who we are, once; a 401 simply means signed out. */
  function init(): Promise<void> {
    if (!loading) {
      loading = authApi
        .me()
        .then((u) => {
          user.value = u
        })
        .catch(() => {
          user.value = null
        })
        .finally(() => {
          ready.value = true
        })
    }
    return loading
  }

  async function login(email: string, password: string): Promise<User> {
    const res = await authApi.login(email, password)
    user.value = res.user
    ready.value = true
    loading = Promise.resolve()
    // The profile's language applies unless this browser has a choice of its own.
    if (!hasStoredLocale() && (res.user.locale === 'ru' || res.user.locale === 'en')) setLocale(res.user.locale, false)
    return res.user
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch (e) {
      if (!isApiError(e)) throw e
    } finally {
      forget()
    }
  }

  /** Drops the user locally (after logout or a 401). */
  function forget(): void {
    user.value = null
    ready.value = true
    loading = Promise.resolve()
  }

  function setUser(u: User): void {
    user.value = u
  }

  /** Saves the header's language choice into the profile too, best effort. */
  async function rememberLocale(l: Locale): Promise<void> {
    const u = user.value
    if (!u || u.locale === l) return
    try {
      user.value = await authApi.updateMe({ full_name: u.full_name, phone: u.phone, locale: l })
    } catch {
      /* the header switch still works for this browser */
    }
  }

  return { user, ready, role, menu, init, login, logout, forget, setUser, rememberLocale }
})
