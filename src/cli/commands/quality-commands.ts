/** `check`, `quality` and `incidents`: data quality where the data lives. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Catalog } from '../../catalog/catalog.js';
import { InputError } from '../../model/errors.js';
import { QualityScheduler } from '../../quality/quality-scheduler.js';
import type {
  CheckOptions,
  CheckReport,
  CheckSelection,
  DatasetScore,
  QualityReport,
  QualityService,
} from '../../quality/quality-service.js';
import { QualityService as LocalQuality } from '../../quality/quality-service.js';
import type { CheckResult, Incident } from '../../quality/quality-types.js';
import { qualityOptionsFromEnv } from '../../server/routes/quality-routes.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import {
  actorOf,
  formatOf,
  type GlobalOptions,
  ME,
  openLocal,
  principalOf,
  serverOf,
  tokenOf,
} from '../context.js';
import { EXIT } from '../exit-codes.js';
import { query, ServerConnection } from '../http-client.js';
import { formatTable, minuteOf, type OutputFormat, printData, progress, WHOLE, wrap } from '../output.js';

type IncidentOptions = Parameters<QualityService['incidents']>[0];

/** What the commands need, locally or from a running server (`--server`). */
interface QualityClient {
  check(selection: CheckSelection, options: CheckOptions): Promise<CheckReport>;
  quality(ref: string, options: { limit?: number }): Promise<QualityReport>;
  incidents(options: IncidentOptions): Promise<Incident[]>;
  answerIncident(id: string, input: { note: string; acknowledge?: boolean }): Promise<Incident>;
}

class HttpQuality extends ServerConnection implements QualityClient {
  check(selection: CheckSelection, options: CheckOptions) {
    return this.call<CheckReport>('POST', '/api/v1/quality/runs', {
      ...selection,
      ...(options.samples ? { samples: options.samples } : {}),
      ...(options.server ? { server: options.server } : {}),
      ...(options.select?.checks ? { checks: options.select.checks } : {}),
      ...(options.select?.dimensions ? { dimensions: options.select.dimensions } : {}),
      ...(options.select?.tags ? { tags: options.select.tags } : {}),
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(options.filters !== undefined ? { filters: options.filters } : {}),
    });
  }

  quality(ref: string, options: { limit?: number }) {
    return this.call<QualityReport>(
      'GET',
      `/api/v1/quality/scores/${encodeURIComponent(ref)}${query({ limit: options.limit })}`,
    );
  }

  incidents(options: IncidentOptions) {
    return this.call<Incident[]>('GET', `/api/v1/incidents${query(options)}`);
  }

