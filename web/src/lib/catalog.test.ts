import { describe, expect, it } from 'vitest'
import type { VehicleMake } from '@/api/types'
import { catalogKey, findMake, makeSuggestions, modelSuggestions, modelsText, otherPart, parseModels, splitList } from './catalog'

const catalog: VehicleMake[] = [
  { id: 1, name: 'Rolls-Royce', aliases: ['Роллс-Ройс'], active: true, models: [{ id: 10, name: 'Cullinan', aliases: ['Куллинан'] }] },
  { id: 2, name: 'Ferrari', aliases: ['Феррари'], active: true, models: [{ id: 20, name: 'Roma', aliases: [] }] },
  { id: 3, name: 'Lada', aliases: ['Лада', 'ВАЗ'], active: true, models: [{ id: 30, name: 'Vesta', aliases: ['Веста'] }] },
  { id: 4, name: 'Daewoo', aliases: ['Дэу'], active: false, models: [] },
]

describe('catalogue spellings', () => {
  it('ignores case, ё, spaces and punctuation as the server does', () => {
    expect(catalogKey(' Rolls  Royce ')).toBe('rollsroyce')
    expect(catalogKey('Хёндэ')).toBe('хендэ')
    expect(catalogKey('CX-5')).toBe('cx5')
    expect(findMake(catalog, 'rolls royce')?.id).toBe(1)
    expect(findMake(catalog, 'ФЕРРАРИ')?.id).toBe(2)
    expect(findMake(catalog, '—')).toBeUndefined()
  })

  it('suggests active makes by name or alias, and the make’s models', () => {
    expect(makeSuggestions(catalog, 'фер')).toEqual([{ value: 'Ferrari', alias: 'Феррари' }])
    expect(makeSuggestions(catalog, 'l')).toEqual([{ value: 'Lada' }])
    expect(makeSuggestions(catalog, 'дэ')).toEqual([]) // inactive
    expect(makeSuggestions(catalog, '').map((s) => s.value)).toEqual(['Rolls-Royce', 'Ferrari', 'Lada'])
    expect(modelSuggestions(catalog, 'ваз', 'ве')).toEqual([{ value: 'Vesta', alias: 'Веста' }])
    expect(modelSuggestions(catalog, 'Zotye', '')).toEqual([])
  })

  it('tells what was typed in as other', () => {
    expect(otherPart(catalog, 'Лада', 'Веста')).toBeNull()
    expect(otherPart(catalog, 'Lada', '')).toBeNull()
    expect(otherPart(catalog, 'Lada', 'Kalina')).toBe('model')
    expect(otherPart(catalog, 'Zotye', 'T600')).toBe('make')
    expect(otherPart(catalog, '', '')).toBeNull()
    expect(otherPart([], 'Zotye', 'T600')).toBeNull()
  })
})

describe('the admin’s text of models', () => {
  it('round-trips names and aliases', () => {
    const models = [
      { id: 1, name: 'Vesta', aliases: ['Веста'] },
      { id: 2, name: 'Niva Legend', aliases: ['Нива', 'Niva'] },
      { id: 3, name: 'Granta', aliases: [] },
    ]
    const text = modelsText(models)
    expect(text).toBe('Vesta: Веста\nNiva Legend: Нива, Niva\nGranta')
    expect(parseModels(text + '\n\n  ')).toEqual(models.map(({ name, aliases }) => ({ name, aliases })))
    expect(parseModels('X-Ray :  ,Икс-рей, ')).toEqual([{ name: 'X-Ray', aliases: ['Икс-рей'] }])
    expect(splitList(' a, ,b ')).toEqual(['a', 'b'])
  })
})
