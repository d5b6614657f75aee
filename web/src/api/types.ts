// Shapes of the Karso API (JSON under /api/v1). Money fields end in _kopecks and are integer
// kopecks; rates and coefficients are basis points. Keep this file in step with the backend's
// OpenAPI reference (docs/) — it is the one place the app's idea of the contract lives.

export type Role = 'admin' | 'manager' | 'dealer' | 'finance'
export type Locale = 'ru' | 'en'

export interface ApiErrorBody {
  error: {
    code: string
    message: string
    fields?: Record<string, string>
  }
}

export interface ListResponse<T> {
  items: T[]
  total: number
  /** the server stopped counting at total: there are more ("10 000+") */
  total_capped?: boolean
  page: number
  per_page: number
}

export interface ItemsResponse<T> {
  items: T[]
}

export interface PageParams {
  page?: number
  per_page?: number
  q?: string
}

// ── accounts ────────────────────────────────────────────────────────────────

export interface User {
  id: number
  email: string
  role: Role
  partner_id: number | null
  partner_name: string | null
  full_name: string
  phone: string
  locale: Locale
  active: boolean
  last_login_at: string | null
  locked_until: string | null
  created_at: string
}

export interface LoginResponse {
  token: string
  user: User
}

export interface UserCreate {
  email: string
  password: string
  role: Role
  partner_id: number | null
  full_name: string
  phone: string
  locale: Locale
}

export interface UserPatch {
  full_name?: string
  phone?: string
  role?: Role
  partner_id?: number | null
  locale?: Locale
  active?: boolean
  password?: string
}

export interface UserFilter extends PageParams {
  role?: Role | ''
  active?: boolean | ''
}

// ── partners and salons ─────────────────────────────────────────────────────

export type PartnerStatus = 'onboarding' | 'active' | 'suspended'
export type PaymentMethod = 'card' | 'invoice'

export interface Partner {
  id: number
  name: string
  inn: string
  kpp: string
  ogrn: string
  legal_address: string
  bank_name: string
  bik: string
  bank_account: string
  corr_account: string
  parent_id: number | null
  parent_name: string | null
  status: PartnerStatus
  commission_bp: number
  payment_method: PaymentMethod
  deferral_days: number
  credit_limit_kopecks: number
  salons_count: number
  created_at: string
}

export type PartnerInput = Omit<Partner, 'id' | 'parent_name' | 'salons_count' | 'created_at'>

export interface PartnerFilter extends PageParams {
  status?: PartnerStatus | ''
  parent_id?: number | ''
}

export interface Salon {
  id: number
  partner_id: number
  partner_name: string
  name: string
  city: string
  region: string
  address: string
  active: boolean
  created_at: string
}

export type SalonInput = Pick<Salon, 'partner_id' | 'name' | 'city' | 'region' | 'address' | 'active'>

export interface SalonFilter extends PageParams {
  partner_id?: number | ''
  city?: string
  active?: boolean | ''
}

// ── audit ───────────────────────────────────────────────────────────────────

export interface AuditEntry {
  id: number
  actor_id: number | null
  actor_email: string | null
  action: string
  entity_type: string
  entity_id: string | number | null
  before: unknown
  after: unknown
  at: string
  request_id: string | null
  ip?: string | null
}

/** A sale an operator must look at (GET /stuck-sales). */
/** A scope an integration key may hold (docs/openapi.yaml, tag api-keys). */
export type APIKeyScope = 'quotes' | 'sales:create' | 'sales:read' | 'webhooks'
export const API_KEY_SCOPES: APIKeyScope[] = ['quotes', 'sales:create', 'sales:read', 'webhooks']

