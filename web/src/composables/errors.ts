import { reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { isApiError } from '@/api'
import { i18n } from '@/i18n'

const t = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {})

/** A person-readable text for any failure: the server's localized message first. */
export function describeError(e: unknown): string {
  if (isApiError(e)) {
    if (e.message && e.message !== e.code) return e.message
    if (e.code === 'network') return t('errors.network')
    if (e.status === 403) return t('errors.forbidden')
    if (e.status === 404) return t('errors.notFound')
    if (e.status >= 500) return t('errors.server')
    return t('errors.generic')
  }
  if (e instanceof Error && e.message) return e.message
  return t('errors.generic')
}

export function notifyError(e: unknown): void {
  ElMessage({ type: 'error', message: describeError(e), showClose: true, duration: 6000 })
}

export function notifySuccess(message: string): void {
  ElMessage({ type: 'success', message, duration: 3000 })
}

/**
 * Field errors of a form, filled from a 422's error.fields and bound to el-form-item's
 * `error` prop; `general` holds the message when no field is named.
 */
export function useFormErrors() {
  const fields = reactive<Record<string, string>>({})
  const general = ref('')

  function clear(): void {
    for (const k of Object.keys(fields)) delete fields[k]
    general.value = ''
  }

  /** Takes an error; answers true when it was a field/validation error shown in the form. */
  function take(e: unknown, map: (fields: Record<string, string>) => Record<string, string> = (f) => f): boolean {
    clear()
    if (!isApiError(e)) {
      general.value = describeError(e)
      return false
    }
    const mapped = map(e.fields)
    Object.assign(fields, mapped)
    general.value = Object.keys(mapped).length ? e.message : describeError(e)
    return Object.keys(mapped).length > 0
  }

  function set(name: string, message: string): void {
    fields[name] = message
  }

  return { fields, general, clear, take, set }
}

/** Asks before an irreversible action; resolves false when the person declines. */
export async function confirmAction(
  message: string,
  opts: { title?: string; confirm?: string; danger?: boolean } = {},
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, opts.title ?? t('common.confirmTitle'), {
      confirmButtonText: opts.confirm ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      type: opts.danger ? 'warning' : 'info',
      confirmButtonClass: opts.danger ? 'karso-confirm-ok el-button--danger' : 'karso-confirm-ok',
      autofocus: false,
      customClass: 'karso-confirm',
    })
    return true
  } catch {
    return false
  }
}
