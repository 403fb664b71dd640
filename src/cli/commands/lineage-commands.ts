/**
 * `lineage` (ingest OpenLineage events, list reported datasets, adopt them, conflicts), `trace`,
 * `impact`, `outcome`, `scorecard` and `webhook`: accountability from the command line, locally or
 * against a running server (`--server`), printing the same JSON as the API with -o json.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type {
  DatasetDetail,
  FieldConflict,
  ImpactReport,
  IngestItem,
  IngestOptions,
  IngestResult,
  LineageApi,
  LineageDataset,
  LineageRow,
  Outcome,
  OutcomeInput,
  OutcomeWithTrace,
  QualityStatus,
  Scorecards,
  TraceReport,
  WebhookInput,
  WebhookView,
} from '../../lineage/lineage-api.js';
import type { LineageService } from '../../lineage/lineage-service.js';
import { invalidCount, readEvent } from '../../lineage/openlineage.js';
import { WebhookDeliverer } from '../../lineage/webhooks.js';
import { InputError } from '../../model/errors.js';
import type { DeliveryState, DeliveryView, LineageStore } from '../../store/lineage-store.js';
import {
  actorOf,
  formatOf,
  type GlobalOptions,
  openLocal,
  principalOf,
  serverOf,
  tokenOf,
} from '../context.js';
import { EXIT } from '../exit-codes.js';
import { query, ServerConnection } from '../http-client.js';
import { formatTable, type OutputFormat, printData, text, WHOLE, wrap } from '../output.js';

/** The lineage API over HTTP (`--server`). */
export class HttpLineageClient extends ServerConnection implements LineageApi {
  async ingest(items: IngestItem[], options: IngestOptions): Promise<IngestResult> {
    // Items that could not be read locally are reported here; the rest go as NDJSON.
    const local = items.flatMap((item, index) => ('error' in item ? [{ index, reason: item.error }] : []));
    // Nothing to send (or, atomic, nothing may be stored): the same answer the local store gives,
    // every other event checked here as the server would, so each invalid one is named.
    if (local.length && (options.atomic || local.length === items.length)) {
      const invalid = items.flatMap((item, index) => {
        if ('error' in item) return [{ index, reason: item.error }];
        const check = readEvent(item.value);
        return check.ok ? [] : [{ index, reason: check.reason }];
      });
      return failureResult(items.length, invalid);
    }
    const sent = items.flatMap((item, index) => ('error' in item ? [] : [{ item, index }]));
    // One event a line: an event's own text where it is one line (sent as written), else re-serialised
    // (a pretty-printed file would otherwise reach the server as many lines that are not JSON).
    const body = sent
      .map(({ item }) =>
        'text' in item && item.text && !/[\r\n]/.test(item.text)
          ? item.text
          : JSON.stringify((item as { value: unknown }).value),
      )
      .join('\n');
    let result: IngestResult;
    try {
      result = await this.call<IngestResult>(
        'POST',
        `/api/v1/lineage/batch${query({ atomic: options.atomic ? 'true' : undefined })}`,
        body,
        'application/x-ndjson',
      );
    } catch (error) {
      const r = (error as { details?: { result?: IngestResult } }).details?.result;
      if (!r) throw error;
      result = r;
    }
    // Renumber the server's indexes to the caller's.
    const remap = (i: number) => sent[i]?.index ?? i;
    result.failed_events = [
      ...local.map((l) => ({ ...l, retriable: false })),
      ...result.failed_events.map((f) => ({ ...f, index: remap(f.index) })),
    ].sort((a, b) => a.index - b.index);
    result.warnings = result.warnings.map((w) => ({ ...w, index: remap(w.index) }));
    result.summary.received = items.length;
    result.summary.failed = result.failed_events.length;
    result.summary.non_retriable = result.failed_events.filter((f) => !f.retriable).length;
    return result;
  }

  async datasets(options: { managed?: boolean; limit?: number }) {
    return (
      await this.call<{ datasets: LineageDataset[] }>('GET', `/api/v1/lineage/datasets${query(options)}`)
    ).datasets;
  }

  dataset(namespace: string, name: string, options: { domain?: string } = {}) {
    return this.call<DatasetDetail>(
      'GET',
      `/api/v1/lineage/datasets/detail${query({ namespace, name, domain: options.domain })}`,
    );
  }

  async classification(ref: string) {
    return (
      await this.call<{ fields: Awaited<ReturnType<LineageApi['classification']>> }>(
        'GET',
        `/api/v1/lineage/classification/${encodeURIComponent(ref)}`,
      )
    ).fields;
  }

  async conflicts(options: { ref?: string }) {
    return (
      await this.call<{ conflicts: FieldConflict[] }>('GET', `/api/v1/lineage/conflicts${query(options)}`)
    ).conflicts;
  }

  trace(ref: string, options: { at?: string } = {}) {
    return this.call<TraceReport>('GET', `/api/v1/trace/${encodeURIComponent(ref)}${query(options)}`);
  }

  impact(ref: string, options: { depth?: number; field?: string }) {
    return this.call<ImpactReport>('GET', `/api/v1/impact/${encodeURIComponent(ref)}${query(options)}`);
  }

  recordOutcome(input: OutcomeInput) {
    return this.call<OutcomeWithTrace>('POST', '/api/v1/outcomes', input);
  }

