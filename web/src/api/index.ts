// Every call the cabinets make to the Karso API, typed. When the backend's shapes settle,
// fix them here (and in types.ts) and the compiler points at every screen that must follow.

import { API_BASE, ApiError, buildQuery, http, revalidate } from './http'
import type {
  APIKey,
  APIKeyInput,
  APIKeySecret,
  VehicleMake,
  VehicleMakeInput,
  MailPreference,
  Notification,
  NotificationSummary,
  Task,
  ApprovalItem,
  AuditEntry,
  StuckSale,
  AckReport,
  ApiErrorBody,
  NewsAttachment,
  NewsAuthorLine,
  NewsFeedItem,
  NewsInput,
  NewsItem,
  UnreadNews,
  AuditFilter,
  DocumentFilter,
  DocumentItem,
  DocumentTemplate,
  ItemsResponse,
  ListResponse,
  LoginResponse,
  MarkPaidInput,
  PageParams,
  Partner,
  PartnerFilter,
  PartnerInput,
  Payment,
  PaymentFilter,
  Quote,
  QuoteAnswer,
  QuoteRequest,
  Sale,
  SaleFilter,
  SaleHistoryEntry,
  SaleListItem,
  Salon,
  SalonFilter,
  SalonInput,
  Stats,
  StatsQuery,
  ReportPage,
  ReportQuery,
  ReportSource,
  ReportTemplate,
  ReportTemplateInput,
  Closing,
  ClosingStarted,
  Tariff,
  TariffChange,
  TariffChoice,
  TariffEdit,
  TariffVersion,
  TemplateVersion,
  User,
  UserCreate,
  UserFilter,
  UserPatch,
  Customer,
  Vehicle,
  VehicleInput,
  Locale,
  MailDetail,
  MailFilter,
  MailMessage,
} from './types'

export * from './types'
export { ApiError, isApiError, configureApi, API_BASE, type Revalidated } from './http'

const enc = encodeURIComponent

