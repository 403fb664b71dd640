/**
 * Hand-drawn SVG charts: a meter for a share, stacked bars for pass/fail splits, a line for a score
 * over time, and a grid of check statuses over runs. Each carries a text equivalent for screen readers.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { day, fmt, pct, when } from '../lib/format';

/**
 * The width a chart is drawn at: its preferred width, or its container's when that is narrower (a
 * phone), so that no bar or value is cut off at the edge; followed as the container resizes.
 */
function useFitWidth(preferred: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(preferred);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(220, Math.min(preferred, Math.floor(element.clientWidth))));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [preferred]);
  return [ref, width] as const;
}

/** Room for a row's label: 130 px, less on a narrow chart; and its text, cut to fit (12 px type, ~7 px a letter). */
function labelLayout(width: number) {
  const labelWidth = Math.min(130, Math.round(width * 0.4));
  const chars = Math.max(6, Math.floor((labelWidth - 10) / 7.2));
  const text = (label: string) => (label.length > chars ? `${label.slice(0, chars - 1)}…` : label);
  return { labelWidth, text };
}

/** A share as a small bar with its percentage; `null` when there is nothing to measure. */
export function Meter({ part, whole, label }: { part: number; whole: number; label: string }) {
  if (!whole) return <span className="muted">–</span>;
  const share = part / whole;
  const tone = share >= 0.95 ? 'good' : share >= 0.7 ? 'warn' : 'bad';
  return (
    <span className="meter" title={`${label}: ${fmt(part)} of ${fmt(whole)}`}>
      <span className="meter-value">{pct(part, whole)}</span>
      <svg width="40" height="8" aria-hidden="true" className="meter-bar">
        <rect width="40" height="8" rx="2" className="meter-track" />
        <rect width={Math.max(share * 40, share > 0 ? 2 : 0)} height="8" rx="2" className={`fill-${tone}`} />
      </svg>
    </span>
  );
}

export interface Segment {
  value: number;
  tone: 'good' | 'bad' | 'warn' | 'info' | 'neutral';
  label: string;
}