  async outcomes(options: { subject?: string; accountable?: string; limit?: number }) {
    return (await this.call<{ outcomes: Outcome[] }>('GET', `/api/v1/outcomes${query(options)}`)).outcomes;
  }

  outcome(id: string) {
    return this.call<OutcomeWithTrace>('GET', `/api/v1/outcomes/${encodeURIComponent(id)}`);
  }

  scorecards(options: { domain?: string; owner?: string }) {
    return this.call<Scorecards>('GET', `/api/v1/scorecards${query(options)}`);
  }

  addWebhook(input: WebhookInput) {
    return this.call<WebhookView>('POST', '/api/v1/webhooks', input);
  }

  async webhooks() {
    return (await this.call<{ webhooks: WebhookView[] }>('GET', '/api/v1/webhooks')).webhooks;
  }

  removeWebhook(id: string) {
    return this.call<{ id: string; removed: true }>('DELETE', `/api/v1/webhooks/${encodeURIComponent(id)}`);
  }

  async deliveries(options: { state?: DeliveryState; webhook?: string; limit?: number }) {
    return (
      await this.call<{ deliveries: DeliveryView[] }>('GET', `/api/v1/webhooks/deliveries${query(options)}`)
    ).deliveries;
  }

  retryDelivery(id: string) {
    return this.call<{ id: string; state: 'pending' }>(
      'POST',
      `/api/v1/webhooks/deliveries/${encodeURIComponent(id)}/retry`,
      {},
    );
  }

  testWebhook(id: string) {
    return this.call<DeliveryView>('POST', `/api/v1/webhooks/${encodeURIComponent(id)}/test`, {});
  }
}

/**
 * The webhook delivery loop of `charter serve`: leases due deliveries (each one to a single server
 * when several share a PostgreSQL), sends them signed, retries with backoff, dead-letters the rest.
 */
export function startWebhookDelivery(
  store: LineageStore,
  log: {
    info: (o: object, m: string) => void;
    warn: (o: object, m: string) => void;
    error: (o: object, m: string) => void;
  },
): WebhookDeliverer {
  const interval = Number(process.env.CHARTER_WEBHOOK_INTERVAL_MS ?? '');
  const deliverer = new WebhookDeliverer(store, {
    ...(Number.isFinite(interval) && interval > 0 ? { intervalMs: interval } : {}),
    onError: (error) => log.error({ err: error }, 'webhook delivery failed'),
    onDelivery: (d, result, status) => {
      const entry = { delivery: d.id, event: d.event.type, webhook: d.webhookId, status, result };
      if (result === 'delivered') log.info(entry, 'webhook delivered');
      else log.warn(entry, `webhook ${result === 'dead' ? 'dead-lettered' : 'will be retried'}`);
    },
  });
  deliverer.start();
  return deliverer;
}

function failureResult(received: number, failed: { index: number; reason: string }[]): IngestResult {
  return {
    status: 'failure',
    summary: { received, successful: 0, failed: failed.length, retriable: 0, non_retriable: failed.length },
    failed_events: failed.map((f) => ({ ...f, retriable: false })),
    warnings: [],
    stored: { events: 0, datasets: 0, managed: [], unmanaged: 0, jobs: 0, edges: 0, fieldEdges: 0 },
    conflicts: [],
  };
}

/** `local`: the service over the CLI's own store (absent with --server), for what only runs here. */
type Run = (api: LineageApi, format: OutputFormat, actor: string, local?: LineageService) => Promise<number>;

async function withLineage(command: Command, run: Run): Promise<void> {
  const globals = command.optsWithGlobals() as GlobalOptions;
  const format = formatOf(globals);
  const actor = actorOf(globals);
  const server = serverOf(globals);
  if (server) {
    const token = tokenOf(globals);
    process.exitCode = await run(new HttpLineageClient(server, actor, token), format, actor);
    return;
  }
  const platform = await openLocal(globals);
  try {
    process.exitCode = await run(platform.lineage, format, actor, platform.lineage);
  } finally {
    await platform.store.close();
  }
}

/** Reads OpenLineage events from files: a JSON event, a JSON array of events, or NDJSON; `-` is stdin. */
export function readEventFiles(paths: readonly string[]): { items: IngestItem[]; sources: string[] } {
  const items: IngestItem[] = [];
  const sources: string[] = [];
  for (const path of paths) {
    let content: string;
    try {
      if (path !== '-' && statSync(path).isDirectory())
        throw new InputError(`'${path}' is a folder; give event files (.json, .ndjson) or - for stdin`);
      content = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`'${path}' cannot be read; give an event file (.json, .ndjson) or - for stdin`);
    }
    const trimmed = content.trim();
    const add = (item: IngestItem, where: string) => {
      items.push(item);
      sources.push(where);
    };
    let whole: unknown;
    let parsed = false;
    try {
      whole = JSON.parse(trimmed);
      parsed = true;
    } catch {
      // Not one JSON document: read it as NDJSON below.
    }
    if (parsed && Array.isArray(whole)) {
      whole.forEach((value, i) => {
        add({ value }, `${path}[${i}]`);
      });
    } else if (parsed) add({ value: whole, text: trimmed }, path);
    else {
      content.split('\n').forEach((line, i) => {
        const t = line.trim();
        if (!t) return;
        try {
          add({ value: JSON.parse(t), text: t }, `${path}:${i + 1}`);
        } catch (error) {
          add({ error: `is not JSON: ${(error as Error).message}` }, `${path}:${i + 1}`);
        }
      });
    }
  }
  return { items, sources };
}

