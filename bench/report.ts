/**
 * Writes the figures to docs/benchmarks.md. Each benchmark owns one section between markers, so a
 * partial run (`npm run bench:search`) replaces its own section and keeps the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fmt, type Machine, repoRoot } from './support.js';

export const docsFile = join(repoRoot, 'docs', 'benchmarks.md');

export interface Row {
  figure: string;
  measured: string;
  target?: string;
  anchor?: string;
  ratio?: string;
  /** true = target met, false = missed, undefined = no target. */
  pass?: boolean;
}

export interface Section {
  id: 'apply' | 'search' | 'footprint' | 'policy' | 'ai';
  markdown: string;
}

export const verdict = (pass: boolean | undefined) =>
  pass === undefined ? '–' : pass ? '**pass**' : '**miss**';

export function table(headers: string[], rows: string[][]): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

export function figuresTable(rows: Row[]): string {
  return table(
    ['Figure', 'Measured', 'Target', 'Anchor (same run)', 'Ratio', 'Result'],
    rows.map((r) => [
      r.figure,
      r.measured,
      r.target ?? '–',
      r.anchor ?? '–',
      r.ratio ?? '–',
      verdict(r.pass),
    ]),
  );
}

/** Where and how a section was measured; `loadAtStart` is the 1-minute load average when it began. */
export function runLine(command: string, machine: Machine, loadAtStart: number): string {
  return [
    `Command: \`${command}\``,
    `Machine: ${machine.nproc} CPUs (${machine.cpu}), ${fmt(machine.memoryGb)} GB RAM, ${machine.platform}, Node ${machine.node}`,
    `Date: ${machine.date}; commit ${machine.commit}`,
    `Load: 1-minute load average ${fmt(loadAtStart, 1)} when this benchmark started, ${fmt(loadavg()[0] ?? 0, 1)} when it ended (above ${machine.nproc}, other work shared the CPUs)`,
  ].join('  \n');
}

const HEADER = `# Benchmarks

The catalog's figures come from \`npm run bench\` (bulk apply, search, footprint) or \`npm run bench:apply\`,
\`bench:search\`, \`bench:footprint\` (one each). Every run rewrites its own sections below with the command,
the machine, its load and the date, and leaves the other sections as they are (the data-quality section comes
from \`bench/quality-bench.ts\`). Benchmarks print figures and never gate CI on timing. Each one measures an
anchor in the same run, so a ratio stays meaningful on another machine, or on a busy one, when the absolute
figures do not.

Sizes come from the environment; the defaults are the full sizes:

| variable | default | what |
|---|---|---|
| \`BENCH_CONTRACTS\` | 100000 | ODCS v3.1.0 contracts generated (seeded, deterministic) |
| \`BENCH_FIELDS\` | 10 | fields per contract |
| \`BENCH_DOMAINS\` | 50 | domains the contracts are spread over |
| \`BENCH_BATCH\` | 5000 | contracts per \`apply\` call in the batched runs |
| \`BENCH_SINGLE\` | 1 | also apply all contracts in one \`apply\` call (0 skips it) |
| \`BENCH_YAML_CONTRACTS\` | 20000 | contracts parsed from YAML text for the parse figure (the first ones) |
| \`BENCH_PROFILE_CONTRACTS\` | 20000 | contracts in the profiled apply (a separate, untimed run) |
| \`BENCH_QUERIES\` | 1000 | search queries per store |
| \`BENCH_SEARCH_BUDGET_S\` | 90 | seconds a store's query run may take before it stops early (and says so) |
| \`BENCH_REQUESTS\` | 200 | requests per endpoint in the footprint run |
| \`BENCH_STARTS\` | 3 | server starts in the footprint run (the median is reported) |
| \`BENCH_BUILD\` | 1 | run \`npm run build\` before the footprint run (0 uses dist/ as it is) |
| \`BENCH_POSTGRES\` | 1 | 0 skips PostgreSQL; \`BENCH_DATABASE_URL\` names its admin URL |
| \`BENCH_SEED\` | 20260101 | seed of the generator |

A quick run: \`BENCH_CONTRACTS=5000 BENCH_QUERIES=200 npm run bench\`. Generated data and stores go to
\`bench/.data/\` (gitignored).
`;

const placeholder = (id: string) => `<!-- bench:${id} -->\n## ${id}\n\nNot run yet.\n<!-- /bench:${id} -->`;

/** Replaces the sections that ran and keeps the others as they were. */
export function writeSections(sections: Section[]): void {
  let text = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
  // The introduction (everything before the first section) follows the code: rewrite it each time.
  const first = text.indexOf('<!-- bench:');
  text = `${HEADER}\n${first >= 0 ? text.slice(first) : ''}`;
  for (const id of ['apply', 'search', 'footprint']) {
    if (!text.includes(`<!-- bench:${id} -->`)) text = `${text.trimEnd()}\n\n${placeholder(id)}\n`;
  }
  for (const section of sections) {
    const block = `<!-- bench:${section.id} -->\n${section.markdown.trim()}\n<!-- /bench:${section.id} -->`;
    const pattern = new RegExp(`<!-- bench:${section.id} -->[\\s\\S]*?<!-- /bench:${section.id} -->`);
    text = pattern.test(text) ? text.replace(pattern, () => block) : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(docsFile, text);
}
