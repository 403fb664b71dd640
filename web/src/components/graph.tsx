/**
 * A layered graph in plain SVG: upstream columns on the left, the subject in the middle, downstream
 * on the right. Drag to pan, wheel or the buttons to zoom; every node is a link (Tab reaches it,
 * Enter opens it). Edges the catalog declares are solid, edges pipelines reported are dashed (a
 * legend says so); each edge's label sits on the edge where it overlaps no other label and no node,
 * and every edge says what it is on hover.
 */
import { useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

export interface GraphNode {
  id: string;
  label: string;
  sub?: string;
  /** Column: negative upstream, 0 the subject, positive downstream. */
  column: number;
  tone: string;
  href?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  /** Declared in a manifest (a contract, a data product's ports, a model's inputs) or reported by a pipeline. */
  origin?: 'declared' | 'reported';
  /** Where the edge comes from, for its tooltip: "reported by job airflow/x", "data product's input port". */
  source?: string;
}

const NODE_W = 190;
const NODE_H = 46;
// Wide enough for the longest link role ("inference_input") between two columns.
const COL_GAP = 110;
const ROW_GAP = 18;
const LABEL_H = 14;
/** Where along an edge a label may sit, best first: the middle, then towards either end. */
const LABEL_AT = [0.5, 0.38, 0.62, 0.26, 0.74, 0.15, 0.85];

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** 11px sans-serif, a little generous so estimated boxes do not touch. */
const labelWidth = (text: string) => text.length * 6.4 + 6;

/** The point at t of the edge's curve (a cubic Bézier with both control points at the middle x). */
function pointAt(x1: number, y1: number, x2: number, y2: number, t: number) {
  const mid = (x1 + x2) / 2;
  const u = 1 - t;
  return {
    x: u * u * u * x1 + 3 * u * u * t * mid + 3 * u * t * t * mid + t * t * t * x2,
    y: u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2,
  };
}

/**
 * Places each edge's label at the first spot along it that overlaps no node and no label placed
 * before; a label that finds none is left to the edge's tooltip.
 */
function placeLabels(
  edges: { key: string; text: string; x1: number; y1: number; x2: number; y2: number }[],
  nodes: Box[],
): Map<string, { x: number; y: number }> {
  const placed: Box[] = [];
  const out = new Map<string, { x: number; y: number }>();
  for (const e of edges) {
    const w = labelWidth(e.text);
    for (const t of LABEL_AT) {
      const p = pointAt(e.x1, e.y1, e.x2, e.y2, t);
      const box = { x: p.x - w / 2, y: p.y - LABEL_H / 2, w, h: LABEL_H };
      if (nodes.some((n) => overlaps(box, n)) || placed.some((b) => overlaps(box, b))) continue;
      placed.push(box);
      out.set(e.key, p);
      break;
    }
  }
  return out;
}

const ORIGIN_TEXT = {
  declared: 'declared in the catalog (contracts, data products, models, applications)',
  reported: 'reported by pipelines (OpenLineage)',
} as const;

export function LayeredGraph({
  nodes,
  edges,
  label,
}: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  label: string;
}) {
  const navigate = useNavigate();
  const labelId = useId();
  const columns = [...new Set(nodes.map((n) => n.column))].sort((a, b) => a - b);
  const pos = new Map<string, { x: number; y: number }>();
  const tallest = Math.max(1, ...columns.map((c) => nodes.filter((n) => n.column === c).length));
  const height = tallest * (NODE_H + ROW_GAP) + ROW_GAP;
  columns.forEach((c, ci) => {
    const inColumn = nodes.filter((n) => n.column === c);
    const top = (height - inColumn.length * (NODE_H + ROW_GAP)) / 2 + ROW_GAP / 2;
    inColumn.forEach((n, ri) => {
      pos.set(n.id, { x: 20 + ci * (NODE_W + COL_GAP), y: top + ri * (NODE_H + ROW_GAP) });
    });
  });
  const width = columns.length * (NODE_W + COL_GAP) - COL_GAP + 40;
  const name = new Map(nodes.map((n) => [n.id, n.label]));
  const lines = edges.flatMap((e) => {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) return [];
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const origin = e.origin ?? 'declared';
    const tip = `${name.get(e.from)} → ${name.get(e.to)}${e.label ? ` (${e.label})` : ''}: ${e.source ?? ORIGIN_TEXT[origin]}`;
    const mid = (x1 + x2) / 2;
    const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
    return [{ key: `${e.from}->${e.to}`, x1, y1, x2, y2, d, origin, text: e.label ?? '', tip }];
  });
  const labels = placeLabels(
    lines.filter((l) => l.text),
    [...pos.values()].map((p) => ({ x: p.x, y: p.y, w: NODE_W, h: NODE_H })),
  );
  const origins = (['declared', 'reported'] as const).filter((o) => lines.some((l) => l.origin === o));
  const [view, setView] = useState({ x: 0, y: 0, k: 1 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);
  const zoom = (factor: number) => setView((v) => ({ ...v, k: Math.min(3, Math.max(0.3, v.k * factor)) }));

  return (
    <figure className="graph">
      <figcaption id={labelId} className="sr-only">
        {label}
      </figcaption>
      <div className="graph-tools">
        <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => setView({ x: 0, y: 0, k: 1 })}>
          Reset view
        </button>
        <span className="muted small">Drag to move, wheel to zoom, click a node to open it.</span>
      </div>
      {origins.length ? (
        <ul className="graph-legend" aria-label="Edges">
          {origins.map((o) => (
            <li key={o}>
              <svg width="36" height="10" aria-hidden="true">
                <line x1="1" y1="5" x2="35" y2="5" className={`edge edge-${o}`} />
              </svg>{' '}
              {ORIGIN_TEXT[o]}
            </li>
          ))}
          {lines.some((l) => l.text && !labels.has(l.key)) ? (
            <li className="muted">a label with no room is on its edge's tooltip</li>
          ) : null}
        </ul>
      ) : null}
      <svg
        className="graph-canvas"
        viewBox={`0 0 ${Math.max(width, 600)} ${Math.max(height, 200)}`}
        width={Math.max(width, 600)}
        height={Math.max(height, 200)}
        aria-labelledby={`${labelId}`}
        onWheel={(e) => {
          e.preventDefault();
          zoom(e.deltaY < 0 ? 1.1 : 0.9);
        }}
        onPointerDown={(e) => {
          if ((e.target as Element).closest('a')) return;
          drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) setView((v) => ({ ...v, x: d.vx + (e.clientX - d.x), y: d.vy + (e.clientY - d.y) }));
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
      >
        <title>{label}</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="edge-head" />
          </marker>
        </defs>
        <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
          {lines.map((e) => (
            <g key={e.key}>
              <title>{e.tip}</title>
              {/* A wider, invisible stroke, so the tooltip comes without aiming at a 1.5px line. */}
              <path d={e.d} className="edge-hit" />
              <path d={e.d} className={`edge edge-${e.origin}`} markerEnd="url(#arrow)" />
            </g>
          ))}
          {lines.map((e) => {
            const at = labels.get(e.key);
            return at && e.text ? (
              <text
                key={e.key}
                x={at.x}
                y={at.y}
                className="edge-label"
                textAnchor="middle"
                dominantBaseline="central"
              >
                <title>{e.tip}</title>
                {e.text}
              </text>
            ) : null;
          })}
          {nodes.map((n) => {
            const p = pos.get(n.id)!;
            // One text element, so the link's accessible name is what it shows ("orders up to internal").
            const body = (
              <>
                <rect
                  x={p.x}
                  y={p.y}
                  width={NODE_W}
                  height={NODE_H}
                  rx={6}
                  className={`node node-${n.tone}${n.column === 0 ? ' node-subject' : ''}`}
                />
                <text className="node-text">
                  <tspan x={p.x + 10} y={p.y + 19} className="node-label">
                    {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
                  </tspan>
                  {n.sub ? (
                    <>
                      {' '}
                      <tspan x={p.x + 10} y={p.y + 36} className="node-sub">
                        {n.sub.length > 30 ? `${n.sub.slice(0, 29)}…` : n.sub}
                      </tspan>
                    </>
                  ) : null}
                </text>
              </>
            );
            return n.href ? (
              <a
                key={n.id}
                href={n.href}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(n.href!);
                }}
              >
                {body}
              </a>
            ) : (
              <g key={n.id}>{body}</g>
            );
          })}
        </g>
      </svg>
    </figure>
  );
}