export function formatIngest(result: IngestResult, sources: readonly string[]): string {
  const lines: string[] = [];
  const where = (i: number) => sources[i] ?? `event ${i + 1}`;
  for (const f of result.failed_events) lines.push(`  ✗ ${where(f.index)}: ${f.reason}`);
  const notes = new Map<string, number[]>();
  for (const w of result.warnings) notes.set(w.message, [...(notes.get(w.message) ?? []), w.index]);
  for (const [message, at] of notes)
    lines.push(`  ! ${message} (${at.length === 1 ? where(at[0]!) : `${at.length} events`})`);
  for (const c of result.conflicts)
    lines.push(
      `  ! ${c.ref} ${c.field} declares ${c.declared ?? 'no classification'} but inherits ${c.inherited} from ${c.sources.join(', ')}`,
    );
  const s = result.stored;
  // Contracts the caller may not read are counted in `datasets`, not named.
  const unreadable = Math.max(0, s.datasets - s.managed.length - s.unmanaged);
  if (result.status === 'failure')
    lines.push(`\nNothing was stored: ${invalidCount(result.summary.failed, result.summary.received)}.`);
  else
    lines.push(
      `\nStored ${s.events} event${s.events === 1 ? '' : 's'} (batch ${result.batch}): ${s.datasets} datasets (${s.managed.length} managed${s.managed.length ? `: ${s.managed.join(', ')}` : ''}; ${s.unmanaged} unmanaged${unreadable ? `; ${unreadable} in a contract you may not read` : ''}), ${s.jobs} job${s.jobs === 1 ? '' : 's'}, ${s.edges} edges, ${s.fieldEdges} column edges${result.summary.failed ? `; ${result.summary.failed} invalid event${result.summary.failed === 1 ? '' : 's'} not stored` : ''}.`,
    );
  return lines.join('\n').replace(/^\n/, '');
}

/** The cycles a walk cut, under their own heading (none: no lines). */
function cycleLines(cycles: readonly { from: string; to: string }[]): string[] {
  if (!cycles.length) return [];
  return ['', `Cycles cut (${cycles.length}):`, ...cycles.map((c) => `  ↺ ${c.from} → ${c.to}`)];
}

function nodeText(r: LineageRow): string {
  if (r.restricted) return `${r.node} (restricted${r.domain ? `, domain:${r.domain}` : ''})`;
  return r.managed ? r.node : `${r.node} (unmanaged)`;
}

function restrictedNote(n: number): string {
  return wrap(
    `${n} node${n === 1 ? ' is' : 's are'} in a domain you may not read: shown as restricted, with the domain's owners to ask for access.`,
  );
}

/** A row's owners; for a restricted node, whom to ask for access. */
function ownersText(r: LineageRow): string {
  return r.restricted ? `ask ${people(r.requestAccessFrom)}` : people(r.asset?.owners);
}

function qualityText(q: QualityStatus): string {
  return q.status ? `${q.status}${q.score !== null ? ` ${q.score}` : ''}` : 'unchecked';
}

/**
 * A row's quality: in an outcome's trace, where it differs, the status when the outcome happened
 * and at recording; in a trace asked `--at` a past time, the status then and now.
 */
function quality(r: LineageRow, asOf: boolean): string {
  const q = r.asset?.quality;
  if (!q) return '';
  return r.qualityThen
    ? `${qualityText(r.qualityThen)} (then), ${qualityText(q)} (${asOf ? 'now' : 'recorded'})`
    : qualityText(q);
}

/**
 * A row's version: the one its link names, else the contract's latest; as of a past time, where it
 * differs, the one current then beside the latest.
 */
function versionText(r: LineageRow, asOf: boolean): string {
  if (r.version?.used) return `v${r.version.used}${r.version.pinned ? '' : ' (reported)'}`;
  if (!r.asset) return '';
  return r.versionThen !== undefined
    ? `v${r.versionThen} (then), v${r.asset.version} (${asOf ? 'now' : 'recorded'})`
    : `v${r.asset.version} (latest)`;
}

/** A row's classification: of the version its link names, else of the latest; as `versionText`. */
function classificationText(r: LineageRow, asOf: boolean): string {
  const shown = r.classificationUsed ?? r.asset?.classification ?? '';
  return r.classificationThen !== undefined
    ? `${r.classificationThen ?? 'none'} (then), ${shown || 'none'} (${asOf ? 'now' : 'recorded'})`
    : shown;
}

function people(list: readonly string[] | undefined): string {
  return list?.length ? list.join(', ') : '—';
}

