// The distributor → dealer hierarchy of partners as a tree for an el-table with tree rows.

export interface TreeNode<T> {
  children?: Array<TreeNode<T> & T>
}

/**
 * Builds a forest from a flat list with parent ids. Nodes whose parent is not in the list
 * become roots (a filtered list still shows every match). Cycles cannot hang it.
 */
export function buildTree<T extends { id: number; parent_id: number | null }>(
  rows: T[],
  sortBy: (a: T, b: T) => number = () => 0,
): Array<T & TreeNode<T>> {
  const byId = new Map<number, T & TreeNode<T>>()
  for (const r of rows) byId.set(r.id, { ...r })
  const roots: Array<T & TreeNode<T>> = []
  for (const node of byId.values()) {
    const parent = node.parent_id !== null ? byId.get(node.parent_id) : undefined
    if (parent && !isAncestor(node, parent, byId)) {
      ;(parent.children ??= []).push(node)
    } else {
      roots.push(node)
    }
  }
  const sortRec = (list: Array<T & TreeNode<T>>) => {
    list.sort(sortBy)
    for (const n of list) if (n.children) sortRec(n.children as Array<T & TreeNode<T>>)
  }
  sortRec(roots)
  return roots
}

function isAncestor<T extends { id: number; parent_id: number | null }>(
  node: T,
  candidateParent: T,
  byId: Map<number, T>,
): boolean {
  // Would attaching node under candidateParent make a cycle?
  let cur: T | undefined = candidateParent
  const seen = new Set<number>()
  while (cur && cur.parent_id !== null && !seen.has(cur.id)) {
    seen.add(cur.id)
    if (cur.parent_id === node.id) return true
    cur = byId.get(cur.parent_id)
  }
  return false
}

/** Counts the nodes of a forest. */
export function countNodes<T>(forest: Array<TreeNode<T>>): number {
  return forest.reduce((n, x) => n + 1 + countNodes((x.children ?? []) as Array<TreeNode<T>>), 0)
}