  answerIncident(id: string, input: { note: string; acknowledge?: boolean }) {
    return this.call<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/notes`, input);
  }
}

interface QualityCliOptions {
  dataRoot?: string;
  timeout?: string;
}

function timeoutMs(value: string | undefined): number | undefined {
  const raw = value ?? process.env.CHARTER_CHECK_TIMEOUT;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`--timeout must be a number of seconds above 0 (got '${raw}')`);
  return n * 1000;
}

async function withQuality(
  command: Command,
  run: (client: QualityClient, format: OutputFormat) => Promise<number>,
): Promise<void> {
  const globals = command.optsWithGlobals() as GlobalOptions & QualityCliOptions;
  const format = formatOf(globals);
  const actor = actorOf(globals);
  const server = serverOf(globals);
  if (server) {
    if (globals.dataRoot || globals.timeout)
      throw new InputError(
        "--data-root and --timeout are the server's settings when --server is given (CHARTER_DATA_ROOT, CHARTER_CHECK_TIMEOUT)",
      );
    const token = tokenOf(globals);
    process.exitCode = await run(new HttpQuality(server, actor, token), format);
    return;
  }
  const { store, catalog } = await openLocal(globals);
  try {
    const timeout = timeoutMs(globals.timeout);
    const service = new LocalQuality(catalog, qualityStoreFor(store), {
      actor,
      dataRoot: resolve(globals.dataRoot ?? process.env.CHARTER_DATA_ROOT ?? '.'),
      ...(timeout ? { timeoutMs: timeout } : {}),
    });
    process.exitCode = await run(service, format);
  } finally {
    await store.close();
  }
}

const mark: Record<string, string> = { passed: '✓', failed: '✗', error: '!', skipped: '-' };

/** Seconds as people read them: 90 s, 36 min, 5.2 h, 31.4 d. */
function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

function value(c: CheckResult): string {
  if (c.measured === null) return '';
  if (c.unit === 'seconds' && typeof c.measured === 'number') return duration(c.measured);
  return `${c.measured}${c.unit === 'percent' ? '%' : ''}`;
}

function expectation(c: CheckResult): string {
  const m = /^([<>≤≥=≠]) (\d+(?:\.\d+)?) s$/.exec(c.expected);
  return c.unit === 'seconds' && m ? `${m[1]} ${duration(Number(m[2]))}` : c.expected;
}

export function formatCheckReport(report: CheckReport, verbose = false): string {
  const lines: string[] = [];
  for (const run of report.runs) {
    const c = run.counts;
    lines.push(
      wrap(
        `${run.ref}  ${run.status}  score ${run.score ?? '—'}  (${c.passed} passed, ${c.failed} failed, ${c.error} errors, ${c.skipped} skipped; ${run.engine}${run.server ? ` on ${run.server}` : ''}, ${(run.durationMs / 1000).toFixed(2)} s)`,
        `${mark[run.status]} `,
        '    ',
      ),
    );
    if (run.message) lines.push(wrap(run.message, '    '));
    if (run.scope) lines.push(wrap(scopeText(run.scope), '    '));
    if (run.samplesWithheld) lines.push(wrap(run.samplesWithheld, '    '));
    // An unreachable dataset's checks all carry the run's message; it is printed once above.
    const shown = run.checks.filter(
      (x) => verbose || x.status === 'failed' || (x.status === 'error' && run.status !== 'error'),
    );
    for (const x of shown) {
      const measured = value(x);
      const detail =
        x.status === 'failed' && measured
          ? `measured ${measured}, expected ${expectation(x)}`
          : (x.message ?? (measured ? `measured ${measured}, expected ${expectation(x)}` : x.expected));
      lines.push(wrap(`${x.id}: ${detail}`, `  ${mark[x.status]} `, '      '));
      for (const s of x.samples ?? []) lines.push(`      ${JSON.stringify(s)}`);
    }
  }
  const c = report.counts;
  const failing = report.runs.filter((r) => r.status !== 'passed').length;
  const datasets = `${report.datasets} dataset${report.datasets === 1 ? '' : 's'}`;
  lines.push(
    '',
    wrap(
      `${datasets} checked, ${failing ? `${failing} not passing` : 'all passing'}: ${c.passed} checks passed, ${c.failed} failed, ${c.error} errors, ${c.skipped} skipped`,
    ),
  );
  return lines.join('\n');
}

/** A partial run's scope as one line: which checks, which rows. */
function scopeText(scope: NonNullable<CheckReport['runs'][number]['scope']>): string {
  const parts = [
    ...(scope.checks ?? []).map((c) => `check ${c}`),
    ...(scope.dimensions ?? []).map((d) => `dimension ${d}`),
    ...(scope.tags ?? []).map((t) => `tag ${t}`),
  ];
  const rows = Object.entries(scope.filters ?? {}).map(([t, f]) => `${t} WHERE ${f}`);
  return [parts.length ? `only: ${parts.join(', ')}` : '', rows.length ? `rows: ${rows.join('; ')}` : '']
    .filter(Boolean)
    .join('  ');
}

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** --filters '{"orders": "order_id <= 2"}': an object of table → condition. */
function filtersOf(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InputError('--filters must be a JSON object of table name to SQL condition');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  )
    throw new InputError('--filters must be a JSON object of table name to SQL condition');
  return parsed as Record<string, string>;
}

function formatQuality(r: QualityReport): string {
  const lines = [`${r.ref}  score ${r.score ?? '—'}`];
  if (r.trend) {
    if (!r.trend.length) return `${r.ref} has not been checked yet (run: charter check ${r.ref})`;
    lines.push(
      '',
      formatTable(r.trend, [
        { header: 'checked', value: (x) => x.finishedAt.replace('T', ' ').slice(0, 19), min: 19 },
        { header: 'status', value: (x) => x.status, min: 6 },
        { header: 'score', value: (x) => x.score ?? '—', min: 5 },
        { header: 'passed', value: (x) => x.counts.passed, min: 6 },
        { header: 'failed', value: (x) => x.counts.failed, min: 6 },
        { header: 'errors', value: (x) => x.counts.error, min: 6 },
        { header: 'ver', value: (x) => x.contractVersion, min: 3 },
        // A partial run (some checks, filtered rows) does not set the score above.
        { header: 'scope', value: (x) => (x.scope ? 'part' : 'all'), min: 5 },
        { header: 'by', value: (x) => `${x.actor} (${x.trigger})` },
      ]),
    );
    if (r.failing?.length) {
      lines.push('', 'Failing now:');
      for (const f of r.failing)
        lines.push(wrap(`${f.id}: ${f.message ?? f.expected}`, `  ${mark[f.status]} `, '      '));
    }
    return lines.join('\n');
  }
  if (!r.datasets.length)
    return `${lines[0]}\n\nNo datasets${r.kind === 'owner' ? ' owned or stewarded by it' : ''}.`;
  lines.push(
    '',
    formatTable(r.datasets, [
      { header: 'dataset', value: (d) => d.ref, flex: 2 },
      ...(r.kind === 'owner'
        ? [{ header: 'as', value: (d: DatasetScore) => d.as?.join(', ') ?? '', min: 5 }]
        : []),
      { header: 'score', value: (d) => d.score ?? '—', min: 5 },
      { header: 'status', value: (d) => d.status ?? 'not checked', min: 11 },
      { header: 'checked', value: (d) => d.checkedAt?.replace('T', ' ').slice(0, 19) ?? '', min: 19 },
    ]),
  );
  return lines.join('\n');
}

/** An incident's latest answer (`charter incidents answer`), if anyone has given one. */
function latestAnswer(i: Incident) {
  return i.timeline.findLast((e) => e.action === 'acknowledged' || e.action === 'note');
}

function formatIncidents(list: Incident[]): string {
  if (!list.length) return 'No incidents.';
  const answered = list.some((i) => latestAnswer(i));
  // Refs and people stay whole (the table is expanded rather than cut them); only an answer's free
  // text is cut.
  return formatTable(list, [
    { header: 'id', value: (i) => i.id.slice(0, 8), min: 8 },
    { header: 'dataset', value: (i) => i.ref, min: WHOLE },
    { header: 'state', value: (i) => i.state, min: 5 },
    { header: 'failing', value: (i) => i.failing.length, min: 7 },
    { header: 'assignees', value: (i) => i.assignees.join(', '), min: WHOLE },
    { header: 'opened', value: (i) => minuteOf(i.openedAt), min: 16 },
    ...(answered
      ? [
          {
            header: 'latest answer',
            value: (i: Incident) => {
              const a = latestAnswer(i);
              return a ? `${a.actor}${a.action === 'acknowledged' ? ' (on it)' : ''}: ${a.note ?? ''}` : '';
            },
            flex: 3,
            min: 24,
          },
        ]
      : []),
  ]);
}

function count(name: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new InputError(`${name} must be a whole number from 0 to ${max} (got '${raw}')`);
  return n;
}

export function registerQualityCommands(program: Command) {
  const check = program
    .command('check')
    .description(
      'Run contract quality checks where the data lives, store the results, open or resolve incidents',
    )
    .argument('[ref]', 'a dataset ref, e.g. dataset:payments/refunds')
    .option('--product <ref>', 'every dataset a data product exposes (product:DOMAIN/NAME)')
    .option('--domain <name>', 'every dataset of a domain and its sub-domains')
    .option('--all', 'every dataset in the catalog')
    .option('--samples <n>', 'show up to N failing rows per check (confidential columns masked)')
    .option('--data-server <name>', "the contract's server to check (default: the first supported one)")
    .option(
      '--data-root <dir>',
      'folder that relative paths of local servers resolve against (env CHARTER_DATA_ROOT; default .)',
    )
    .option('--timeout <seconds>', 'statement timeout (env CHARTER_CHECK_TIMEOUT; default 60)')
    .option('--check <id>', 'run only this check, by id or name (repeatable)', collect)
    .option(
      '--dimension <name>',
      'run only checks of this dimension, e.g. completeness (repeatable)',
      collect,
    )
    .option('--tag <tag>', 'run only quality rules with this tag (repeatable)', collect)
    .option(
      '--filter <condition>',
      'check only the rows where this SQL condition holds (one-table contracts)',
    )
    .option('--filters <json>', 'row filters per table: \'{"orders": "order_id <= 2"}\'')
    .option('-v, --verbose', 'list every check, not only the failing ones')
    .addHelpText(
      'after',
      `
Checks come from the contract: schema conformance (columns, types, required, unique, lengths,
patterns, ranges), quality rules (rowCount, nullValues, missingValues, invalidValues,
duplicateValues, sql; text rules are recorded, custom engines skipped) and the SLA: freshness,
retention and latency between two timestamp columns (other SLA properties are reported as not
executable). All aggregate checks of a table run as one SQL statement on the data's own engine:
DuckDB for local csv/parquet/json files, SQLite files, PostgreSQL. PostgreSQL credentials come
from CHARTER_SECRET_<SERVER>_USER / _PASSWORD or the file CHARTER_SECRETS_FILE.

--check/--dimension/--tag run a subset of the checks (a check matching any of them); --filter
pushes a WHERE condition into every row-reading check (uniqueness counts the copies, anywhere in
the table, of keys found in those rows; sql rules are skipped). A partial run is stored and may
open or update the incident, but does not set the dataset's score.

Exit codes: 0 every check passed; 1 a check failed or errored; 2 bad input;
            3 the data could not be reached (or its server type is not supported).

Examples:
  charter check dataset:payments/refunds --samples 5
  charter check --domain payments -o json
  charter check --all --data-root ./examples
  charter check dataset:sales/orders --check orders.email.pattern --dimension completeness
  charter check dataset:sales/orders --filter "order_date >= DATE '2024-06-01'"`,
    );
  check.action(async (ref?: string) => {
    const o = check.opts() as {
      product?: string;
      domain?: string;
      all?: boolean;
      samples?: string;
      dataServer?: string;
      verbose?: boolean;
      check?: string[];
      dimension?: string[];
      tag?: string[];
      filter?: string;
      filters?: string;
    };
    await withQuality(check, async (client, format) => {
      const samples = count('--samples', o.samples, 100);
      const filters = filtersOf(o.filters);
      const select = {
        ...(o.check?.length ? { checks: o.check } : {}),
        ...(o.dimension?.length ? { dimensions: o.dimension } : {}),
        ...(o.tag?.length ? { tags: o.tag } : {}),
      };
      const bar = format === 'table' ? progress('Checking') : Object.assign(() => {}, { end: () => {} });
      let report: CheckReport;
      try {
        report = await client.check(
          {
            ...(ref ? { ref } : {}),
            ...(o.product ? { product: o.product } : {}),
            ...(o.domain ? { domain: o.domain } : {}),
            ...(o.all ? { all: true } : {}),
          },
          {
            ...(samples ? { samples } : {}),
            ...(o.dataServer ? { server: o.dataServer } : {}),
            ...(Object.keys(select).length ? { select } : {}),
            ...(o.filter !== undefined ? { filter: o.filter } : {}),
            ...(filters ? { filters } : {}),
            onProgress: bar,
          },
        );
      } finally {
        bar.end();
      }
      printData(report, format, () => formatCheckReport(report, o.verbose));
      return report.status === 'error' ? EXIT.unavailable : report.status === 'failed' ? EXIT.no : EXIT.ok;
    });
  });

  const quality = program
    .command('quality')
    .description("A dataset's quality trend, or the score of a product, domain or owner")
    .argument('<ref>', 'dataset:…, product:…, domain:…, user:… or team:…')
    .option('--limit <n>', 'runs in the trend', '20')
    .addHelpText(
      'after',
      `
A run's score is the share of its executed checks that passed, weighted by severity
(critical 5, error 3, warning 2, info 1; no severity counts as error). A product, domain
(with sub-domains) or owner scores the mean of its datasets' latest scores.`,
    );
  quality.action(async (ref: string) => {
    const o = quality.opts() as { limit: string };
    await withQuality(quality, async (client, format) => {
      const report = await client.quality(ref, { limit: count('--limit', o.limit, 1000) ?? 20 });
      printData(report, format, () => formatQuality(report));
      return EXIT.ok;
    });
  });