export const authApi = {
  login: (email: string, password: string) =>
    http.post<LoginResponse>('/auth/login', { email, password }, { noAuthRedirect: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { noAuthRedirect: true }),
  me: () => http.get<User>('/me', undefined, { noAuthRedirect: true }),
  updateMe: (patch: { full_name: string; phone: string; locale: Locale }) => http.patch<User>('/me', patch),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/me/password', { current_password, new_password }),
  /** Always 202 with the same message, whether or not the address has an account. */
  requestPasswordReset: (email: string) =>
    http.post<{ message: string }>('/auth/password-reset', { email }, { noAuthRedirect: true }),
  confirmPasswordReset: (token: string, new_password: string) =>
    http.post<void>('/auth/password-reset/confirm', { token, new_password }, { noAuthRedirect: true }),
}

export const notificationsApi = {
  list: (f: { unread?: boolean; page?: number; per_page?: number }) =>
    http.get<ListResponse<Notification>>('/notifications', f),
  /** The bell's counters; 304 (notModified) while nothing changed since etag. */
  summary: (etag: string | null) => revalidate<NotificationSummary>('/notifications/summary', etag),
  read: (id: number) => http.post<Notification>(`/notifications/${id}/read`),
  readAll: () => http.post<{ marked: number }>('/notifications/read-all'),
  tasks: (f: { done?: boolean | ''; page?: number; per_page?: number }) => http.get<ListResponse<Task>>('/tasks', f),
  done: (id: number) => http.post<Task>(`/tasks/${id}/done`),
  preferences: () => http.get<ItemsResponse<MailPreference>>('/me/notification-preferences'),
  setPreferences: (items: { kind: string; mail: boolean }[]) =>
    http.put<ItemsResponse<MailPreference>>('/me/notification-preferences', { items }),
}

export const usersApi = {
  list: (f: UserFilter) => http.get<ListResponse<User>>('/users', f),
  get: (id: number) => http.get<User>(`/users/${id}`),
  create: (u: UserCreate) => http.post<User>('/users', u),
  update: (id: number, patch: UserPatch) => http.patch<User>(`/users/${id}`, patch),
}

export const partnersApi = {
  list: (f: PartnerFilter) => http.get<ListResponse<Partner>>('/partners', f),
  get: (id: number) => http.get<Partner>(`/partners/${id}`),
  create: (p: PartnerInput) => http.post<Partner>('/partners', p),
  update: (id: number, p: Partial<PartnerInput>) => http.patch<Partner>(`/partners/${id}`, p),
}

export const salonsApi = {
  list: (f: SalonFilter) => http.get<ListResponse<Salon>>('/salons', f),
  get: (id: number) => http.get<Salon>(`/salons/${id}`),
  create: (s: SalonInput) => http.post<Salon>('/salons', s),
  update: (id: number, s: Partial<SalonInput>) => http.patch<Salon>(`/salons/${id}`, s),
}

export const managersApi = {
  salons: (managerId: number) => http.get<ItemsResponse<Salon>>(`/managers/${managerId}/salons`),
  setSalons: (managerId: number, salonIds: number[]) =>
    http.put<ItemsResponse<Salon>>(`/managers/${managerId}/salons`, { salon_ids: salonIds }),
}

/** The admin's «Почта» page: every message queued, how its delivery went, sending a failed one again. */
export const mailApi = {
  list: (f: MailFilter) => http.get<ListResponse<MailMessage>>('/admin/mail', f),
  get: (id: number) => http.get<MailDetail>(`/admin/mail/${id}`),
  resend: (id: number) => http.post<MailMessage>(`/admin/mail/${id}/resend`),
}

export const auditApi = {
  list: (f: AuditFilter) => http.get<ListResponse<AuditEntry>>('/audit', f),
  stuckSales: (f: PageParams) => http.get<ListResponse<StuckSale>>('/stuck-sales', f),
}

export const apiKeysApi = {
  list: () => http.get<ItemsResponse<APIKey>>('/api-keys'),
  create: (k: APIKeyInput) => http.post<APIKeySecret>('/api-keys', k),
  update: (id: number, k: APIKeyInput) => http.patch<APIKey>(`/api-keys/${id}`, k),
  rotate: (id: number) => http.post<APIKeySecret>(`/api-keys/${id}/rotate`),
  revoke: (id: number) => http.post<APIKey>(`/api-keys/${id}/revoke`),
}

export const salesApi = {
  list: (f: SaleFilter) => http.get<ListResponse<SaleListItem>>('/sales', f),
  get: (id: string) => http.get<Sale>(`/sales/${enc(id)}`),
  create: (salonId: number) => http.post<Sale | { id: string }>('/sales', { salon_id: salonId }),
  putVehicle: (id: string, v: Vehicle | VehicleInput) => http.put<Sale | undefined>(`/sales/${enc(id)}/vehicle`, v),
  putCustomer: (id: string, c: Customer) => http.put<Sale | undefined>(`/sales/${enc(id)}/customer`, c),
  putTariff: (id: string, t: TariffChoice) => http.put<Sale | undefined>(`/sales/${enc(id)}/tariff`, t),
  submit: (id: string) => http.post<Sale | undefined>(`/sales/${enc(id)}/submit`),
  approve: (id: string, comment: string) => http.post<Sale | undefined>(`/sales/${enc(id)}/approve`, { comment }),
  requestChanges: (id: string, comment: string) =>
    http.post<Sale | undefined>(`/sales/${enc(id)}/request-changes`, { comment }),
  reject: (id: string, comment: string) => http.post<Sale | undefined>(`/sales/${enc(id)}/reject`, { comment }),
  cancel: (id: string, reason: string) => http.post<Sale | undefined>(`/sales/${enc(id)}/cancel`, { reason }),
  upsell: (id: string, options: string[]) => http.post<Sale | undefined>(`/sales/${enc(id)}/upsell`, { options }),
  changeTariff: (id: string, tariff_code: string, term_months: number) =>
    http.post<Sale | undefined>(`/sales/${enc(id)}/change-tariff`, { tariff_code, term_months }),
  history: (id: string) => http.get<ItemsResponse<SaleHistoryEntry>>(`/sales/${enc(id)}/history`),
  contractUrl: (id: string) => `${API_BASE}/sales/${enc(id)}/contract.pdf`,
}

export const approvalsApi = {
  list: (f: { page?: number; per_page?: number } = {}) =>
    http.get<ListResponse<ApprovalItem> | ItemsResponse<ApprovalItem>>('/approvals', f),
}

/**
 * Reads POST /quotes: the server wraps the priced quote with eligibility, reasons and flags
 * ({eligible, reasons, quote, flags}); a flat quote is accepted too.
 */
export function quoteFromAnswer(res: QuoteAnswer | Quote): Quote {
  if ('quote' in res || 'eligible' in res) {
    const a = res as QuoteAnswer
    const reasons = (a.reasons ?? []).map((r) => (typeof r === 'string' ? r : r.message))
    const base: Quote = a.quote ?? {
      price_kopecks: 0,
      commission_kopecks: 0,
      base_kopecks: 0,
      coefficients: [],
      options: [],
      gross_kopecks: 0,
      discount_kopecks: 0,
      discount_bp: 0,
    }
    return { ...base, eligible: a.eligible !== false && !!a.quote, reasons, flags: a.flags ?? [] }
  }
  return res as Quote
}

export const quotesApi = {
  quote: async (q: QuoteRequest, signal?: AbortSignal) =>
    quoteFromAnswer(await http.post<QuoteAnswer | Quote>('/quotes', q, { signal })),
}

export const vehicleCatalogApi = {
  list: () => http.get<ItemsResponse<VehicleMake>>('/vehicle-makes'),
  create: (m: VehicleMakeInput) => http.post<VehicleMake>('/vehicle-makes', m),
  update: (id: number, m: VehicleMakeInput) => http.put<VehicleMake>(`/vehicle-makes/${id}`, m),
}

export const tariffsApi = {
  list: () => http.get<ItemsResponse<Tariff>>('/tariffs'),
  get: (code: string) => http.get<Tariff>(`/tariffs/${enc(code)}`),
  versions: (code: string) => http.get<ItemsResponse<TariffVersion>>(`/tariffs/${enc(code)}/versions`),
  /** Saves an edit as a new draft version. */
  edit: (code: string, content: TariffEdit) => http.put<TariffVersion>(`/tariffs/${enc(code)}`, content),
  publish: (code: string, version: number) =>
    http.post<TariffVersion | undefined>(`/tariffs/${enc(code)}/versions/${version}/publish`),
  diff: (code: string, version: number, against: number) =>
    http.get<{ changes: TariffChange[] }>(`/tariffs/${enc(code)}/versions/${version}/diff`, { against }),
}

export const templatesApi = {
  list: () => http.get<ItemsResponse<DocumentTemplate>>('/templates'),
  versions: (kind: string) => http.get<ItemsResponse<TemplateVersion>>(`/templates/${enc(kind)}/versions`),
  createVersion: (kind: string, text: { title: string; body: string }) =>
    http.post<TemplateVersion>(`/templates/${enc(kind)}/versions`, text),
  publish: (kind: string, version: number) =>
    http.post<TemplateVersion | undefined>(`/templates/${enc(kind)}/versions/${version}/publish`),
  /** Renders text being edited with sample data. */
  preview: (kind: string, text: { title: string; body: string }) =>
    http.post<Blob>(`/templates/${enc(kind)}/preview.pdf`, text, { blob: true }),
  /** A saved version rendered with sample data (a link target). */
  versionPreviewUrl: (kind: string, version: number) =>
    `${API_BASE}/templates/${enc(kind)}/versions/${version}/preview.pdf`,
}

export const paymentsApi = {
  list: (f: PaymentFilter) => http.get<ListResponse<Payment>>('/payments', f),
  overdue: (f: { partner_id?: number | ''; page?: number; per_page?: number }) =>
    http.get<ListResponse<Payment>>('/payments/overdue', f),
  retry: (id: number | string) => http.post<Payment | undefined>(`/payments/${enc(String(id))}/retry`),
  markPaid: (id: number | string, input: MarkPaidInput) =>
    http.post<Payment | undefined>(`/payments/${enc(String(id))}/mark-paid`, input),
}

export const documentsApi = {
  list: (f: DocumentFilter) => http.get<ListResponse<DocumentItem>>('/documents', f),
}

export type ExportFormat = 'xlsx' | 'pdf'

/** GET /stats: the figures of the period and of the period before it, within the caller's scope. */
export const statsApi = {
  get: (q: StatsQuery) => http.get<Stats>('/stats', q),
  /** The same query as a download (a link: the session cookie authenticates it). */
  exportUrl: (q: StatsQuery, format: ExportFormat) => `${API_BASE}/stats${buildQuery({ ...q, format })}`,
  /** The same query as a file body, for downloads that may answer an error (PDF: 422 above 5 000 rows). */
  exportBlob: (q: StatsQuery, format: ExportFormat) => http.get<Blob>('/stats', { ...q, format }, { blob: true }),
}

export const reportsApi = {
  sources: () => http.get<ItemsResponse<ReportSource>>('/report-sources'),
  templates: () => http.get<ItemsResponse<ReportTemplate>>('/report-templates'),
  template: (id: number) => http.get<ReportTemplate>(`/report-templates/${id}`),
  create: (t: ReportTemplateInput) => http.post<ReportTemplate>('/report-templates', t),
  update: (id: number, t: ReportTemplateInput) => http.put<ReportTemplate>(`/report-templates/${id}`, t),
  /** One page of the report and the totals of the whole of it. */
  run: (code: string, q: ReportQuery) => http.get<ReportPage>(`/reports/${enc(code)}`, q),
  exportUrl: (code: string, q: ReportQuery, format: ExportFormat) =>
    `${API_BASE}/reports/${enc(code)}${buildQuery({ ...q, page: undefined, per_page: undefined, format })}`,
  exportBlob: (code: string, q: ReportQuery, format: ExportFormat) =>
    http.get<Blob>(`/reports/${enc(code)}`, { ...q, page: undefined, per_page: undefined, format }, { blob: true }),
}

export const closingsApi = {
  list: (f: PageParams & { month?: string }) => http.get<ListResponse<Closing>>('/closings', f),
  /** Starts the closing of a past month: 202 started, 409 still running, 422 not a past month. */
  start: (month: string) => http.post<ClosingStarted>('/closings', { month }),
}

/** Fetches every page of a list (for pickers and trees); stops at maxPages. */
export async function fetchAll<T, F extends PageParams>(
  list: (f: F) => Promise<ListResponse<T>>,
  filter: F,
  maxPages = 20,
): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; page <= maxPages; page++) {
    const res = await list({ ...filter, page, per_page: 100 })
    out.push(...res.items)
    if (res.items.length === 0 || out.length >= res.total) break
  }
  return out
}

