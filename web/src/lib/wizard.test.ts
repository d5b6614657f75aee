import { describe, expect, it } from 'vitest'
import type { Sale, Tariff } from '@/api/types'
import {
  customerPayload,
  emptyTariff,
  emptyVehicle,
  fitChoiceToTariff,
  latestChangeRequest,
  maxDiscountPct,
  missingSteps,
  nextStep,
  normalizeVin,
  prevStep,
  quoteRequest,
  reachableSteps,
  resumeStep,
  stepFieldErrors,
  tariffFormFrom,
  vehicleFormFrom,
  vehiclePayload,
} from './wizard'

type Draft = Pick<Sale, 'vehicle' | 'customer' | 'tariff'>

const vehicle = {
  vin: 'XTA21099012345678',
  make: 'Lada',
  model: 'Vesta',
  year: 2021,
  mileage_km: 35000,
  engine_power_hp: 106,
  engine_volume_cc: 1596,
  category: 'used' as const,
  sold_on: '2025-11-20',
}
const customer = {
  full_name: 'Иванов Иван Иванович',
  phone: '+79161234567',
  email: 'ivanov@example.ru',
  birth_date: '1985-05-20',
  passport_series: '',
  passport_number: '',
}
const tariffChoice = { tariff_code: 'optimal', term_months: 24, options: ['tow'], discount_pct: 5 }

const optimal: Tariff = {
  code: 'optimal',
  name: 'Оптимальный',
  coverage: ['engine', 'gearbox'],
  terms: [24, 12, 36],
  options: [
    { code: 'tow', name: 'Эвакуатор', price_kopecks: 150000 },
    { code: 'taxi', name: 'Такси', price_kopecks: 90000 },
  ],
  max_discount_bp: 1500,
  current_version: 3,
  published_at: '2025-10-01T00:00:00Z',
}

describe('resume and progress', () => {
  it('a new draft starts with the vehicle', () => {
    const empty: Draft = { vehicle: null, customer: null, tariff: null }
    expect(resumeStep(empty)).toBe('vehicle')
    expect(resumeStep(null)).toBe('vehicle')
    expect(missingSteps(empty)).toEqual(['vehicle', 'customer', 'tariff'])
    expect(reachableSteps(null)).toEqual(['vehicle'])
  })

  it('resumes at the first step left unfilled', () => {
    expect(resumeStep({ vehicle, customer: null, tariff: null })).toBe('customer')
    expect(resumeStep({ vehicle, customer, tariff: null })).toBe('tariff')
    expect(resumeStep({ vehicle, customer, tariff: tariffChoice })).toBe('review')
    // Steps may be filled in any order: a missing vehicle comes first.
    expect(resumeStep({ vehicle: null, customer, tariff: tariffChoice })).toBe('vehicle')
  })

  it('lets the dealer jump to filled steps and the next one only', () => {
    expect(reachableSteps({ vehicle, customer: null, tariff: null })).toEqual(['vehicle', 'customer'])
    expect(reachableSteps({ vehicle, customer, tariff: tariffChoice })).toEqual(['vehicle', 'customer', 'tariff', 'review'])
  })

  it('treats partly filled steps as not done', () => {
    expect(missingSteps({ vehicle: { ...vehicle, make: '' }, customer, tariff: tariffChoice })).toEqual(['vehicle'])
    expect(missingSteps({ vehicle, customer: { ...customer, phone: '' }, tariff: { tariff_code: 'basic' } })).toEqual([
      'customer',
      'tariff',
    ])
  })

  it('walks the steps', () => {
    expect(nextStep('vehicle')).toBe('customer')
    expect(nextStep('review')).toBe('review')
    expect(prevStep('customer')).toBe('vehicle')
    expect(prevStep('vehicle')).toBe('vehicle')
  })
})

describe('forms and payloads', () => {
  it('normalizes the VIN but leaves validation to the server', () => {
    expect(normalizeVin(' xta 21099-012345678 ')).toBe('XTA21099012345678')
    expect(vehiclePayload({ ...vehicleFormFrom(vehicle), vin: 'abc' }).vin).toBe('ABC')
  })

  it('sends empty numbers as null so the server names the field', () => {
    const p = vehiclePayload(emptyVehicle('2025-11-23'))
    expect(p.year).toBeNull()
    expect(p.sold_on).toBe('2025-11-23')
  })

  it('round-trips a saved vehicle', () => {
    expect(vehiclePayload(vehicleFormFrom(vehicle))).toEqual(vehicle)
  })

  it('tidies the customer', () => {
    const p = customerPayload({ ...customer, full_name: '  Иванов   Иван ', passport_series: '45 10', passport_number: '123 456' })
    expect(p.full_name).toBe('Иванов Иван')
    expect(p.passport_series).toBe('4510')
    expect(p.passport_number).toBe('123456')
  })

  it('reads a saved tariff choice', () => {
    expect(tariffFormFrom(tariffChoice)).toEqual(tariffChoice)
    expect(tariffFormFrom(null)).toEqual(emptyTariff())
  })
})

describe('tariff choice', () => {
  it('fits the choice to a newly picked tariff', () => {
    const f = fitChoiceToTariff({ tariff_code: 'basic', term_months: 48, options: ['tow', 'gap'], discount_pct: 30 }, optimal)
    expect(f).toEqual({ tariff_code: 'optimal', term_months: 12, options: ['tow'], discount_pct: 15 })
  })

  it('keeps a term the tariff offers', () => {
    expect(fitChoiceToTariff({ ...emptyTariff(), term_months: 36 }, optimal).term_months).toBe(36)
  })

  it('knows the discount limit', () => {
    expect(maxDiscountPct(optimal)).toBe(15)
    expect(maxDiscountPct(null)).toBe(0)
  })

  it('asks for a quote only when the choice is complete', () => {
    expect(quoteRequest(vehicle, emptyTariff())).toBeNull()
    expect(quoteRequest(null, tariffChoice)).toBeNull()
    expect(quoteRequest(vehicle, tariffChoice)).toEqual({ vehicle, ...tariffChoice })
  })
})

describe('comments and errors', () => {
  it('finds the latest request for changes', () => {
    const c = latestChangeRequest([
      { author: 'М', role: 'manager', text: 'Проверьте VIN', at: '2025-11-20T10:00:00Z', kind: 'request_changes' },
      { author: 'Д', role: 'dealer', text: 'ok', at: '2025-11-20T11:00:00Z', kind: 'comment' },
      { author: 'М', role: 'manager', text: 'Нужен паспорт', at: '2025-11-21T10:00:00Z', kind: 'request_changes' },
    ])
    expect(c?.text).toBe('Нужен паспорт')
    expect(latestChangeRequest([])).toBeNull()
  })

  it('maps prefixed server field names onto the form', () => {
    expect(stepFieldErrors({ 'vehicle.vin': 'Неверный VIN', year: 'Год' }, 'vehicle')).toEqual({
      vin: 'Неверный VIN',
      year: 'Год',
    })
  })
})
