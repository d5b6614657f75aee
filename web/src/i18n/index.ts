import { createI18n } from 'vue-i18n'
import type { Locale } from '@/api/types'
import ru from './ru'
import en from './en'

export type MessageSchema = typeof ru

export const LOCALES: Locale[] = ['ru', 'en']
const STORAGE_KEY = 'karso.locale'

function readStored(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY)
    return v === 'ru' || v === 'en' ? v : null
  } catch {
    return null
  }
}

/** Whether the person picked a language in the header (then it wins over the profile's). */
export function hasStoredLocale(): boolean {
  return readStored() !== null
}

// Russian plural forms: 1 продажа, 2 продажи, 5 продаж (choice index 0, 1, 2).
function ruPlural(choice: number, choicesLength: number): number {
  const n = Math.abs(choice) % 100
  const n1 = n % 10
  if (choicesLength < 3) return choice === 1 ? 0 : 1
  if (n > 10 && n < 20) return 2
  if (n1 === 1) return 0
  if (n1 >= 2 && n1 <= 4) return 1
  return 2
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: readStored() ?? 'ru',
  fallbackLocale: 'ru',
  messages: { ru, en },
  pluralRules: { ru: ruPlural },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

/** Switches the language, remembers it in this browser and tags the page. */
export function setLocale(l: Locale, remember = true): void {
  i18n.global.locale.value = l
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, l)
    } catch {
      /* private mode: the choice lasts for this tab */
    }
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l
}
