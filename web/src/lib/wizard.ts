// State of the four-step new-sale wizard: what each step's form holds, what is sent to the
// API, which steps are done and where a draft resumes. No Vue here, so it is unit-tested.

import type {
  Customer,
  QuoteRequest,
  Sale,
  SaleComment,
  Tariff,
  TariffChoice,
  Vehicle,
  VehicleCategory,
  VehicleInput,
} from '@/api/types'

export type WizardStep = 'vehicle' | 'customer' | 'tariff' | 'review'
export const STEPS: WizardStep[] = ['vehicle', 'customer', 'tariff', 'review']
export const CATEGORIES: VehicleCategory[] = ['new', 'used', 'parallel_import']

export interface VehicleForm {
  vin: string
  make: string
  model: string
  year: number | null
  mileage_km: number | null
  engine_power_hp: number | null
  engine_volume_cc: number | null
  category: VehicleCategory | ''
  sold_on: string
}

export type CustomerForm = Customer

export interface TariffForm {
  tariff_code: string
  term_months: number | null
  options: string[]
  discount_pct: number
}

/** What PUT /sales/{id}/vehicle receives; empty numbers go as null so the server names them. */
export type VehiclePayload = VehicleInput

export function emptyVehicle(today = ''): VehicleForm {
  return {
    vin: '',
    make: '',
    model: '',
    year: null,
    mileage_km: null,
    engine_power_hp: null,
    engine_volume_cc: null,
    category: '',
    sold_on: today,
  }
}

export function emptyCustomer(): CustomerForm {
  return { full_name: '', phone: '', email: '', birth_date: '', passport_series: '', passport_number: '' }
}

export function emptyTariff(): TariffForm {
  return { tariff_code: '', term_months: null, options: [], discount_pct: 0 }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))

export function vehicleFormFrom(v: Partial<Vehicle> | null | undefined, today = ''): VehicleForm {
  if (!v) return emptyVehicle(today)
  return {
    vin: str(v.vin),
    make: str(v.make),
    model: str(v.model),
    year: num(v.year),
    mileage_km: num(v.mileage_km),
    engine_power_hp: num(v.engine_power_hp),
    engine_volume_cc: num(v.engine_volume_cc),
    category: (v.category as VehicleCategory) ?? '',
    sold_on: str(v.sold_on) || today,
  }
}

export function customerFormFrom(c: Partial<Customer> | null | undefined): CustomerForm {
  const e = emptyCustomer()
  if (!c) return e
  return {
    full_name: str(c.full_name),
    phone: str(c.phone),
    email: str(c.email),
    birth_date: str(c.birth_date),
    passport_series: str(c.passport_series),
    passport_number: str(c.passport_number),
  }
}

export function tariffFormFrom(t: Partial<TariffChoice> | null | undefined): TariffForm {
  if (!t) return emptyTariff()
  return {
    tariff_code: str(t.tariff_code),
    term_months: num(t.term_months),
    options: Array.isArray(t.options) ? [...t.options] : [],
    discount_pct: num(t.discount_pct) ?? 0,
  }
}

/** VIN as the server wants it: no spaces, upper case. Validation itself is the server's. */
export function normalizeVin(vin: string): string {
  return vin.replace(/[\s-]/g, '').toUpperCase()
}

export function vehiclePayload(f: VehicleForm): VehiclePayload {
  return {
    vin: normalizeVin(f.vin),
    make: f.make.trim(),
    model: f.model.trim(),
    year: f.year,
    mileage_km: f.mileage_km,
    engine_power_hp: f.engine_power_hp,
    engine_volume_cc: f.engine_volume_cc,
    category: f.category,
    sold_on: f.sold_on,
  }
}

export function customerPayload(f: CustomerForm): Customer {
  return {
    full_name: f.full_name.trim().replace(/\s+/g, ' '),
    phone: f.phone.trim(),
    email: f.email.trim(),
    birth_date: f.birth_date,
    passport_series: f.passport_series.replace(/\s/g, ''),
    passport_number: f.passport_number.replace(/\s/g, ''),
  }
}

export function tariffPayload(f: TariffForm): TariffChoice {
  return {
    tariff_code: f.tariff_code,
    term_months: f.term_months ?? 0,
    options: [...f.options],
    discount_pct: f.discount_pct,
  }
}

export function isVehicleDone(v: Partial<Vehicle> | null | undefined): boolean {
  return !!v && !!v.vin && !!v.make && !!v.model && !!v.year && !!v.category && !!v.sold_on
}

