/**
 * A layered graph in plain SVG: upstream columns on the left, the subject in the middle, downstream
 * on the right. Drag to pan, wheel or the buttons to zoom; every node is a link (Tab reaches it,
 * Enter opens it).
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
}

const NODE_W = 190;
const NODE_H = 46;
const COL_GAP = 90;
const ROW_GAP = 18;

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
          {edges.map((e) => {
            const a = pos.get(e.from);
            const b = pos.get(e.to);
            if (!a || !b) return null;
            const x1 = a.x + NODE_W;
            const y1 = a.y + NODE_H / 2;
            const x2 = b.x;
            const y2 = b.y + NODE_H / 2;
            const mid = (x1 + x2) / 2;
            return (
              <g key={`${e.from}->${e.to}`}>
                <path
                  d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                  className="edge"
                  markerEnd="url(#arrow)"
                />
                {e.label ? (
                  <text x={x1 + 8} y={y1 - 5} className="edge-label">
                    {e.label}
                  </text>
                ) : null}
              </g>
            );
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
