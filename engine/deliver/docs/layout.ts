import { Graph, layout } from "@dagrejs/dagre";

/**
 * The lineage's layout, by dagre (a layered Sugiyama layout with crossing reduction): sources on the
 * left, marts on the right. Every node is as wide as its label, so no label is cut or spills out.
 */
export interface LayoutNode {
  id: string;
  label: string;
  kind: string;
  parents: string[];
}

export interface PlacedNode extends LayoutNode {
  /** rank from the left: 0 for sources */
  layer: number;
  /** top-left corner */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: PlacedNode;
  to: PlacedNode;
  points: { x: number; y: number }[];
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** 12px monospace: the label's advance per character, and the padding around it. */
export const CHAR_W = 7.3;
export const PAD_X = 12;
const NODE_H = 28;
const MARGIN = 16;

export function nodeWidth(label: string): number {
  return Math.max(64, Math.ceil(label.length * CHAR_W + 2 * PAD_X));
}

export function layoutDag(input: LayoutNode[]): Layout {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", nodesep: 10, ranksep: 48, edgesep: 6, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Map(input.map((n) => [n.id, n]));
  for (const n of input) g.setNode(n.id, { width: nodeWidth(n.label), height: NODE_H });
  for (const n of input) for (const p of n.parents) if (known.has(p) && p !== n.id) g.setEdge(p, n.id);
  // one hidden root ties every input to the first rank, so separate pipelines line up on the left
  // (without it dagre pulls a short chain, such as one source and its staging model, to the far right)
  const inputs = input.filter((n) => !n.parents.some((p) => known.has(p) && p !== n.id));
  if (inputs.length > 1) {
    g.setNode(ROOT, { width: 0, height: 0 });
    for (const n of inputs) g.setEdge(ROOT, n.id, { minlen: 1, weight: 10 });
  }
  layout(g);
  if (g.hasNode(ROOT)) g.removeNode(ROOT);
  // the hidden root's rank leaves a gap on the left: shift everything back to the margin
  const shift = Math.min(...input.map((n) => g.node(n.id).x - g.node(n.id).width / 2)) - MARGIN;
  // left to right, a rank's nodes share a centre line
  const centres = [...new Set(input.map((n) => Math.round(g.node(n.id).x)))].sort((a, b) => a - b);
  const placed = new Map<string, PlacedNode>();
  for (const n of input) {
    const d = g.node(n.id);
    const layer = centres.indexOf(Math.round(d.x));
    placed.set(n.id, {
      ...n,
      layer,
      x: d.x - d.width / 2 - shift,
      y: d.y - d.height / 2,
      width: d.width,
      height: d.height,
    });
  }
  const edges = g.edges().map((e) => ({
    from: placed.get(e.v)!,
    to: placed.get(e.w)!,
    points: ((g.edge(e) as { points?: { x: number; y: number }[] }).points ?? []).map((p) => ({
      x: p.x - shift,
      y: p.y,
    })),
  }));
  return {
    nodes: input.map((n) => placed.get(n.id)!),
    edges,
    width: Math.ceil((g.graph().width ?? 0) - shift),
    height: Math.ceil(g.graph().height ?? 0),
  };
}

const ROOT = "\u0000root";

/** A smooth path through dagre's edge points (a B-spline, as d3's curveBasis draws it). */
export function edgePath(points: { x: number; y: number }[]): string {
  if (points.length < 3) return points.map((p, i) => `${i ? "L" : "M"}${r(p.x)},${r(p.y)}`).join(" ");
  const [p0, ...rest] = points;
  let d = `M${r(p0!.x)},${r(p0!.y)}`;
  let prev = p0!;
  let cur = rest[0]!;
  d += ` L${r((5 * prev.x + cur.x) / 6)},${r((5 * prev.y + cur.y) / 6)}`;
  for (let i = 1; i < rest.length; i++) {
    const next = rest[i]!;
    d += ` C${r((2 * prev.x + cur.x) / 3)},${r((2 * prev.y + cur.y) / 3)} ${r((prev.x + 2 * cur.x) / 3)},${r((prev.y + 2 * cur.y) / 3)} ${r((prev.x + 4 * cur.x + next.x) / 6)},${r((prev.y + 4 * cur.y + next.y) / 6)}`;
    prev = cur;
    cur = next;
  }
  d += ` C${r((2 * prev.x + cur.x) / 3)},${r((2 * prev.y + cur.y) / 3)} ${r((prev.x + 2 * cur.x) / 3)},${r((prev.y + 2 * cur.y) / 3)} ${r(cur.x)},${r(cur.y)}`;
  return d;
}

const r = (v: number) => Math.round(v * 10) / 10;