/** Horizontal bars, one per row, each split into segments; rows link to what they count. */
export function StackedBars({
  rows,
  label,
  width = 520,
}: {
  rows: { label: string; href?: string; segments: Segment[] }[];
  label: string;
  width?: number;
}) {
  const [ref, fitted] = useFitWidth(width);
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0)));
  const { labelWidth, text } = labelLayout(fitted);
  const bar = fitted - labelWidth - 50;
  const rowHeight = 22;
  return (
    <figure className="chart" ref={ref}>
      <svg
        width={fitted}
        height={rows.length * rowHeight + 4}
        role="img"
        aria-label={`${label}: ${rows
          .map((r) => `${r.label} ${r.segments.map((s) => `${s.value} ${s.label}`).join(', ')}`)
          .join('; ')}`}
      >
        {rows.map((r, i) => {
          let x = labelWidth;
          const total = r.segments.reduce((a, s) => a + s.value, 0);
          const y = i * rowHeight + 4;
          return (
            <g key={r.label}>
              <text x={labelWidth - 8} y={y + 12} textAnchor="end" className="chart-label">
                {text(r.label)}
              </text>
              {r.segments.map((s) => {
                const w = (s.value / max) * bar;
                const rect = (
                  <rect key={s.label} x={x} y={y} width={w} height={14} className={`fill-${s.tone}`} />
                );
                x += w;
                return rect;
              })}
              <text x={x + 6} y={y + 12} className="chart-value">
                {fmt(total)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {rows[0]?.segments.map((s) => (
          <span key={s.label}>
            <span className={`swatch fill-${s.tone}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Simple bars with links: the count behind each figure is one click away. */
export function Bars({
  rows,
  label,
  width = 520,
}: {
  rows: { label: string; value: number; href?: string }[];
  label: string;
  width?: number;
}) {
  const [ref, fitted] = useFitWidth(width);
  const max = Math.max(1, ...rows.map((r) => r.value));
  const { labelWidth, text } = labelLayout(fitted);
  const bar = fitted - labelWidth - 60;
  return (
    <figure className="chart" ref={ref}>
      <svg
        width={fitted}
        height={rows.length * 22 + 4}
        role="img"
        aria-label={`${label}: ${rows.map((r) => `${r.label} ${r.value}`).join(', ')}`}
      >
        {rows.map((r, i) => {
          const y = i * 22 + 4;
          const w = Math.max((r.value / max) * bar, r.value ? 2 : 0);
          return (
            <g key={r.label}>
              <text x={labelWidth - 8} y={y + 12} textAnchor="end" className="chart-label">
                {text(r.label)}
              </text>
              <rect x={labelWidth} y={y} width={w} height={14} className="fill-accent" />
              <text x={labelWidth + w + 6} y={y + 12} className="chart-value">
                {fmt(r.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** A score (0–100) over time, oldest on the left; each point links to its run when given. */
export function ScoreLine({
  points,
  label,
  width = 640,
  height = 160,
}: {
  points: { id: string; at: string; score: number | null; status: string }[];
  label: string;
  width?: number;
  height?: number;
}) {
  const pad = { left: 36, right: 12, top: 10, bottom: 24 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const n = points.length;
  const x = (i: number) => pad.left + (n <= 1 ? w / 2 : (i / (n - 1)) * w);
  const y = (v: number) => pad.top + h - (v / 100) * h;
  const scored = points.map((p, i) => ({ ...p, i })).filter((p) => p.score !== null);
  const path = scored
    .map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.score!).toFixed(1)}`)
    .join(' ');
  return (
    <figure className="chart">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${label}: ${points.map((p) => `${day(p.at)} ${p.score === null ? 'no score' : `${Math.round(p.score)}`} (${p.status})`).join(', ')}`}
      >
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={pad.left + w} y1={y(v)} y2={y(v)} className="grid-line" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="chart-label">
              {v}
            </text>
          </g>
        ))}
        <path d={path} className="line" fill="none" />
        {points.map((p, i) =>
          p.score === null ? null : (
            <circle key={p.id} cx={x(i)} cy={y(p.score)} r={4} className={`dot dot-${p.status}`}>
              <title>{`${when(p.at)}: ${Math.round(p.score)} (${p.status})`}</title>
            </circle>
          ),
        )}
        {n ? (
          <>
            <text x={pad.left} y={height - 6} className="chart-label">
              {day(points[0]!.at)}
            </text>
            <text x={pad.left + w} y={height - 6} textAnchor="end" className="chart-label">
              {day(points[n - 1]!.at)}
            </text>
          </>
        ) : null}
      </svg>
    </figure>
  );
}

/** Checks (rows) by runs (columns, oldest first): the history of every check at a glance. */
export function StatusGrid({
  checks,
  runs,
}: {
  checks: { id: string; name: string; statuses: (string | null)[] }[];
  runs: { id: string; at: string; href: string }[];
}) {
  return (
    <div className="status-grid-wrap">
      <table className="status-grid">
        <caption className="sr-only">Status of each check in each run, oldest run first</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            {runs.map((r, i) => (
              <th key={r.id} scope="col" className="run-col">
                <Link to={r.href} title={`Run of ${when(r.at)}`}>
                  {i === runs.length - 1 ? 'latest' : day(r.at).replace(/ \d{4}$/, '')}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={c.id}>
              <th scope="row" className="check-name" title={c.id}>
                {c.name}
              </th>
              {runs
                .map((r, i) => ({ run: r.id, s: c.statuses[i] ?? null }))
                .map(({ run, s }) => (
                  <td key={run} className={`cell cell-${s ?? 'none'}`} title={s ?? 'not run'}>
                    <span className="sr-only">{s ?? 'not run'}</span>
                    <span aria-hidden="true">
                      {s === 'passed'
                        ? '✓'
                        : s === 'failed'
                          ? '✗'
                          : s === 'error'
                            ? '!'
                            : s === 'skipped'
                              ? '–'
                              : ''}
                    </span>
                  </td>
                ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