/** A list endpoint may answer {items} or the paged shape; both read as items. */
export function itemsOf<T>(res: { items?: T[] } | null | undefined): T[] {
  return res?.items ?? []
}

export const newsApi = {
  feed: (f: PageParams & { unread?: boolean }) => http.get<ListResponse<NewsFeedItem>>('/news', f),
  unread: () => http.get<UnreadNews>('/news/unread'),
  manage: (f: PageParams & { status?: string }) => http.get<ListResponse<NewsAuthorLine>>('/news/manage', f),
  get: (id: number) => http.get<NewsItem>(`/news/${id}`),
  create: (n: NewsInput) => http.post<NewsItem>('/news', n),
  update: (id: number, n: Partial<NewsInput>) => http.patch<NewsItem>(`/news/${id}`, n),
  publish: (id: number, publishAt?: string | null) =>
    http.post<NewsItem>(`/news/${id}/publish`, publishAt ? { publish_at: publishAt } : undefined),
  archive: (id: number) => http.post<NewsItem>(`/news/${id}/archive`),
  acknowledge: (id: number) => http.post<{ acknowledged_at: string }>(`/news/${id}/acknowledge`),
  acknowledgements: (id: number) => http.get<AckReport>(`/news/${id}/acknowledgements`),
  acknowledgementsXlsxUrl: (id: number) => `${API_BASE}/news/${id}/acknowledgements.xlsx`,
  upload: async (id: number, file: File, cover: boolean): Promise<NewsAttachment> => {
    const form = new FormData()
    form.append('file', file)
    if (cover) form.append('cover', 'true')
    const res = await fetch(`${API_BASE}/news/${id}/attachments`, { method: 'POST', body: form, credentials: 'same-origin' })
    const body = await res.json().catch(() => null)
    if (!res.ok) {
      const e = (body as ApiErrorBody | null)?.error
      throw new ApiError(res.status, e?.code ?? 'internal', e?.message ?? res.statusText, e?.fields ?? {}, res.headers.get('X-Request-ID'))
    }
    return body as NewsAttachment
  },
  removeFile: (id: number, attachmentId: string) => http.del<void>(`/news/${id}/attachments/${attachmentId}`),
}
