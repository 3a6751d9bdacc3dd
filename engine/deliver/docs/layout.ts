/**
 * A layered DAG layout: a node's layer is one more than its deepest parent's;
 * within a layer nodes are ordered by the mean position of their parents
 * (one barycenter pass), which removes most crossings in pipelines this size.
 */
export interface LayoutNode {
  id: string;
  label: string;
  kind: string;
  parents: string[];
}

export interface PlacedNode extends LayoutNode {
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: { from: PlacedNode; to: PlacedNode }[];
  width: number;
  height: number;
}

const NODE_W = 190;
const NODE_H = 34;
const GAP_X = 80;
const GAP_Y = 14;
const PAD = 16;

export function layoutDag(input: LayoutNode[]): Layout {
  const byId = new Map(input.map((n) => [n.id, n]));
  const layerOf = new Map<string, number>();
  const layer = (id: string, seen = new Set<string>()): number => {
    const known = layerOf.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const parents = byId.get(id)?.parents.filter((p) => byId.has(p)) ?? [];
    const l = parents.length ? 1 + Math.max(...parents.map((p) => layer(p, seen))) : 0;
    layerOf.set(id, l);
    return l;
  };
  for (const n of input) layer(n.id);
  const layers: LayoutNode[][] = [];
  for (const n of input) (layers[layerOf.get(n.id)!] ??= []).push(n);
  const row = new Map<string, number>();
  layers.forEach((nodes, li) => {
    if (li > 0) {
      const score = (n: LayoutNode) => {
        const ps = n.parents.map((p) => row.get(p)).filter((r): r is number => r !== undefined);
        return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : Number.MAX_SAFE_INTEGER;
      };
      nodes.sort((a, b) => score(a) - score(b) || a.label.localeCompare(b.label));
    } else nodes.sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
    nodes.forEach((n, i) => row.set(n.id, i));
  });
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const totalH = tallest * (NODE_H + GAP_Y) - GAP_Y;
  const placed = new Map<string, PlacedNode>();
  layers.forEach((nodes, li) => {
    const offset = (totalH - (nodes.length * (NODE_H + GAP_Y) - GAP_Y)) / 2;
    nodes.forEach((n, i) => {
      placed.set(n.id, {
        ...n,
        layer: li,
        x: PAD + li * (NODE_W + GAP_X),
        y: PAD + offset + i * (NODE_H + GAP_Y),
        width: NODE_W,
        height: NODE_H,
      });
    });
  });
  const nodes = input.map((n) => placed.get(n.id)!);
  const edges = nodes.flatMap((to) =>
    to.parents.filter((p) => placed.has(p)).map((p) => ({ from: placed.get(p)!, to })),
  );
  return { nodes, edges, width: PAD * 2 + layers.length * (NODE_W + GAP_X) - GAP_X, height: PAD * 2 + totalH };
}
