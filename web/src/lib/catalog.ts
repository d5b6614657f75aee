// The catalogue of makes and models as the wizard's picker uses it: the same spelling rules as
// the server (warranty.CatalogKey), so the hint "not in the catalogue" agrees with the flag the
// server will raise. No Vue here, so it is unit-tested.

import type { VehicleMake, VehicleModel } from '@/api/types'

/** How names compare: case, «ё», spaces, hyphens and other punctuation do not count. */
export function catalogKey(s: string): string {
  return Array.from(s.toLowerCase().replace(/ё/g, 'е'))
    .filter((ch) => /[\p{L}\p{N}]/u.test(ch))
    .join('')
}

function spells(name: string, entry: { name: string; aliases: string[] }): boolean {
  const key = catalogKey(name)
  return key !== '' && [entry.name, ...entry.aliases].some((s) => catalogKey(s) === key)
}

export function findMake(catalog: VehicleMake[], name: string): VehicleMake | undefined {
  return catalog.find((m) => spells(name, m))
}

export function findModel(make: VehicleMake | undefined, name: string): VehicleModel | undefined {
  return make?.models.find((m) => spells(name, m))
}

/** A suggestion of the picker: the entry's name, and the spelling that matched when another. */
export interface Suggestion {
  value: string
  alias?: string
}

function suggest(entries: { name: string; aliases: string[] }[], query: string): Suggestion[] {
  const q = catalogKey(query)
  const out: Suggestion[] = []
  for (const e of entries) {
    if (q === '' || catalogKey(e.name).startsWith(q)) {
      out.push({ value: e.name })
      continue
    }
    const alias = e.aliases.find((a) => catalogKey(a).startsWith(q))
    if (alias) out.push({ value: e.name, alias })
  }
  return out
}

/** Active makes whose name or an alias starts with what was typed («фер» → Ferrari). */
export function makeSuggestions(catalog: VehicleMake[], query: string): Suggestion[] {
  return suggest(catalog.filter((m) => m.active), query)
}

/** The make's models whose name or an alias starts with what was typed. */
export function modelSuggestions(catalog: VehicleMake[], make: string, query: string): Suggestion[] {
  return suggest(findMake(catalog, make)?.models ?? [], query)
}

/**
 * What is "other" (typed in, not in the catalogue): the make, the model, or nothing. An empty
 * field is not "other" (the server names it as required). An empty catalogue (not loaded)
 * says nothing.
 */
export function otherPart(catalog: VehicleMake[], make: string, model: string): 'make' | 'model' | null {
  if (catalog.length === 0 || make.trim() === '') return null
  const m = findMake(catalog, make)
  if (!m) return 'make'
  if (model.trim() !== '' && !findModel(m, model)) return 'model'
  return null
}

/** The admin's text of a make's models: one a line, «Name: alias, alias». */
export function modelsText(models: VehicleModel[]): string {
  return models.map((m) => (m.aliases.length ? `${m.name}: ${m.aliases.join(', ')}` : m.name)).join('\n')
}

/** Parses modelsText back; empty lines are skipped. */
export function parseModels(text: string): { name: string; aliases: string[] }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':')
      if (colon < 0) return { name: line, aliases: [] }
      return { name: line.slice(0, colon).trim(), aliases: splitList(line.slice(colon + 1)) }
    })
}

/** A comma-separated list, trimmed, empty items dropped. */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
}