export function formatTrace(t: TraceReport & { outcome?: Outcome }): string {
  const s = t.subject;
  const lines: string[] = [];
  if (t.outcome)
    lines.push(
      wrap(
        `${t.outcome.ref} — ${t.outcome.type}, ${t.outcome.severity}: ${t.outcome.summary}`,
        'Outcome:   ',
      ),
      wrap(`${t.outcome.recordedAt} by ${t.outcome.actor} (trace as of then)`, 'Recorded:  '),
    );
  if (t.outcome && t.outcome.occurredAt !== t.outcome.recordedAt)
    lines.push(wrap(t.outcome.occurredAt, 'Occurred:  '));
  lines.push(
    wrap(
      `${s.ref} (${s.kind}${s.stage ? `, ${s.stage}` : ''}${s.systemVersion ? `, v${s.systemVersion}` : ''})`,
      'Subject:   ',
    ),
    wrap(people(s.owners), 'Owners:    '),
    wrap(people(s.stewards), 'Stewards:  '),
    `Traced at: ${t.at}`,
  );
  if (t.qualityAt)
    lines.push(
      wrap(
        `${t.qualityAt} ("then" below, where a dataset's quality, version or classification differs; lineage and owners are as now)`,
        'As of:     ',
      ),
    );
  if (t.models.length) {
    lines.push('', `Models (${t.models.length}):`);
    const table = formatTable(
      t.models,
      [
        { header: 'model', value: nodeText, min: WHOLE },
        { header: 'role', value: (r) => r.role ?? '', min: WHOLE },
        { header: 'owners', value: ownersText, min: WHOLE },
      ],
      { indent: 2 },
    );
    lines.push(table);
  }
  lines.push(
    '',
    `Datasets upstream (${t.datasets.length}, through ${t.jobs} job${t.jobs === 1 ? '' : 's'}):`,
  );
  if (t.datasets.length) {
    const table = formatTable(
      t.datasets,
      [
        { header: 'dataset', value: nodeText, min: WHOLE },
        { header: 'hops', value: (r) => r.depth, min: 4 },
        { header: 'role', value: (r) => r.role ?? '', min: WHOLE },
        { header: 'version', value: (r) => versionText(r, t.qualityAt !== undefined), min: WHOLE },
        { header: 'class.', value: (r) => classificationText(r, t.qualityAt !== undefined), min: WHOLE },
        { header: 'quality', value: (r) => quality(r, t.qualityAt !== undefined), min: WHOLE },
        { header: 'owners', value: ownersText, min: WHOLE },
      ],
      { indent: 2 },
    );
    lines.push(table);
  } else lines.push('  (none: nothing upstream is declared or reported)');
  lines.push(...cycleLines(t.cycles));
  if (t.restricted) lines.push('', restrictedNote(t.restricted));
  lines.push('', `Accountable (${t.accountable.length}):`);
  for (const a of t.accountable)
    lines.push(
      wrap(`${a.ref}${a.title !== a.ref ? ` (${a.title})` : ''}: ${a.why.join('; ')}`, '  ', '    '),
    );
  return lines.join('\n');
}

export function formatImpact(r: ImpactReport): string {
  const lines = [
    wrap(
      `Impact of ${r.subject.node}${r.subject.field ? `#${r.subject.field}` : ''} (up to ${r.depth} hop${r.depth === 1 ? '' : 's'}, ${r.at})`,
    ),
  ];
  const section = (title: string, rows: LineageRow[]) => {
    lines.push('', `${title} (${rows.length}):`);
    if (!rows.length) return;
    const table = formatTable(
      rows,
      [
        { header: 'asset', value: nodeText, min: WHOLE },
        { header: 'hops', value: (x) => x.depth, min: 4 },
        { header: 'via', value: (x) => x.via ?? '', min: WHOLE },
        { header: 'owners', value: ownersText, min: WHOLE },
        { header: 'stewards', value: (x) => (x.restricted ? '' : people(x.asset?.stewards)), min: WHOLE },
      ],
      { indent: 2 },
    );
    lines.push(table);
  };
  if (r.fields) {
    lines.push('', `Fields derived from it (${r.fields.length}):`);
    for (const f of r.fields)
      lines.push(
        `  ${f.restricted ? `${f.node} (restricted)` : `${f.node}#${f.field}`} (hop ${f.depth}, from ${f.from})`,
      );
  }
  section('Datasets', r.datasets);
  section('Models', r.models);
  section('Applications', r.apps);
  lines.push(...cycleLines(r.cycles));
  if (r.restricted) lines.push('', restrictedNote(r.restricted));
  lines.push('', `Who to tell (${r.notify.length}):`);
  for (const a of r.notify)
    lines.push(
      wrap(`${a.ref}${a.title !== a.ref ? ` (${a.title})` : ''}: ${a.why.join('; ')}`, '  ', '    '),
    );
  return lines.join('\n');
}

function formatScorecards(s: Scorecards): string {
  type Row = Scorecards['domains'][number];
  // Short headers, so that a scorecard stays a table on an 80-column terminal (see docs/lineage.md).
  const columns = [
    { header: 'assets', value: (r: Row) => r.assets, min: WHOLE },
    { header: 'own+stw', value: (r: Row) => r.withOwnerAndSteward, min: WHOLE },
    { header: 'descr.', value: (r: Row) => r.described, min: WHOLE },
    { header: 'classif.', value: (r: Row) => `${r.classified}/${r.datasets}`, min: WHOLE },
    { header: 'quality', value: (r: Row) => `${r.passingQuality}/${r.qualityChecked}`, min: WHOLE },
    { header: 'incid.', value: (r: Row) => r.openIncidents, min: WHOLE },
    { header: 'outc.', value: (r: Row) => r.outcomes, min: WHOLE },
    { header: 'score', value: (r: Row) => (r.score === null ? '–' : `${r.score}%`), min: WHOLE },
  ];
  const out: string[] = [];
  if (s.domains.length)
    out.push(
      'Domains:',
      formatTable(s.domains, [{ header: 'domain', value: (r) => r.key, min: WHOLE }, ...columns]),
    );
  if (s.owners.length)
    out.push(
      `${out.length ? '\n' : ''}Owners:`,
      formatTable(s.owners, [{ header: 'owner', value: (r) => r.key, min: WHOLE }, ...columns]),
    );
  if (s.stewards.length)
    out.push(
      `${out.length ? '\n' : ''}Stewards:`,
      formatTable(s.stewards, [{ header: 'steward', value: (r) => r.key, min: WHOLE }, ...columns]),
    );
  return out.join('\n') || 'Nothing to score.';
}

