// The one place that talks HTTP to the Karso API. Authentication is the HttpOnly session
// cookie the server sets at login: fetch sends it (credentials: 'same-origin'); no token is
// ever stored in JavaScript.

export const API_BASE = '/api/v1'

/** An error answered by the API (or a failure to reach it: status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>
  readonly requestId: string | null

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, requestId: string | null = null) {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.requestId = requestId
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

interface ApiConfig {
  getLocale: () => string
  onUnauthorized: (err: ApiError) => void
}

const config: ApiConfig = {
  getLocale: () => 'ru',
  onUnauthorized: () => {},
}

/** Wires the client to the app: the language to ask for and what to do on a 401. */
export function configureApi(c: Partial<ApiConfig>): void {
  Object.assign(config, c)
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue | QueryValue[]>

/** Builds "?a=1&b=x" from params, leaving out empty values. */
export function buildQuery(params: Query | object | undefined): string {
  if (!params) return ''
  const sp = new URLSearchParams()
  for (const [key, raw] of Object.entries(params)) {
    const values = Array.isArray(raw) ? raw : [raw]
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue
      sp.append(key, String(v))
    }
  }
  const s = sp.toString()
  return s ? `?${s}` : ''
}

export interface RequestOptions {
  query?: Query | object
  body?: unknown
  signal?: AbortSignal
  /** Answer the raw body as a Blob (PDF previews). */
  blob?: boolean
  /** A 401 here is an expected answer (login, the first /me): do not redirect. */
  noAuthRedirect?: boolean
}

async function readError(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('X-Request-Id')
  let body: unknown = null
  try {
    const text = await res.text()
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error
  if (err && typeof err === 'object') {
    const fields: Record<string, string> = {}
    if (err.fields && typeof err.fields === 'object') {
      for (const [k, v] of Object.entries(err.fields as Record<string, unknown>)) fields[k] = String(v)
    }
    return new ApiError(res.status, String(err.code ?? `http_${res.status}`), String(err.message ?? ''), fields, requestId)
  }
  return new ApiError(res.status, `http_${res.status}`, '', {}, requestId)
}

/** Sends one request to /api/v1 and answers the decoded JSON (undefined for 204). */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  return (await send<T>(method, path, opts)).data
}

/** A conditional GET's answer: unchanged (304), or the new body with its ETag. */
export type Revalidated<T> = { notModified: true } | { notModified: false; etag: string | null; data: T }

/**
 * GETs path with If-None-Match: etag, for endpoints that answer 304 while nothing changed
 * (the bell's summary is polled this way). Errors are thrown as by request.
 */
export async function revalidate<T>(path: string, etag: string | null, opts: RequestOptions = {}): Promise<Revalidated<T>> {
  const res = await send<T>('GET', path, { ...opts, ifNoneMatch: etag ?? undefined })
  if (res.status === 304) return { notModified: true }
  return { notModified: false, etag: res.etag, data: res.data }
}

async function send<T>(
  method: string,
  path: string,
  opts: RequestOptions & { ifNoneMatch?: string },
): Promise<{ status: number; etag: string | null; data: T }> {
  const headers: Record<string, string> = {
    Accept: opts.blob ? '*/*' : 'application/json',
    'Accept-Language': config.getLocale(),
  }
  if (opts.ifNoneMatch) headers['If-None-Match'] = opts.ifNoneMatch
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(API_BASE + path + buildQuery(opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as { name?: string })?.name === 'AbortError') throw e
    throw new ApiError(0, 'network', '')
  }
  const answer = (data: unknown) => ({ status: res.status, etag: res.headers.get('ETag'), data: data as T })
  if (res.status === 304 && opts.ifNoneMatch) return answer(undefined)
  if (!res.ok) {
    const err = await readError(res)
    if (res.status === 401 && !opts.noAuthRedirect) config.onUnauthorized(err)
    throw err
  }
  if (opts.blob) return answer(await res.blob())
  if (res.status === 204) return answer(undefined)
  const text = await res.text()
  if (!text) return answer(undefined)
  try {
    return answer(JSON.parse(text))
  } catch {
    throw new ApiError(res.status, 'bad_response', '')
  }
}

export const http = {
  get: <T>(path: string, query?: Query | object, opts: RequestOptions = {}) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PATCH', path, { ...opts, body }),
  del: <T>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts),
}
