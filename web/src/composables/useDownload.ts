import { ref } from 'vue'

/** Saves a body the app fetched (a PDF) under a file name, as a link download would. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * Downloads that may answer an error instead of a file (a PDF over 5 000 rows answers 422):
 * the body is fetched with the session cookie, saved on success, and the error kept to show.
 */
export function useDownload() {
  const busy = ref<string | null>(null)
  const error = ref<unknown>(null)

  async function download(key: string, fetchBody: () => Promise<Blob>, filename: string): Promise<boolean> {
    busy.value = key
    error.value = null
    try {
      saveBlob(await fetchBody(), filename)
      return true
    } catch (e) {
      error.value = e
      return false
    } finally {
      busy.value = null
    }
  }

  return { busy, error, download }
}