/** A whole number from 1 to `max` (the same bound the API checks), or undefined when not given. */
function int(value: string | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InputError(`${name} must be a whole number from 1 to ${max} (got '${value}')`);
  return n;
}

export function registerLineageCommands(program: Command) {
  const lineage = program
    .command('lineage')
    .description(
      'OpenLineage: ingest events, list reported datasets (managed or to adopt), classification conflicts',
    );

  const ingest = lineage
    .command('ingest')
    .description('Ingest OpenLineage events from files (a JSON event, a JSON array, or NDJSON; - for stdin)')
    .argument('<file...>')
    .option(
      '--partial',
      'store the valid events even when some are invalid (default: nothing unless all are valid)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 stored; 2 an event is invalid (with --partial, the valid ones were stored); 3 the store is unreachable.',
    );
  ingest.action(async (files: string[]) =>
    withLineage(ingest, async (api, format) => {
      const opts = ingest.opts() as { partial?: boolean };
      const { items, sources } = readEventFiles(files);
      if (!items.length) throw new InputError('The files hold no events');
      const result = await api.ingest(items, { atomic: !opts.partial, source: 'cli' });
      printData(result, format, () => formatIngest(result, sources));
      return result.summary.failed ? EXIT.input : EXIT.ok;
    }),
  );

  const datasets = lineage
    .command('datasets')
    .description('Datasets lineage reported, with the contract each one is (unmanaged ones can be adopted)')
    .option('--unmanaged', 'only datasets no contract describes yet')
    .option('--managed', 'only datasets a contract describes')
    .option('--limit <n>', 'at most this many (up to 10000)', '500');
  datasets.action(async () =>
    withLineage(datasets, async (api, format) => {
      const opts = datasets.opts() as { unmanaged?: boolean; managed?: boolean; limit: string };
      if (opts.unmanaged && opts.managed)
        throw new InputError('--managed and --unmanaged exclude each other: give one, or neither for all');
      const rows = await api.datasets({
        ...(opts.unmanaged ? { managed: false } : opts.managed ? { managed: true } : {}),
        limit: int(opts.limit, '--limit', 10_000)!,
      });
      printData(rows, format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'namespace', value: (r) => r.namespace, flex: 1 },
              { header: 'name', value: (r) => r.name, flex: 2 },
              { header: 'contract', value: (r) => r.ref ?? '(unmanaged)', flex: 1 },
            ])
          : 'No datasets reported.',
      );
      return EXIT.ok;
    }),
  );

  const show = lineage
    .command('show')
    .description('One reported dataset: contract, facets, producers, consumers, column lineage')
    .argument('<namespace>')
    .argument('<name>');
  show.action(async (namespace: string, name: string) =>
    withLineage(show, async (api, format) => {
      const d = await api.dataset(namespace, name);
      printData(d, format, () =>
        [
          `Dataset:    ${namespace} ${name}`,
          `Contract:   ${d.ref ?? '(unmanaged — `charter lineage adopt` drafts one)'}`,
          `Producers:  ${d.producers.join(', ') || '—'}`,
          `Consumers:  ${d.consumers.join(', ') || '—'}`,
          `Facets:     ${Object.keys(d.facets).join(', ') || '—'}`,
          ...(d.fields.length
            ? [
                'Column lineage:',
                ...d.fields.map(
                  (f) =>
                    `  ${f.field} ← ${f.from}${f.fromField ? `#${f.fromField}` : ''}${f.protection ? ` (${f.protection})` : ''}`,
                ),
              ]
            : []),
        ].join('\n'),
      );
      return EXIT.ok;
    }),
  );

  const adopt = lineage
    .command('adopt')
    .description('Print a draft ODCS contract for an unmanaged dataset (its server and schema as reported)')
    .argument('<namespace>')
    .argument('<name>')
    .option('--domain <name>', 'the domain that will own it (one the catalog has; default: CHANGE-ME)');
  adopt.action(async (namespace: string, name: string) =>
    withLineage(adopt, async (api, format) => {
      const { domain } = adopt.opts() as { domain?: string };
      const d = await api.dataset(namespace, name, domain ? { domain } : {});
      if (d.ref) throw new InputError(`'${namespace} ${name}' is already described by ${d.ref}`);
      const draft = { ...d.draft };
      if (format === 'json') printData(draft, format, () => '');
      else process.stdout.write(stringify(draft, { lineWidth: 0 }));
      return EXIT.ok;
    }),
  );

  const conflicts = lineage
    .command('conflicts')
    .description('Contract fields declaring a lower classification than they inherit along column lineage')
    .option('--ref <ref>', 'only this dataset');
  conflicts.action(async () =>
    withLineage(conflicts, async (api, format) => {
      const opts = conflicts.opts() as { ref?: string };
      const rows = await api.conflicts(opts.ref ? { ref: opts.ref } : {});
      printData(rows, format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'dataset', value: (r) => r.ref, flex: 2 },
              { header: 'field', value: (r) => r.path, flex: 1 },
              { header: 'declared', value: (r) => r.declared ?? '—' },
              { header: 'inherits', value: (r) => r.inherited ?? '' },
              { header: 'from', value: (r) => r.from.join(', '), flex: 2 },
            ])
          : 'No classification conflicts.',
      );
      return EXIT.ok;
    }),
  );

  const trace = program
    .command('trace')
    .description(
      'Every dataset behind a model, an application or an outcome (outcome:ID), and who is accountable',
    )
    .argument('<ref>', 'model:DOMAIN/NAME, app:DOMAIN/NAME or outcome:ID')
    .option(
      '--at <time>',
      "also what held at this past time (ISO 8601; UTC without a time zone): each dataset's quality status, and the version and classification of a contract a link names no version of, where they differ from now",
    );
  trace.action(async (ref: string) =>
    withLineage(trace, async (api, format) => {
      const { at } = trace.opts() as { at?: string };
      const t = await api.trace(ref, at === undefined ? {} : { at });
      printData(t, format, () => formatTrace(t));
      return EXIT.ok;
    }),
  );

  const impact = program
    .command('impact')
    .description('Every dataset, model and application downstream of a dataset (or a field), and who to tell')
    .argument(
      '<ref>',
      'dataset:DOMAIN/NAME (or dataset:DOMAIN/NAME#table.column, which takes the place of --field); a dataset no contract describes as namespace/name as reported, or namespace:/path for an absolute path; a model or application (what uses it)',
    )
    .option('--field <table.column>', 'only what derives from this field (column lineage)')
    .option('--depth <n>', 'hops to follow, 1 to 100', '5');
  impact.action(async (ref: string) =>
    withLineage(impact, async (api, format) => {
      const opts = impact.opts() as { field?: string; depth: string };
      const r = await api.impact(ref, {
        depth: int(opts.depth, '--depth', 100)!,
        ...(opts.field ? { field: opts.field } : {}),
      });
      printData(r, format, () => formatImpact(r));
      return EXIT.ok;
    }),
  );

  const outcome = program
    .command('outcome')
    .description('AI outcomes: record one (traced at once), list, show');
  const record = outcome
    .command('record')
    .description('Record an evaluation result, complaint, harmful or wrong answer, or drift alert')
    .argument('[subject]', 'the model or application it is about (model:… or app:…)')
    .option('--subject <ref>', 'the same, as an option')
    .requiredOption('--type <type>', 'evaluation, complaint, harmful_answer, wrong_answer, drift or other')
    .requiredOption('--severity <level>', 'info, low, medium, high or critical')
    .requiredOption('--summary <text>', 'what happened, in a sentence')
    .option('--run-id <id>', 'the run or request it happened in')
    .option('--trace-id <id>', "the application's trace id")
    .option('--occurred-at <time>', 'when it happened (ISO 8601; default now)')
    .option('--details <json>', 'more, as a JSON object');
  record.action(async (given?: string) =>
    withLineage(record, async (api, format) => {
      const o = record.opts() as Record<string, string | undefined>;
      if (given && o.subject && given !== o.subject)
        throw new InputError(`two subjects given (${given} and --subject ${o.subject}): give one`);
      const subject = given ?? o.subject;
      if (!subject)
        throw new InputError(
          'give the model or application the outcome is about: charter outcome record app:DOMAIN/NAME --type … (or --subject)',
        );
      let details: Record<string, unknown> | undefined;
      if (o.details) {
        try {
          details = JSON.parse(o.details);
        } catch {
          throw new InputError('--details must be a JSON object');
        }
        if (!details || typeof details !== 'object' || Array.isArray(details))
          throw new InputError('--details must be a JSON object');
      }
      const input: OutcomeInput = {
        subject,
        type: o.type as OutcomeInput['type'],
        severity: o.severity as OutcomeInput['severity'],
        summary: o.summary!,
        ...(o.runId ? { runId: o.runId } : {}),
        ...(o.traceId ? { traceId: o.traceId } : {}),
        ...(o.occurredAt ? { occurredAt: o.occurredAt } : {}),
        ...(details ? { details } : {}),
      };
      const r = await api.recordOutcome(input);
      printData(r, format, () => `recorded  ${r.ref}\n\n${formatTrace({ ...r.trace, outcome: r })}`);
      return EXIT.ok;
    }),
  );
  const list = outcome
    .command('list')
    .description('Recorded outcomes, newest first')
    .option('--subject <ref>', 'only this model or application')
    .option('--accountable <ref>', 'only those traced to this user or team; me: you')
    .option('--limit <n>', 'at most this many (up to 5000)', '100');
  list.action(async () =>
    withLineage(list, async (api, format) => {
      const o = list.opts() as { subject?: string; accountable?: string; limit: string };
      o.accountable = await principalOf(o.accountable, list.optsWithGlobals(), '--accountable');
      const rows = await api.outcomes({
        ...(o.subject ? { subject: o.subject } : {}),
        ...(o.accountable ? { accountable: o.accountable } : {}),
        limit: int(o.limit, '--limit', 5000)!,
      });
      printData(rows, format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'outcome', value: (r) => r.ref, min: 12 },
              { header: 'subject', value: (r) => r.subject, flex: 1 },
              { header: 'type', value: (r) => r.type },
              { header: 'severity', value: (r) => r.severity },
              { header: 'recorded', value: (r) => r.recordedAt.slice(0, 19), min: 19 },
              { header: 'summary', value: (r) => r.summary, flex: 2 },
            ])
          : 'No outcomes.',
      );
      return EXIT.ok;
    }),
  );
  const showOutcome = outcome.command('show').description('One outcome and its trace').argument('<id>');
  showOutcome.action(async (id: string) =>
    withLineage(showOutcome, async (api, format) => {
      const r = await api.outcome(id.replace(/^outcome:/, ''));
      printData(r, format, () => formatTrace({ ...r.trace, outcome: r }));
      return EXIT.ok;
    }),
  );

  const scorecard = program
    .command('scorecard')
    .description(
      'Scorecards per domain, per owner and per steward: accountability, description, classification, quality, incidents, outcomes',
    )
    .option('--domain <name>', 'only this domain and its sub-domains')
    .option('--owner <ref>', "only this user's or team's rows, as owner and as steward; me: you");
  scorecard.action(async () =>
    withLineage(scorecard, async (api, format) => {
      const o = scorecard.opts() as { domain?: string; owner?: string };
      o.owner = await principalOf(o.owner, scorecard.optsWithGlobals(), '--owner');
      const s = await api.scorecards(o);
      printData(s, format, () => formatScorecards(s));
      return EXIT.ok;
    }),
  );

  const webhook = program
    .command('webhook')
    .description('Webhooks: CloudEvents for incidents, outcomes, admissions, approvals, conflicts');
  const add = webhook
    .command('add')
    .description(
      'Subscribe a URL (all domains, or --domain and its sub-domains); prints the signing secret once',
    )
    .argument('<url>')
    .option('--domain <name>', 'only events of this domain and its sub-domains')
    .option('--event <type...>', 'only these event types (io.charter.incident.opened …)')
    .option('--secret <secret>', 'the signing secret (default: generated)')
    .option('--description <text>', 'what it is for')
    .addHelpText(
      'after',
      `
Webhooks go to public addresses only: loopback, private and link-local ones (the cloud's metadata
service) are refused, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true.`,
    );
  add.action(async (url: string) =>
    withLineage(add, async (api, format) => {
      const o = add.opts() as { domain?: string; event?: string[]; secret?: string; description?: string };
      const w = await api.addWebhook({
        url,
        ...(o.domain ? { domain: o.domain } : {}),
        ...(o.event ? { events: o.event } : {}),
        ...(o.secret ? { secret: o.secret } : {}),
        ...(o.description ? { description: o.description } : {}),
      });
      printData(
        w,
        format,
        () =>
          `created   webhook ${w.id}\n  secret: ${w.secret} (shown once; receivers verify the webhook-signature header with it)`,
      );
      return EXIT.ok;
    }),
  );
  const hooks = webhook.command('list').description('Webhook subscriptions');
  hooks.action(async () =>
    withLineage(hooks, async (api, format) => {
      const rows = await api.webhooks();
      printData(rows, format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'id', value: (r) => r.id, min: 36 },
              { header: 'url', value: (r) => r.url, min: WHOLE },
              { header: 'domain', value: (r) => r.domain ?? '(all)' },
              {
                header: 'events',
                value: (r) => (r.events.length ? r.events.map((e) => e.replace('io.charter.', '')) : '(all)'),
                flex: 1,
              },
              { header: 'last delivery', value: (r) => lastDeliveryText(r.lastDelivery), flex: 1 },
            ])
          : 'No webhooks.',
      );
      return EXIT.ok;
    }),
  );
  const remove = webhook.command('remove').description('Remove a webhook').argument('<id>');
  remove.action(async (id: string) =>
    withLineage(remove, async (api, format) => {
      const r = await api.removeWebhook(id);
      printData(r, format, () => `removed   webhook ${r.id}`);
      return EXIT.ok;
    }),
  );
  const deliveries = webhook
    .command('deliveries')
    .description('Deliveries, newest first (--state dead: the dead-letter list)')
    .option('--state <state>', 'pending, delivered or dead')
    .option('--webhook <id>', 'only this webhook')
    .option('--limit <n>', 'at most this many (up to 5000)', '100');
  deliveries.action(async () =>
    withLineage(deliveries, async (api, format) => {
      const o = deliveries.opts() as { state?: string; webhook?: string; limit: string };
      if (o.state && !['pending', 'delivered', 'dead'].includes(o.state))
        throw new InputError(`--state must be pending, delivered or dead (got '${o.state}')`);
      const rows = await api.deliveries({
        ...(o.state ? { state: o.state as DeliveryState } : {}),
        ...(o.webhook ? { webhook: o.webhook } : {}),
        limit: int(o.limit, '--limit', 5000)!,
      });
      printData(rows, format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'id', value: (r) => r.id, min: 36 },
              { header: 'event', value: (r) => r.eventType?.replace('io.charter.', '') ?? '', min: WHOLE },
              // The URL while the webhook is there; a removed webhook is named by its id.
              { header: 'webhook', value: (r) => r.url ?? `${r.webhookId} (removed)`, flex: 2 },
              { header: 'state', value: (r) => r.state },
              { header: 'attempts', value: (r) => r.attempts },
              { header: 'last', value: (r) => text(r.lastStatus ?? r.lastError ?? ''), flex: 2 },
              {
                // Pending: when it is tried next; delivered: when the receiver took it; dead: nothing is due.
                header: 'when',
                value: (r) =>
                  r.state === 'pending'
                    ? `next try ${r.nextAttemptAt}`
                    : r.state === 'delivered'
                      ? `delivered ${r.deliveredAt ?? ''}`
                      : 'dead (webhook retry ID)',
                min: 24,
              },
            ])
          : 'No deliveries.',
      );
      return EXIT.ok;
    }),
  );
  const retry = webhook
    .command('retry')
    .description('Make a dead (or pending) delivery due now; not one whose webhook was removed')
    .argument('<id>');
  retry.action(async (id: string) =>
    withLineage(retry, async (api, format) => {
      const r = await api.retryDelivery(id);
      printData(r, format, () => `pending   delivery ${r.id}`);
      return EXIT.ok;
    }),
  );
  const test = webhook
    .command('test')
    .description(
      'Send a test event (io.charter.webhook.test) to one webhook and show what its receiver answered',
    )
    .argument('<id>')
    .option(
      '--wait <seconds>',
      "how long to wait for the server's first attempt (with --server; 0: do not wait)",
      '15',
    )
    .addHelpText(
      'after',
      `
The event goes to this webhook alone, whatever events it subscribes to, signed like every other
(webhook-id, webhook-timestamp, webhook-signature), and retried like any other if the receiver fails.
With --server, the command waits for the server's delivery loop to try it and prints the answer:
exit 0 when the receiver took it, 1 when it did not (the delivery is retried with backoff), 3 when
no attempt came within --wait. On the local store (no server) the command sends it itself, once, with
the same exit codes; a failed test is retried by charter serve's loop.`,
    );
  test.action(async (id: string) =>
    withLineage(test, async (api, format, _actor, local) => {
      const o = test.opts() as { wait: string };
      const waitSeconds = Number(o.wait);
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 600)
        throw new InputError(`--wait must be a number of seconds from 0 to 600 (got '${o.wait}')`);
      const queued = await api.testWebhook(id);
      const remote = !local;
      const tried = local
        ? await sendNow(local, queued)
        : waitSeconds > 0
          ? await firstAttempt(api, queued, waitSeconds * 1000)
          : undefined;
      const d = tried ?? queued;
      printData(d, format, () => {
        const where = `to ${d.url ?? id}`;
        if (d.state === 'delivered')
          return `delivered test event ${where}: the receiver answered ${d.lastStatus ?? 'with success'}`;
        if (d.attempts > 0)
          return `failed    test event ${where}: ${d.lastError ?? `the receiver answered ${d.lastStatus}`}\n  ${d.state === 'dead' ? 'It is on the dead-letter list' : `Next try at ${d.nextAttemptAt}`} (charter webhook deliveries --webhook ${id})`;
        return remote && waitSeconds > 0
          ? `queued    test event ${where} (delivery ${d.id}), but the server did not try it within ${o.wait} s: is its delivery loop running?`
          : `queued    test event ${where} (delivery ${d.id}); ${remote ? 'the server sends it within seconds' : 'charter serve sends it'} (charter webhook deliveries --webhook ${id})`;
      });
      if (d.state === 'delivered' || (remote && waitSeconds === 0)) return EXIT.ok;
      return d.attempts > 0 ? EXIT.no : EXIT.unavailable;
    }),
  );
}

