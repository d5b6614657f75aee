import { describe, expect, it } from 'vitest'
import { buildTree, countNodes } from './tree'

const p = (id: number, parent_id: number | null, name: string) => ({ id, parent_id, name })

describe('buildTree', () => {
  it('nests dealers under their distributor', () => {
    const tree = buildTree(
      [p(2, 1, 'Автомир'), p(1, null, 'Дистрибьютор'), p(3, 1, 'Северный Авто'), p(4, null, 'Казань Моторс')],
      (a, b) => a.name.localeCompare(b.name, 'ru'),
    )
    expect(tree.map((n) => n.name)).toEqual(['Дистрибьютор', 'Казань Моторс'])
    expect(tree[0]!.children!.map((n) => n.name)).toEqual(['Автомир', 'Северный Авто'])
    expect(countNodes(tree)).toBe(4)
  })

  it('keeps orphans as roots', () => {
    const tree = buildTree([p(5, 99, 'Без родителя')])
    expect(tree).toHaveLength(1)
  })

  it('does not hang on a cycle', () => {
    const tree = buildTree([p(1, 2, 'a'), p(2, 1, 'b')])
    expect(countNodes(tree)).toBe(2)
  })
})
