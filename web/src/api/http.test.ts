import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, configureApi, request, revalidate } from './http'

function reply(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers }))
}

afterEach(() => {
  vi.unstubAllGlobals()
  configureApi({ getLocale: () => 'ru', onUnauthorized: () => {} })
})

describe('request', () => {
  it('sends the cookie, JSON and the chosen language', async () => {
    const f = reply(200, { id: 1 })
    vi.stubGlobal('fetch', f)
    configureApi({ getLocale: () => 'en' })
    const res = await request<{ id: number }>('POST', '/sales', { body: { salon_id: 3 }, query: { x: 1 } })
    expect(res).toEqual({ id: 1 })
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/sales?x=1')
    expect(init.credentials).toBe('same-origin')
    expect((init.headers as Record<string, string>)['Accept-Language']).toBe('en')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(init.body).toBe('{"salon_id":3}')
  })

  it('answers undefined for 204', async () => {
    vi.stubGlobal('fetch', reply(204))
    expect(await request('POST', '/auth/logout')).toBeUndefined()
  })

  it('turns the error body into an ApiError with field errors', async () => {
    vi.stubGlobal(
      'fetch',
      reply(422, { error: { code: 'validation', message: 'Проверьте поля', fields: { vin: 'Неверный VIN' } } }, { 'X-Request-Id': 'r1' }),
    )
    const err = (await request('PUT', '/sales/1/vehicle', { body: {} }).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.code).toBe('validation')
    expect(err.message).toBe('Проверьте поля')
    expect(err.fields).toEqual({ vin: 'Неверный VIN' })
    expect(err.requestId).toBe('r1')
  })

  it('calls the 401 handler, except where a 401 is an expected answer', async () => {
    const onUnauthorized = vi.fn()
    configureApi({ onUnauthorized })
    vi.stubGlobal('fetch', reply(401, { error: { code: 'unauthorized', message: 'Войдите' } }))
    await expect(request('GET', '/sales')).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    await expect(request('GET', '/me', { noAuthRedirect: true })).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('survives non-JSON error pages and network failures', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })))
    const err = (await request('GET', '/x').catch((e) => e)) as ApiError
    expect(err.code).toBe('http_502')
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const net = (await request('GET', '/x').catch((e) => e)) as ApiError
    expect(net.status).toBe(0)
    expect(net.code).toBe('network')
  })
})

describe('buildQuery', () => {
  it('leaves out empty values and repeats arrays', () => {
    expect(buildQuery({ q: '', page: 2, status: undefined, active: false, ids: [1, 2] })).toBe('?page=2&active=false&ids=1&ids=2')
    expect(buildQuery({})).toBe('')
    expect(buildQuery({ q: 'Иванов' })).toBe('?q=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2')
  })
})

describe('quoteFromAnswer', async () => {
  const { quoteFromAnswer } = await import('./index')
  const q = {
    price_kopecks: 3125000,
    commission_kopecks: 375000,
    base_kopecks: 2500000,
    coefficients: [],
    options: [],
    gross_kopecks: 3125000,
    discount_kopecks: 0,
    discount_bp: 0,
  }
  it('unwraps the server answer with eligibility and flags', () => {
    const out = quoteFromAnswer({
      tariff_code: 'basic',
      tariff_name: 'Базовый',
      tariff_version_id: 1,
      eligible: true,
      reasons: [],
      quote: q,
      flags: [{ code: 'parallel_import', message: 'Параллельный импорт' }],
    })
    expect(out.price_kopecks).toBe(3125000)
    expect(out.eligible).toBe(true)
    expect(out.flags).toHaveLength(1)
  })
  it('reads a refusal with every reason', () => {
    const out = quoteFromAnswer({
      tariff_code: 'basic',
      tariff_name: 'Базовый',
      tariff_version_id: 1,
      eligible: false,
      reasons: [{ field: 'vehicle.year', code: 'age_over_limit', message: 'Автомобиль старше 10 лет' }],
      quote: null,
      flags: [],
    })
    expect(out.eligible).toBe(false)
    expect(out.reasons).toEqual(['Автомобиль старше 10 лет'])
  })
  it('accepts a flat quote', () => {
    expect(quoteFromAnswer(q).price_kopecks).toBe(3125000)
  })
})

describe('revalidate', () => {
  it('sends If-None-Match and tells a 304 from a new body with its ETag', async () => {
    const f = vi.fn(async (_url: string, init: RequestInit) => {
      const tag = (init.headers as Record<string, string>)['If-None-Match']
      return tag === '"a"'
        ? new Response(null, { status: 304, headers: { ETag: '"a"' } })
        : new Response(JSON.stringify({ unread: 2 }), { status: 200, headers: { ETag: '"a"' } })
    })
    vi.stubGlobal('fetch', f)
    expect(await revalidate('/notifications/summary', null)).toEqual({ notModified: false, etag: '"a"', data: { unread: 2 } })
    expect((f.mock.calls[0]![1].headers as Record<string, string>)['If-None-Match']).toBeUndefined()
    expect(await revalidate('/notifications/summary', '"a"')).toEqual({ notModified: true })
  })

  it('throws API errors like any request', async () => {
    vi.stubGlobal('fetch', reply(500, { error: { code: 'internal', message: 'Ошибка' } }))
    await expect(revalidate('/notifications/summary', '"a"')).rejects.toBeInstanceOf(ApiError)
  })
})