/** An integration key as the admin sees it: never its secret. */
export interface APIKey {
  id: number
  name: string
  /** ksk_live_ and eight characters: names the key in lists, logs and the audit trail. */
  prefix: string
  scopes: APIKeyScope[]
  rate_per_minute: number
  created_by: number | null
  created_at: string
  rotated_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

export interface APIKeyInput {
  name: string
  scopes: APIKeyScope[]
  rate_per_minute?: number
}

/** Creating or rotating a key: the only answer that carries the secret. */
export interface APIKeySecret {
  key: APIKey
  secret: string
}

export interface StuckSale {
  sale_id: string
  reason: 'read_model_behind' | 'contract_failing'
  since: string
  detail: string
  stored_revision: number | null
  workflow_revision: number
  contract_number: string | null
  status: string | null
  salon_name: string | null
}

// ── mail ────────────────────────────────────────────────────────────────────

/** How a message's delivery stands (GET /admin/mail). */
export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const
export type MailStatus = (typeof MAIL_STATUSES)[number]

/** The kinds of mail the platform sends (mail/templates/<kind>.tmpl on the server). */
export const MAIL_KINDS = [
  'payment_link',
  'payment_retry',
  'invoice_issued',
  'invoice_overdue',
  'contract_paid',
  'upsell_receipt',
  'addendum',
  'cancellation',
  'approval_requested',
  'approval_reminder',
  'approval_alert',
  'sale_approved',
  'changes_requested',
  'sale_rejected',
  'payment_received',
  'payment_failed',
  'month_closed',
  'closing_ledger_mismatch',
] as const

/** One message of the outbox, as the «Почта» page lists it. */
export interface MailMessage {
  id: number
  to: string
  subject: string
  kind: string
  locale: Locale
  status: MailStatus
  attempts: number
  /** the server's last answer (250 … once sent, the refusal when failed) or why an attempt did not go through */
  reason: string
  attachment_count: number
  sale_id: string | null
  created_at: string
  next_attempt_at: string | null
  sent_at: string | null
  failed_at: string | null
  preview: string
}

export interface MailAttachment {
  document_id: string
  kind: string
  file_name: string
  size_bytes: number
  download_url: string
}

/** One message whole (GET /admin/mail/{id}). */
export interface MailDetail extends MailMessage {
  text: string
  html: string
  attachments: MailAttachment[]
}

export interface MailFilter extends PageParams {
  status?: MailStatus | ''
  kind?: string
}

export interface AuditFilter extends PageParams {
  actor_id?: number | ''
  entity_type?: string
  entity_id?: string
  action?: string
  from?: string
  to?: string
}

// ── sales ───────────────────────────────────────────────────────────────────

export type SaleStatus =
  | 'draft'
  | 'pending_approval'
  | 'rejected'
  | 'expired'
  | 'awaiting_payment'
  | 'active'
  | 'closed'
  | 'cancelled'

export const SALE_STATUSES: SaleStatus[] = [
  'draft',
  'pending_approval',
  'awaiting_payment',
  'active',
  'closed',
  'rejected',
  'expired',
  'cancelled',
]

export type VehicleCategory = 'new' | 'used' | 'parallel_import'

export interface Vehicle {
  vin: string
  make: string
  model: string
  year: number
  mileage_km: number
  engine_power_hp: number
  engine_volume_cc: number
  category: VehicleCategory
  sold_on: string
  /** the catalogue's make and model the server resolved; absent for one typed in as other */
  make_id?: number
  model_id?: number
}

export interface VehicleModel {
  id: number
  name: string
  aliases: string[]
}

/** A make of the catalogue (GET /vehicle-makes) with its Latin and Cyrillic spellings. */
export interface VehicleMake {
  id: number
  name: string
  aliases: string[]
  active: boolean
  models: VehicleModel[]
}

export interface VehicleMakeInput {
  name: string
  aliases?: string[]
  active?: boolean
  models?: { name: string; aliases?: string[] }[]
}

/** What PUT /sales/{id}/vehicle accepts: empty numbers are sent as null for the server to name. */
export type VehicleInput = Omit<Vehicle, 'make_id' | 'model_id' | 'year' | 'mileage_km' | 'engine_power_hp' | 'engine_volume_cc' | 'category'> & {
  year: number | null
  mileage_km: number | null
  engine_power_hp: number | null
  engine_volume_cc: number | null
  category: VehicleCategory | ''
}

export interface Customer {
  full_name: string
  phone: string
  email: string
  birth_date: string
  passport_series: string
  passport_number: string
}

export interface TariffChoice {
  tariff_code: string
  term_months: number
  options: string[]
  discount_pct: number
}

export interface Coefficient {
  factor: string
  band: string
  coefficient: number
}

export interface QuoteOption {
  code: string
  name: string
  price_kopecks: number
}

export interface Flag {
  code: string
  message: string
}

/** A priced warranty (warranty.Quote), as stored on a sale and answered by POST /quotes. */
export interface Quote {
  tariff_code?: string
  term_months?: number
  price_kopecks: number
  commission_kopecks: number
  commission_bp?: number
  base_kopecks: number
  coefficients: Coefficient[]
  options: QuoteOption[]
  options_kopecks?: number
  gross_kopecks: number
  discount_kopecks: number
  discount_bp: number
  rounding_kopecks?: number
  /** Filled by quotesApi.quote from the answer around the quote. */
  eligible?: boolean
  reasons?: string[]
  flags?: Flag[]
}

export interface QuoteReason {
  field: string
  code: string
  message: string
}

/** The answer of POST /quotes: eligibility and flags around the priced quote (null when refused). */
export interface QuoteAnswer {
  tariff_code: string
  tariff_name: string
  tariff_version_id: number
  eligible: boolean
  reasons: QuoteReason[]
  quote: Quote | null
  flags: Flag[]
}

export interface QuoteRequest {
  vehicle: Partial<Vehicle>
  tariff_code: string
  term_months: number
  options: string[]
  discount_pct: number
}

export interface SaleComment {
  author: string
  role: Role | string
  text: string
  at: string
  kind: string
}

export type SaleAction =
  | 'edit'
  | 'submit'
  | 'approve'
  | 'request_changes'
  | 'reject'
  | 'cancel'
  | 'upsell'
  | 'change_tariff'
  | 'pay'
  | 'download_contract'

export type PaymentStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'refunded'

export interface PaymentAttempt {
  n: number
  at: string
  result: string
  decline_code: string | null
}

export interface SalePayment {
  id: number | string
  method: PaymentMethod
  status: PaymentStatus
  url: string | null
  amount_kopecks: number
  attempts: PaymentAttempt[]
  next_retry_at: string | null
  due_at?: string | null
}

export interface Sale {
  id: string
  status: SaleStatus
  contract_number: string | null
  salon_id: number
  salon_name: string
  partner_id: number
  partner_name: string
  seller_id: number | null
  seller_name?: string
  vehicle: Partial<Vehicle> | null
  customer: Partial<Customer> | null
  tariff: Partial<TariffChoice> | null
  quote: Quote | null
  flags: Flag[]
  comments: SaleComment[]
  allowed_actions: SaleAction[]
  payment: SalePayment | null
  upsell_window_closes_at: string | null
  /** The contract number is allocated and its PDF is being rendered. */
  contract_pending?: boolean
  contract_error?: string
  submitted_at?: string | null
  approved_at?: string | null
  created_at: string
  updated_at: string
  /** The sale's workflow did not answer: this is the state the server stored at its last
   * change (as of updated_at), and no action but the contract's download is offered. */
  stale: boolean
}

export interface SaleListItem {
  id: string
  status: SaleStatus
  contract_number: string | null
  salon_name: string
  partner_name: string
  vin: string | null
  make: string | null
  model: string | null
  customer_name: string | null
  tariff_code: string | null
  price_kopecks: number | null
  created_at: string
}

export interface SaleFilter extends PageParams {
  status?: SaleStatus | ''
  salon_id?: number | ''
  partner_id?: number | ''
  from?: string
  to?: string
}

export interface SaleHistoryEntry {
  at: string
  actor: string
  action: string
  comment: string | null
  changes: unknown
}

/** One sale waiting in a manager's approval queue (GET /approvals). */
export interface ApprovalItem {
  id: string
  status?: SaleStatus
  contract_number?: string | null
  salon_id?: number
  salon_name: string
  partner_name: string
  seller_name?: string | null
  customer_name?: string | null
  vin?: string | null
  make?: string | null
  model?: string | null
  tariff_code?: string | null
  price_kopecks?: number | null
  flags: Flag[]
  vehicle_category?: string
  term_months?: number | null
  discount_pct?: number
  submitted_at?: string | null
  waiting_hours?: number
  created_at?: string
  /** Some backends answer the whole sale; the queue reads what it needs from either shape. */
  vehicle?: Partial<Vehicle> | null
  customer?: Partial<Customer> | null
  quote?: Quote | null
}

// ── tariffs and templates ───────────────────────────────────────────────────

export interface TariffOption {
  code: string
  name: string
  name_en?: string
  price_kopecks: number
}

/** Price rules of a tariff version (warranty.PriceRules); options and the discount cap live here. */
export interface PriceRules {
  base_prices_kopecks?: Record<string, number>
  age_bands?: unknown[]
  mileage_bands?: unknown[]
  power_bands?: unknown[]
  category_coefficients?: Record<string, number>
  options: TariffOption[]
  max_discount_bp: number
  [key: string]: unknown
}

/**
 * One version of a tariff: GET /tariffs answers each tariff's current version, GET
 * /tariffs/{code}/versions every version, newest first.
 */
export interface Tariff {
  code: string
  name: string
  coverage: string[]
  terms: number[]
  options: TariffOption[]
  max_discount_bp: number
  version?: number
  version_id?: number
  published?: boolean
  published_at: string | null
  valid_from?: string | null
  price_rules?: PriceRules
  eligibility?: Record<string, unknown>
  /** The version sales are rated with now; null while none is published. */
  current_version: number | null
  latest_version?: number
  current?: boolean
  created_by_email?: string | null
  created_at?: string
}

/** What an admin writes: every edit (PUT /tariffs/{code}) becomes a new draft version. */
export interface TariffEdit {
  name: string
  coverage: string[]
  terms: number[]
  price_rules: PriceRules
  eligibility: Record<string, unknown>
  valid_from?: string | null
}

export type TariffVersion = Tariff & { version: number }

/** A change between two tariff versions (GET /tariffs/{code}/versions/{v}/diff). */
export interface TariffChange {
  path: string
  before: unknown
  after: unknown
}

export interface TemplatePlaceholder {
  /** As written in a template, e.g. "{{.Vehicle.VIN}}". */
  path: string
  description: string
}

/** A kind of document (contract, receipt, …) with the state of its templates. */
export interface DocumentTemplate {
  kind: string
  name: string
  current_version: number | null
  published_at: string | null
  latest_version: number
  placeholders: TemplatePlaceholder[]
}

export interface TemplateVersion {
  kind?: string
  version: number
  title: string
  body: string
  published?: boolean
  published_at: string | null
  current?: boolean
  created_by_email?: string | null
  created_at: string
}

// ── payments and documents ──────────────────────────────────────────────────

export interface Payment {
  id: number | string
  sale_id: string
  contract_number: string | null
  partner_id: number
  partner_name: string
  salon_name?: string | null
  method: PaymentMethod
  status: PaymentStatus
  amount_kopecks: number
  attempts: PaymentAttempt[]
  next_retry_at: string | null
  due_at?: string | null
  paid_at?: string | null
  reference?: string | null
  created_at: string
}

export interface PaymentFilter extends PageParams {
  status?: PaymentStatus | ''
  method?: PaymentMethod | ''
  partner_id?: number | ''
  from?: string
  to?: string
  overdue?: boolean
}

export interface MarkPaidInput {
  paid_at: string
  reference: string
}

export interface DocumentItem {
  id: number | string
  kind: string
  sale_id: string | null
  contract_number: string | null
  partner_id: number
  partner_name: string
  month: string
  filename: string
  mime: string
  size: number
  created_at: string
  download_url: string
}

export interface DocumentFilter extends PageParams {
  partner_id?: number | ''
  month?: string
  kind?: string
}

// ── statistics, reports and the monthly closing ─────────────────────────────

export const STATS_GROUPINGS = ['day', 'week', 'month', 'partner', 'salon', 'city', 'region', 'manager', 'tariff', 'category'] as const
export type StatsGrouping = (typeof STATS_GROUPINGS)[number]

/** A span of whole days in company time, both ends included ("2026-11-01".."2026-11-30"). */
export interface Period {
  from: string
  to: string
}

/**
 * The figures of one group in one period (docs/reports.md): sales that became paid contracts
 * in the period with their sums in kopecks, cancellations in the period, drafts begun in the
 * period and how many of them converted since; conversion_bp = converted / drafts (10000 = 100%).
 */
export interface Figures {
  sales: number
  gross_kopecks: number
  net_kopecks: number
  average_price_kopecks: number
  commission_kopecks: number
  upsell_kopecks: number
  cancellations: number
  drafts: number
  converted: number
  conversion_bp: number
}

export interface StatsGroup {
  /** A bucket's first day, a partner's/salon's/manager's id, a city, region, tariff code or category; "" for sales without one. */
  key: string
  label: string
  /** For a time bucket: the first day of the previous period's bucket it is compared with. */
  previous_key?: string
  current: Figures
  previous: Figures
}

/** GET /stats */
export interface Stats {
  group_by: StatsGrouping
  period: Period
  previous: Period
  groups: StatsGroup[]
  totals: { current: Figures; previous: Figures }
}

/** The query of GET /stats; `to` is included (unlike the lists' exclusive `to`). */
export interface StatsQuery {
  group_by: StatsGrouping
  from?: string
  to?: string
  partner_id?: number | ''
  salon_id?: number | ''
  city?: string
  tariff_code?: string
  status?: SaleStatus | ''
}

export type ReportSourceName = 'sales' | 'payments'
export type ReportColumnKind = 'text' | 'int' | 'money' | 'date' | 'datetime' | 'percent'

export interface ReportColumn {
  key: string
  title: string
  /** money is kopecks, percent basis points */
  kind: ReportColumnKind
}

/** GET /report-sources item: what a template can be built from. */
export interface ReportSource {
  name: ReportSourceName
  columns: ReportColumn[]
  date_fields: string[]
  statuses: string[]
  groupings: string[]
  filters: string[]
}

export interface ReportTemplateFilters {
  date_field: string
  statuses: string[] | null
}

export interface ReportTemplate {
  id: number
  code: string
  name: string
  source: ReportSourceName
  columns: string[]
  filters: ReportTemplateFilters
  /** "" for a detail report */
  group_by: string
  created_at: string
  updated_at: string
}

export interface ReportTemplateInput {
  code: string
  name: string
  source: ReportSourceName
  columns: string[]
  filters: { date_field: string; statuses: string[] }
  group_by: string
}

export interface ReportQuery {
  from?: string
  to?: string
  partner_id?: number | ''
  salon_id?: number | ''
  city?: string
  tariff_code?: string
  /** comma-separated; replaces the template's statuses */
  status?: string
  method?: string
  purpose?: string
  page?: number
  per_page?: number
}

/** GET /reports/{code}: one page of rows and the totals of the whole report. */
export interface ReportPage {
  template: ReportTemplate
  period: Period
  columns: ReportColumn[]
  items: Record<string, unknown>[]
  /** records, or groups of a grouped report */
  total: number
  page: number
  per_page: number
  totals: { rows: number; sums: Record<string, number> }
}

export type ClosingStatus = 'in_progress' | 'documents_issued' | 'reconciled' | 'mismatch' | 'closed'

/** One partner's closing of a month. */
export interface Closing {
  month: string
  partner_id: number
  partner_name: string
  status: ClosingStatus
  sales_total_kopecks: number
  ledger_total_kopecks: number
  finished_at: string | null
}

export interface ClosingStarted {
  month: string
  workflow_id: string
  run_id: string
}

// --- news and announcements (api/news.go) ------------------------------------------------------

export type NewsStatus = 'draft' | 'published' | 'archived'

export interface NewsAudience {
  roles: Role[]
  partners: number[]
  regions: string[]
  cities: string[]
}

export interface NewsItem {
  id: number
  title: string
  status: NewsStatus
  body_markdown: string
  /** sanitised on the server: safe to show as is */
  body_html: string
  author_id: number
  author_name: string
  publish_at: string | null
  pinned: boolean
  requires_ack: boolean
  remind_after_days: number
  escalate_after_days: number
  audience: NewsAudience
  read_at: string | null
  acknowledged_at: string | null
  created_at: string
  archived_at: string | null
  /** the cover first, then the files */
  attachments: NewsAttachment[]
}

export interface NewsAttachment {
  id: string
  cover: boolean
  file_name: string
  mime: string
  size_bytes: number
  /** API path to download it */
  url: string
  created_at: string
}

export interface NewsFeedItem {
  id: number
  title: string
  excerpt: string
  author_name: string
  publish_at: string | null
  pinned: boolean
  requires_ack: boolean
  read: boolean
  acknowledged_at: string | null
}

export interface NewsAuthorLine {
  id: number
  title: string
  status: NewsStatus
  pinned: boolean
  requires_ack: boolean
  publish_at: string | null
  author_name: string
  created_at: string
  archived_at: string | null
}

export interface NewsInput {
  title: string
  body: string
  pinned: boolean
  requires_ack: boolean
  remind_after_days: number
  escalate_after_days: number
  audience: NewsAudience
  publish?: boolean
  publish_at?: string | null
}

export interface UnreadNews {
  unread: number
  unacknowledged: number
}

export interface AckPerson {
  user_id: number
  full_name: string
  email: string
  role: Role
  partner_id: number | null
  partner_name: string | null
  salons: string
  read_at: string | null
  acknowledged_at: string | null
}

export interface AckPartner {
  partner_id: number | null
  partner_name: string | null
  salons: string
  addressed: number
  acknowledged: number
}

export interface AckReport {
  news_id: number
  title: string
  addressed: number
  acknowledged: number
  partners: AckPartner[]
  people: AckPerson[]
}

// --- the notification centre (docs/openapi.yaml: notifications) ------------------------------

/** One notice in the bell. `link` is a path of the cabinets ('' when it is about nothing). */
export interface Notification {
  id: number
  kind: string
  title: string
  body: string
  link: string
  sale_id: string | null
  read: boolean
  read_at: string | null
  created_at: string
}

/** The bell's counters, polled with ETag / If-None-Match. */
export interface NotificationSummary {
  unread: number
  open_tasks: number
  approvals_waiting: number
  latest_id: number
}

/** A work item: the caller's own or left for their whole role (assigned_to_me false). */
export interface Task {
  id: number
  kind: string
  title: string
  link: string
  sale_id: string | null
  payment_id: string | null
  partner_id: number | null
  assigned_to_me: boolean
  done: boolean
  done_at: string | null
  /** '' when the sale or payment settled it by itself */
  done_by_name: string
  created_at: string
}

/** Whether one kind of notice also comes by mail (the bell shows it always). */
export interface MailPreference {
  kind: string
  label: string
  mail: boolean
}