export function isCustomerDone(c: Partial<Customer> | null | undefined): boolean {
  return !!c && !!c.full_name && !!c.phone && !!c.email && !!c.birth_date
}

export function isTariffDone(t: Partial<TariffChoice> | null | undefined): boolean {
  return !!t && !!t.tariff_code && !!t.term_months
}

export function stepDone(sale: Pick<Sale, 'vehicle' | 'customer' | 'tariff'> | null, step: WizardStep): boolean {
  if (!sale) return false
  switch (step) {
    case 'vehicle':
      return isVehicleDone(sale.vehicle)
    case 'customer':
      return isCustomerDone(sale.customer)
    case 'tariff':
      return isTariffDone(sale.tariff)
    case 'review':
      return false
  }
}

/** Steps still to fill before submit. */
export function missingSteps(sale: Pick<Sale, 'vehicle' | 'customer' | 'tariff'> | null): WizardStep[] {
  return (['vehicle', 'customer', 'tariff'] as WizardStep[]).filter((s) => !stepDone(sale, s))
}

/** Where a draft resumes: the first step not filled, else the review. */
export function resumeStep(sale: Pick<Sale, 'vehicle' | 'customer' | 'tariff'> | null): WizardStep {
  return missingSteps(sale)[0] ?? 'review'
}

/** Which steps the step bar lets a dealer jump to. Before the sale exists only the first. */
export function reachableSteps(sale: Pick<Sale, 'vehicle' | 'customer' | 'tariff'> | null): WizardStep[] {
  if (!sale) return ['vehicle']
  const resume = resumeStep(sale)
  return STEPS.filter((s) => stepDone(sale, s) || s === resume || (s === 'review' && resume === 'review'))
}

export function isStep(v: unknown): v is WizardStep {
  return typeof v === 'string' && (STEPS as string[]).includes(v)
}

export function nextStep(step: WizardStep): WizardStep {
  return STEPS[Math.min(STEPS.indexOf(step) + 1, STEPS.length - 1)]!
}

export function prevStep(step: WizardStep): WizardStep {
  return STEPS[Math.max(STEPS.indexOf(step) - 1, 0)]!
}

/** The dealer's discount limit for a tariff, in percent. */
export function maxDiscountPct(tariff: Pick<Tariff, 'max_discount_bp'> | null | undefined): number {
  return tariff ? Math.max(0, tariff.max_discount_bp) / 100 : 0
}

/**
 * Keeps a tariff choice consistent when the tariff changes: a term the tariff offers
 * (the current one if it still exists, else the shortest), only its options, and a discount
 * within its limit.
 */
export function fitChoiceToTariff(f: TariffForm, tariff: Tariff | null | undefined): TariffForm {
  if (!tariff) return { ...f, term_months: null, options: [] }
  const terms = [...tariff.terms].sort((a, b) => a - b)
  const term = f.term_months && terms.includes(f.term_months) ? f.term_months : terms[0] ?? null
  const codes = new Set(tariff.options.map((o) => o.code))
  const max = maxDiscountPct(tariff)
  return {
    tariff_code: tariff.code,
    term_months: term,
    options: f.options.filter((o) => codes.has(o)),
    discount_pct: Math.min(Math.max(0, f.discount_pct || 0), max),
  }
}

/** The POST /quotes body for a live quote, or null while the choice is incomplete. */
export function quoteRequest(vehicle: Partial<Vehicle> | VehiclePayload | null | undefined, f: TariffForm): QuoteRequest | null {
  if (!vehicle || !f.tariff_code || !f.term_months) return null
  return {
    vehicle: vehicle as Partial<Vehicle>,
    tariff_code: f.tariff_code,
    term_months: f.term_months,
    options: [...f.options],
    discount_pct: f.discount_pct || 0,
  }
}

const CHANGE_KINDS = new Set(['request_changes', 'changes_requested', 'changes'])

/** The latest comment in which a manager asked for changes, to show above the wizard. */
export function latestChangeRequest(comments: SaleComment[] | null | undefined): SaleComment | null {
  if (!comments?.length) return null
  const found = [...comments]
    .filter((c) => CHANGE_KINDS.has(c.kind))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return found[found.length - 1] ?? null
}

/** Field errors of a step's 422 as keyed by the form: "vehicle.vin" and "vin" both → "vin". */
export function stepFieldErrors(fields: Record<string, string>, step: WizardStep): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields)) {
    const prefix = `${step}.`
    out[k.startsWith(prefix) ? k.slice(prefix.length) : k] = v
  }
  return out
}