  const incidents = program
    .command('incidents')
    .description(
      'Quality incidents: one per dataset with failing checks, assigned to its owners and stewards',
    )
    .option('--domain <name>', 'only this domain and its sub-domains')
    .option('--assignee <ref>', 'only those assigned to this user or team, e.g. user:grace; me: you')
    .option('--state <state>', 'open, resolved or all', 'open')
    .option('--limit <n>', 'at most this many', '500');
  incidents.action(async () => {
    const o = incidents.opts() as { domain?: string; assignee?: string; state: string; limit: string };
    if (!['open', 'resolved', 'all'].includes(o.state))
      throw new InputError(`--state must be open, resolved or all (got '${o.state}')`);
    if (o.assignee && o.assignee !== ME && !/^(user|team):/.test(o.assignee))
      throw new InputError(`--assignee must be a user or team ref such as user:grace (got '${o.assignee}')`);
    await withQuality(incidents, async (client, format) => {
      o.assignee = await principalOf(o.assignee, incidents.optsWithGlobals(), '--assignee');
      const list = await client.incidents({
        ...(o.domain ? { domain: o.domain } : {}),
        ...(o.assignee ? { assignee: o.assignee } : {}),
        state: o.state as 'open' | 'resolved' | 'all',
        limit: count('--limit', o.limit, 5000) ?? 500,
      });
      printData(list, format, () => formatIncidents(list));
      return EXIT.ok;
    });
  });