/** A webhook's newest delivery in a word or two: `delivered 204 (incident.opened)`, `failing: 502 …`. */
export function lastDeliveryText(d: DeliveryView | null | undefined): string {
  if (!d) return 'none yet';
  const event = d.eventType ? ` (${d.eventType.replace('io.charter.', '')})` : '';
  const answer = d.lastStatus !== null ? String(d.lastStatus) : (d.lastError ?? '');
  if (d.state === 'delivered') return `delivered${answer ? ` ${answer}` : ''}${event}`;
  if (d.state === 'dead') return `gave up: ${answer}${event}`;
  if (!d.attempts) return `queued${event}`;
  return `failing: ${answer}, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${event}`;
}

/**
 * Sends a queued delivery from this process, once (the local store has no delivery loop), as the
 * server's loop would: signed, and on failure left pending with its next try. The delivery after.
 */
async function sendNow(lineage: LineageService, queued: DeliveryView) {
  const deliverer = new WebhookDeliverer(lineage.store);
  try {
    await deliverer.tick(queued.id);
  } finally {
    await deliverer.stop();
  }
  return (await lineage.deliveries({ webhook: queued.webhookId, limit: 50 })).find((x) => x.id === queued.id);
}

/** The delivery once it has been tried (or undefined after `waitMs`), read every half second. */
async function firstAttempt(api: LineageApi, queued: DeliveryView, waitMs: number) {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const d = (await api.deliveries({ webhook: queued.webhookId, limit: 50 })).find(
      (x) => x.id === queued.id,
    );
    if (d && (d.state !== 'pending' || d.attempts > 0)) return d;
  }
  return undefined;
}
