/**
 * Printing results: `-o json` (stable, documented), `-o yaml`, or a table that fits the terminal.
 * Piped or redirected, a table keeps every value whole (for grep and files) unless COLUMNS says
 * how wide to make it.
 */
import { stringify } from 'yaml';

export type OutputFormat = 'json' | 'yaml' | 'table';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Share of the spare width this column may take when the table is too wide. */
  flex?: number;
  /** Narrowest it may be cut to (default 12, or the header's width if less); `WHOLE`: never cut. */
  min?: number;
  /**
   * Left out, rather than cutting the others, when the table is too wide to show every value whole:
   * the column with `drop: 1` first, then 2 … (a detail such as a date, or a title beside a ref).
   */
  drop?: number;
}

/** A column `min` for values that must be read whole (refs): the table is expanded rather than cut. */
export const WHOLE = Number.POSITIVE_INFINITY;

export function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(text).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A count as people read it in text output: `100,051` (JSON and YAML keep the number). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

function truncate(value: string, width: number): string {
  if (value.length <= width) return value;
  return width <= 1 ? value.slice(0, width) : `${value.slice(0, width - 1)}…`;
}

export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : Number.POSITIVE_INFINITY;
}

export interface TableOptions {
  /** Columns to fit in (default: the terminal's, see `terminalWidth`). */
  width?: number;
  /** Spaces before every line (counted in the width). */
  indent?: number;
}

/**
 * A table fitted to the width: flexible columns (widest first, by `flex`) give up characters down
 * to their `min`. A table that cannot fit even then is printed expanded: each row's first value on
 * a line of its own, its other values as `header: value` beneath it, as many to a line as fit.
 */
export function formatTable<T>(
  rows: readonly T[],
  all: readonly Column<T>[],
  options: TableOptions = {},
): string {
  const indent = ' '.repeat(options.indent ?? 0);
  const width = (options.width ?? terminalWidth()) - indent.length;
  const gap = 2;
  const allCells = rows.map((row) => all.map((c) => text(c.value(row)).replace(/\s+/g, ' ')));
  const whole = all.map((c, i) => Math.max(c.header.length, ...allCells.map((r) => r[i]!.length)));
  // Columns that may be left out go, in their order, while the rest cannot be shown whole.
  const kept = all.map((_, i) => i);
  const droppable = kept
    .filter((i) => all[i]!.drop !== undefined)
    .sort((a, b) => all[a]!.drop! - all[b]!.drop!);
  const wholeWidth = () => kept.reduce((sum, i) => sum + whole[i]!, 0) + gap * (kept.length - 1);
  for (const i of droppable) {
    if (wholeWidth() <= width) break;
    kept.splice(kept.indexOf(i), 1);
  }
  const columns = kept.map((i) => all[i]!);
  const cells = allCells.map((r) => kept.map((i) => r[i]!));
  const widths = kept.map((i) => whole[i]!);
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  // Shrink flexible columns (widest first) until the table fits.
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const min = columns[i]!.min ?? Math.min(12, columns[i]!.header.length);
      if (
        widths[i]! > min &&
        (widest < 0 || widths[i]! * (columns[i]!.flex ?? 1) > widths[widest]! * (columns[widest]!.flex ?? 1))
      )
        widest = i;
    }
    // Expanded, each value has room on a line of its own: the columns left out come back.
    if (widest < 0) return expanded(all, allCells, width, indent);
    widths[widest] = widths[widest]! - 1;
  }
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => truncate(v, widths[i]!).padEnd(widths[i]!))
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

function expanded<T>(
  columns: readonly Column<T>[],
  cells: string[][],
  width: number,
  indent: string,
): string {
  const lines: string[] = [];
  const inner = `${indent}  `;
  for (const row of cells) {
    lines.push(indent + truncate(row[0]!, width));
    let current = '';
    for (let i = 1; i < columns.length; i++) {
      if (!row[i]) continue;
      const pair = truncate(`${columns[i]!.header}: ${row[i]}`, width - 2);
      if (current && current.length + 3 + pair.length > width - 2) {
        lines.push(inner + current);
        current = pair;
      } else current = current ? `${current}   ${pair}` : pair;
    }
    if (current) lines.push(inner + current);
  }
  return lines.join('\n');
}

/**
 * Text wrapped at spaces to the terminal's width (not at all when piped, as tables are not cut
 * then): the first line starts with `first`, the others with `hanging` (as wide, by default).
 */
export function wrap(
  value: string,
  first = '',
  hanging = ' '.repeat(first.length),
  width = terminalWidth(),
): string {
  if (first.length + value.length <= width) return first + value;
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of value.split(/ +/)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hanging + word;
    } else line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

export function printData(data: unknown, format: OutputFormat, table: () => string): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write(stringify(data, { lineWidth: 0 }));
  else {
    const out = table();
    if (out) process.stdout.write(`${out}\n`);
  }
}

/**
 * A progress line on a terminal (`Applying: storing [####……] 4,000/10,000 (40%)`); silent in pipes
 * and under CI. A stage names the step of a long task; the line is cleared when a stage completes
 * and by `end`, so what is printed next starts on a clean line.
 */
export function progress(
  label: string,
): ((done: number, total: number, stage?: string) => void) & { end: () => void } {
  const enabled = Boolean(process.stderr.isTTY) && !process.env.CI;
  let last = 0;
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  const fn = (done: number, total: number, stage?: string) => {
    if (!enabled) return;
    if (done >= total) {
      clear();
      last = 0;
      return;
    }
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
    process.stderr.write(
      `\r${stage ? `${label}: ${stage}` : label} [${bar}] ${count(done)}/${count(total)} (${pct}%)\x1b[K`,
    );
    shown = true;
  };
  return Object.assign(fn, { end: clear });
}

/** An ISO 8601 UTC time to the minute, as tables show it: `2026-11-30 12:37`. */
export const minuteOf = (iso: string) => iso.slice(0, 16).replace('T', ' ');