  const answer = incidents
    .command('answer')
    .description('Answer an open incident: a note on what you found or did (--ack: you are on it)')
    .argument('<id>', 'the incident id, or its start as the list shows it')
    .argument('<note...>', 'what you found or are doing about it')
    .option('--ack', 'say that you are on it (acknowledged)')
    .addHelpText(
      'after',
      `
Kept in the incident's timeline and in the audit log, with you as actor. Its assignees may answer
it, and whoever may write the dataset (contributor or more in its domain, the data office). A
passing run still resolves it.`,
    );
  answer.action(async (id: string, words: string[]) => {
    const o = answer.opts() as { ack?: boolean };
    await withQuality(answer, async (client, format) => {
      const incident = await client.answerIncident(id, {
        note: words.join(' '),
        ...(o.ack ? { acknowledge: true } : {}),
      });
      printData(
        incident,
        format,
        () =>
          `${o.ack ? 'acknowledged' : 'noted'}  incident ${incident.id.slice(0, 8)} on ${incident.ref} (assigned to ${incident.assignees.join(', ')})`,
      );
      return EXIT.ok;
    });
  });
}

/**
 * Starts scheduled checks for `charter serve` (CHARTER_QUALITY_SCHEDULER=off disables them;
 * CHARTER_QUALITY_CONCURRENCY bounds how many run at once, default 2). Runs are recorded as
 * `system:scheduler`; files resolve against CHARTER_DATA_ROOT.
 */
export function startQualityScheduler(
  catalog: Catalog,
  log: { info: (msg: string) => void; warn: (msg: string) => void },
): QualityScheduler | undefined {
  if (process.env.CHARTER_QUALITY_SCHEDULER === 'off') return undefined;
  const actor = 'system:scheduler';
  const service = new LocalQuality(
    catalog.as(actor),
    qualityStoreFor(catalog.store),
    qualityOptionsFromEnv(actor),
  );
  const concurrency = Number(process.env.CHARTER_QUALITY_CONCURRENCY ?? 2);
  return new QualityScheduler(service, {
    concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 2,
    onRun: (ref, status) => log.info(`scheduled quality check of ${ref}: ${status}`),
    onError: (error, ref) =>
      log.warn(
        `scheduled quality check${ref ? ` of ${ref}` : 's'} could not run: ${(error as Error)?.message ?? error}`,
      ),
  }).start();
}
