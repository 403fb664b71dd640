/**
 * Runs a contract's checks where the data lives. Per table: one aggregate statement computes the
 * row count and every row-level count and timestamp age at once; each uniqueness check adds one
 * grouped statement; each `sql` rule runs as written (after the read-only guard). No row is pulled
 * into Charter except the optional, masked samples of failing rows. A run may be narrowed to some
 * checks (by id, name, dimension or tag) and to some rows (a row filter pushed into the WHERE).
 */
import { InputError } from '../model/errors.js';
import {
  type ColumnSpec,
  compileContract,
  describeExpectation,
  meets,
  type TablePlan,
} from './contract-checks.js';
import {
  type CheckEngine,
  type ColumnInfo,
  DataUnreachableError,
  type EngineSession,
  type ServerSpec,
  StatementError,
  type TableSource,
  toNumber,
} from './engines/check-engine.js';
import { DuckDbCheckEngine } from './engines/duckdb-engine.js';
import { PostgresCheckEngine } from './engines/postgres-engine.js';
import { SqliteCheckEngine } from './engines/sqlite-engine.js';
import type {
  CheckResult,
  CheckSpec,
  ContractRunResult,
  FailedSample,
  Predicate,
  RunScope,
} from './quality-types.js';
import { readOnlyProblem, resolvePlaceholders, rowFilterProblem } from './sql-guard.js';
import { typeProblems } from './type-compat.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export function defaultEngines(): CheckEngine[] {
  return [new DuckDbCheckEngine(), new SqliteCheckEngine(), new PostgresCheckEngine()];
}

export interface RunOptions {
  /** Folder that relative local paths resolve against (default: the current directory). */
  dataRoot?: string;
  /** The `server` to check (default: the first one an engine supports). */
  server?: string;
  /** Failing rows to sample per check (default 0: none). */
  samples?: number;
  /** Statement timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
  engines?: readonly CheckEngine[];
  env?: NodeJS.ProcessEnv;
  /** Whether a column's values must be masked in samples (default: confidential or above). */
  masked?: (classification: string | undefined) => boolean;
  now?: () => Date;
  /** Called as checks complete. */
  onProgress?: (done: number, total: number) => void;
  /** Refuse local paths outside the data root (the server). */
  confined?: boolean;
  /** Run only the checks that match (by id or name, dimension or tag; matching any one suffices). */
  select?: CheckSelector;
  /** A row filter for a contract with one table (`charter check --filter`). */
  filter?: string;
  /** Row filters per table: the schema object's name → an SQL condition on its columns. */
  filters?: Record<string, string>;
}

/** Which checks a partial run covers; empty lists select nothing by that criterion. */
export type CheckSelector = Omit<RunScope, 'filters'>;

const SENSITIVE = new Set([
  'confidential',
  'restricted',
  'secret',
  'sensitive',
  'pii',
  'personal',
  'personal_data',
]);

/** The default masking rule: datacontract-cli's sensitive words plus anything above `internal`. */
export function defaultMasked(classification: string | undefined): boolean {
  if (!classification) return false;
  const c = classification.toLowerCase();
  return SENSITIVE.has(c) || !['public', 'internal'].includes(c);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function resultOf(spec: CheckSpec, engine: string): CheckResult {
  return {
    id: spec.id,
    table: spec.table,
    ...(spec.field ? { field: spec.field } : {}),
    category: spec.category,
    type: spec.type,
    name: spec.name,
    ...(spec.dimension ? { dimension: spec.dimension } : {}),
    ...(spec.severity ? { severity: spec.severity } : {}),
    status: 'skipped',
    measured: null,
    unit: spec.unit,
    expected: describeExpectation(spec.expectation, spec.unit),
    durationMs: 0,
    engine,
  };
}

/** Chooses the server: the named one, else the first an engine supports. */
export function chooseServer(
  doc: Obj,
  engines: readonly CheckEngine[],
  name?: string,
): { server?: ServerSpec; engine?: CheckEngine; problem?: string } {
  const servers = (Array.isArray(doc.servers) ? doc.servers : []).filter(isObj) as ServerSpec[];
  if (name) {
    const server = servers.find((s) => s.server === name);
    if (!server)
      throw new InputError(
        `Server '${name}' is not declared in the contract; it declares ${servers.map((s) => `'${s.server}'`).join(', ') || 'none'}`,
      );
    const engine = engines.find((e) => e.supports(server));
    return engine ? { server, engine } : { server, problem: unsupported(server) };
  }
  if (!servers.length) return { problem: 'the contract declares no server, so there is no data to check' };
  for (const server of servers) {
    const engine = engines.find((e) => e.supports(server));
    if (engine) return { server, engine };
  }
  return { server: servers[0]!, problem: unsupported(servers[0]!) };
}

const OBJECT_STORES = new Set(['s3', 'gcs', 'gs', 'azure', 'abfs', 'abfss', 'adls', 'r2', 'minio']);
const REMOTE_PATH = /^([a-z][a-z0-9+.-]*):\/\//i;

function unsupported(server: ServerSpec): string {
  const what = [server.type, server.format].filter(Boolean).join('/');
  const type = String(server.type ?? '').toLowerCase();
  const scheme = REMOTE_PATH.exec(String(server.path ?? server.location ?? ''))?.[1]?.toLowerCase();
  if (OBJECT_STORES.has(type) || (scheme && scheme !== 'file'))
    return `server '${server.server ?? '?'}' of type '${what || 'unknown'}' reads ${scheme ? `'${scheme}://'` : 'object storage'}, which is not supported in this installation: it needs DuckDB's httpfs or azure extension, which is not installed, and Charter never downloads extensions at run time`;
  return `server '${server.server ?? '?'}' of type '${what || 'unknown'}' is not supported; Charter checks local files (csv, parquet, json), duckdb, sqlite and postgres servers`;
}

/** Whether a check is one the selector asks for. */
function selected(spec: CheckSpec, selector: CheckSelector): boolean {
  const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));
  const dimensions = lower(selector.dimensions);
  const tags = lower(selector.tags);
  return (
    (selector.checks ?? []).some((c) => c === spec.id || c.toLowerCase() === spec.name.toLowerCase()) ||
    (spec.dimension !== undefined && dimensions.has(spec.dimension.toLowerCase())) ||
    (spec.tags ?? []).some((t) => tags.has(t.toLowerCase()))
  );
}

const hasSelector = (s: CheckSelector | undefined): s is CheckSelector =>
  !!s && [s.checks, s.dimensions, s.tags].some((xs) => xs && xs.length > 0);

/** The row filter of each table, from `filter` (one table) or `filters` (by name); refused before any data is read. */
function rowFiltersOf(tables: readonly TablePlan[], options: RunOptions): Record<string, string> | undefined {
  if (options.filter !== undefined && options.filters !== undefined)
    throw new InputError('Give either a filter or filters per table, not both');
  let filters = options.filters;
  if (options.filter !== undefined) {
    if (tables.length !== 1)
      throw new InputError(
        `A single filter is ambiguous for a contract with ${tables.length} tables (${tables.map((t) => `'${t.name}'`).join(', ')}); give filters per table`,
      );
    filters = { [tables[0]!.name]: options.filter };
  }
  if (!filters) return undefined;
  for (const [table, predicate] of Object.entries(filters)) {
    if (!tables.some((t) => t.name === table))
      throw new InputError(
        `The filter names table '${table}', which the contract's schema does not declare; it declares ${tables.map((t) => `'${t.name}'`).join(', ') || 'none'}`,
      );
    const problem = typeof predicate === 'string' ? rowFilterProblem(predicate) : 'the filter is not text';
    if (problem) throw new InputError(`The row filter for table '${table}' is refused: ${problem}`);
  }
  return Object.keys(filters).length ? filters : undefined;
}

function sourceOf(table: TablePlan): TableSource {
  return {
    name: table.name,
    physicalName: table.physicalName,
    textColumns: table.columns.filter((c) => c.logicalType === 'string').map((c) => c.name),
  };
}

/** Runs every check of one contract on one server. Never throws for data problems: they are results. */
export async function runContractChecks(doc: Obj, options: RunOptions = {}): Promise<ContractRunResult> {
  const engines = options.engines ?? defaultEngines();
  const now = options.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  const plan = compileContract(doc);
  const filters = rowFiltersOf(plan.tables, options);
  const selector = hasSelector(options.select) ? options.select : undefined;
  if (selector) {
    const chosen = (s: CheckSpec) => selected(s, selector);
    plan.tables = plan.tables
      .map((t) => ({ ...t, checks: t.checks.filter(chosen) }))
      .filter((t) => t.checks.length > 0);
    plan.problems = plan.problems.filter(chosen);
    if (!plan.tables.length && !plan.problems.length)
      throw new InputError(
        `No check of the contract matches ${describeSelector(selector)}; a check is chosen by its id or name, its dimension or its rule's tags`,
        { noCheckSelected: true },
      );
  }
  const scope: RunScope | undefined =
    selector || filters
      ? {
          ...(selector?.checks?.length ? { checks: selector.checks } : {}),
          ...(selector?.dimensions?.length ? { dimensions: selector.dimensions } : {}),
          ...(selector?.tags?.length ? { tags: selector.tags } : {}),
          ...(filters ? { filters } : {}),
        }
      : undefined;
  const specs = [...plan.tables.flatMap((t) => t.checks), ...plan.problems];
  const choice = chooseServer(doc, engines, options.server);
  const engineName = choice.engine?.name ?? 'none';
  const results = new Map<string, CheckResult>(specs.map((s) => [s.id, resultOf(s, engineName)]));
  const statements: string[] = [];
  let done = 0;
  const progress = (n = 1) => {
    done += n;
    options.onProgress?.(Math.min(done, specs.length), specs.length);
  };
  const finish = (status: ContractRunResult['status'], message?: string): ContractRunResult => {
    const finished = now();
    return {
      status,
      server: choice.server?.server ?? null,
      serverType: choice.server?.type ?? null,
      engine: engineName,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      ...(message ? { message } : {}),
      checks: specs.map((s) => results.get(s.id)!),
      statements,
      ...(scope ? { scope } : {}),
    };
  };
  const setAll = (status: CheckResult['status'], message: string, only?: (s: CheckSpec) => boolean) => {
    for (const s of specs) {
      if (only && !only(s)) continue;
      const r = results.get(s.id)!;
      r.status = status;
      r.message = message;
    }
  };

  if (!choice.engine || !choice.server) {
    const message = choice.problem ?? 'no server';
    setAll('skipped', `not supported: ${message}`);
    options.onProgress?.(specs.length, specs.length);
    return finish('error', `Not supported: ${message}`);
  }

  let session: EngineSession;
  try {
    session = await choice.engine.open(choice.server, plan.tables.map(sourceOf), {
      dataRoot: options.dataRoot ?? process.cwd(),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.env ? { env: options.env } : {}),
      ...(options.confined ? { confined: true } : {}),
    });
  } catch (error) {
    if (!(error instanceof DataUnreachableError)) throw error;
    setAll('error', `data unreachable: ${error.message}`);
    options.onProgress?.(specs.length, specs.length);
    return finish('error', `The data could not be reached: ${error.message}`);
  }

  const masked = options.masked ?? defaultMasked;
  let unreachable: string | undefined;
  try {
    for (const table of plan.tables) {
      const source = sourceOf(table);
      const columns = await session.columns(source).catch((e: Error) => {
        throw new DataUnreachableError(e.message);
      });
      if (!columns) {
        const message = `table '${table.physicalName}' does not exist on server '${choice.server.server ?? ''}'`;
        setAll('error', message, (s) => s.table === table.name);
        unreachable ??= message;
        progress(table.checks.length);
        continue;
      }
      await runTable(session, table, source, columns, results, statements, {
        samples: options.samples ?? 0,
        masked,
        now: snapshotTime(choice.server) ?? now(),
        progress,
        ...(filters?.[table.name] ? { filter: filters[table.name] } : {}),
      });
    }
  } catch (error) {
    if (!(error instanceof DataUnreachableError || error instanceof StatementError)) throw error;
    unreachable = error.message;
    setAll(
      'error',
      `data unreachable: ${error.message}`,
      (s) => results.get(s.id)!.status === 'skipped' && !results.get(s.id)!.message,
    );
  } finally {
    await session.close();
  }
  for (const spec of plan.problems) {
    const r = results.get(spec.id)!;
    if (spec.measure.kind === 'notExecutable') {
      r.status = spec.measure.status;
      r.message = spec.measure.reason;
    } else {
      r.status = 'error';
      r.message = `the SLA element names table '${spec.table}', which the contract's schema does not declare`;
    }
    progress();
  }
  if (unreachable) return finish('error', `The data could not be reached: ${unreachable}`);
  const bad = [...results.values()].some((r) => r.status === 'failed' || r.status === 'error');
  return finish(bad ? 'failed' : 'passed');
}

export function describeSelector(s: CheckSelector): string {
  return [
    ...(s.checks ?? []).map((c) => `--check ${c}`),
    ...(s.dimensions ?? []).map((d) => `--dimension ${d}`),
    ...(s.tags ?? []).map((t) => `--tag ${t}`),
  ].join(', ');
}

interface TableContext {
  /** The table's row filter (an SQL condition, already through the guard). */
  filter?: string;
  samples: number;
  masked: (classification: string | undefined) => boolean;
  now: Date;
  progress: (n?: number) => void;
}

function findColumn(columns: ColumnInfo[], name: string): ColumnInfo | undefined {
  return (
    columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  );
}

function columnsOf(spec: CheckSpec): string[] {
  const m = spec.measure;
  switch (m.kind) {
    case 'count':
      return [m.predicate.column];
    case 'duplicates':
      return m.columns;
    case 'age':
      return [m.column];
    case 'lag':
      return [m.from, m.to];
    default:
      return [];
  }
}

async function runTable(
  session: EngineSession,
  table: TablePlan,
  source: TableSource,
  columns: ColumnInfo[],
  results: Map<string, CheckResult>,
  statements: string[],
  ctx: TableContext,
) {
  const f = session.flavor;
  const relation = await session.relation(source);
  const declared = new Map<string, ColumnSpec>(table.columns.map((c) => [c.name, c]));
  const actual = (name: string) => findColumn(columns, name);
  const col = (name: string) => f.quote(actual(name)?.name ?? name);

  const aggregate: { spec: CheckSpec; expr: string }[] = [];
  const groups = new Map<string, { columns: string[]; specs: CheckSpec[] }>();
  const sqlRules: CheckSpec[] = [];

  for (const spec of table.checks) {
    const r = results.get(spec.id)!;
    const m = spec.measure;
    if (m.kind === 'notExecutable') {
      r.status = m.status;
      r.message = m.reason;
      ctx.progress();
      continue;
    }
    if (m.kind === 'columnPresent') {
      const found = actual(m.column);
      r.measured = found ? 1 : 0;
      r.expected = 'present';
      if (found) r.status = 'passed';
      else if (m.required) {
        r.status = 'failed';
        r.message = `column '${m.column}' is required but absent from '${table.physicalName}'`;
      } else {
        r.status = 'skipped';
        r.message = `optional column '${m.column}' is absent from '${table.physicalName}'`;
      }
      ctx.progress();
      continue;
    }
    if (m.kind === 'columnType') {
      const found = actual(m.column);
      const spec = declared.get(m.column);
      r.expected = m.logicalType || m.physicalType || '';
      if (!found || !spec) {
        r.status = 'skipped';
        r.message = `column '${m.column}' is absent`;
      } else {
        r.measured = found.type;
        const problems = typeProblems(spec, found.type, session.engine);
        r.status = problems.length ? 'failed' : 'passed';
        if (problems.length) r.message = problems.join('; ');
      }
      ctx.progress();
      continue;
    }
    const missing = columnsOf(spec).filter((c) => !actual(c));
    if (missing.length) {
      r.status = 'skipped';
      r.message = `column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} absent from '${table.physicalName}'`;
      ctx.progress();
      continue;
    }
    if (m.kind === 'rowCount') aggregate.push({ spec, expr: '' });
    else if (m.kind === 'count') {
      aggregate.push({
        spec,
        expr: `SUM(CASE WHEN ${predicateSql(m.predicate, f, col, (c) => actual(c)?.type)} THEN 1 ELSE 0 END)`,
      });
    } else if (m.kind === 'age') aggregate.push({ spec, expr: f.epochOf(col(m.column), m.of) });
    else if (m.kind === 'lag')
      aggregate.push({ spec, expr: `MAX(${f.epoch(col(m.to))} - ${f.epoch(col(m.from))})` });
    else if (m.kind === 'duplicates') {
      const key = m.columns.join('\u0000');
      const g = groups.get(key) ?? { columns: m.columns, specs: [] };
      g.specs.push(spec);
      groups.set(key, g);
    } else if (m.kind === 'sql') sqlRules.push(spec);
  }

  // A row filter is bound once without reading a row (LIMIT 0): an unknown column is the caller's
  // mistake, reported as such, not a failing check or unreachable data.
  const where = ctx.filter ? ` WHERE (${ctx.filter})` : '';
  if (ctx.filter) {
    const probe = `SELECT 1 AS ${f.quote('ok')} FROM ${relation}${where} LIMIT 0`;
    statements.push(probe);
    try {
      await session.query(probe);
    } catch (error) {
      if (!(error instanceof StatementError)) throw error;
      throw new InputError(`The row filter for table '${table.name}' cannot be applied: ${error.message}`);
    }
  }

  // The one scan: the row count and every aggregate check of this table.
  // The row count is always measured; rowCount checks read it instead of adding a column.
  const slots = aggregate.flatMap((a, i) => (a.expr ? [`${a.expr} AS ${f.quote(`c${i}`)}`] : []));
  const scan = `SELECT COUNT(*) AS ${f.quote('row_count')}${slots.length ? `, ${slots.join(', ')}` : ''} FROM ${relation}${where}`;
  let rowCount: number | null = null;
  const values = new Map<CheckSpec, unknown>();
  const t = performance.now();
  statements.push(scan);
  try {
    const [row] = await session.query(scan);
    rowCount = toNumber(row?.row_count) ?? 0;
    aggregate.forEach((a, i) => {
      values.set(a.spec, a.expr ? row?.[`c${i}`] : rowCount);
    });
  } catch (error) {
    if (!(error instanceof StatementError)) throw error;
    if (/timed out/.test(error.message)) throw error;
    // One bad expression (an invalid pattern …) must not hide the others: isolate it.
    const [row] = await session.query(`SELECT COUNT(*) AS ${f.quote('row_count')} FROM ${relation}${where}`);
    rowCount = toNumber(row?.row_count) ?? 0;
    for (const a of aggregate) {
      if (!a.expr) {
        values.set(a.spec, rowCount);
        continue;
      }
      const sql = `SELECT ${a.expr} AS ${f.quote('v')} FROM ${relation}${where}`;
      statements.push(sql);
      try {
        const [r] = await session.query(sql);
        values.set(a.spec, r?.v);
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        const r = results.get(a.spec.id)!;
        r.status = 'error';
        r.message = e.message;
      }
    }
  }
  const scanMs = Math.round(performance.now() - t);
  for (const a of aggregate) {
    const r = results.get(a.spec.id)!;
    r.durationMs = scanMs;
    if (r.status === 'error') continue;
    const raw = values.get(a.spec);
    if (a.spec.measure.kind === 'age') {
      const epoch = toNumber(raw);
      if (epoch === null) {
        r.status = 'failed';
        r.message = `column '${a.spec.field}' holds no timestamp, so the data's age is unknown`;
        continue;
      }
      evaluate(r, a.spec, Math.max(0, Math.round(ctx.now.getTime() / 1000 - epoch)));
      continue;
    }
    if (a.spec.measure.kind === 'lag') {
      const seconds = toNumber(raw);
      if (seconds === null) {
        r.status = 'failed';
        r.message = `no row holds both '${a.spec.measure.from}' and '${a.spec.measure.to}' as timestamps, so the latency is unknown`;
        continue;
      }
      evaluate(r, a.spec, Math.round(seconds));
      continue;
    }
    const count = toNumber(raw) ?? 0;
    evaluate(r, a.spec, a.spec.unit === 'percent' ? percent(count, rowCount ?? 0) : count);
    if (r.status === 'failed' && ctx.samples > 0 && a.spec.measure.kind === 'count') {
      const pred = predicateSql(a.spec.measure.predicate, f, col, (c) => actual(c)?.type);
      const inWindow = ctx.filter ? `(${ctx.filter}) AND ` : '';
      r.samples = await sample(
        session,
        table,
        relation,
        columns,
        `WHERE ${inWindow}${pred}`,
        ctx,
        statements,
      );
    }
  }
  ctx.progress(aggregate.length);

  // One grouped statement per distinct key; extra copies beyond the first are the duplicates.
  // Under a row filter, a key is the window's when any of its rows is in the window, and its
  // copies are counted over the whole table: a duplicate across the window's edge is found.
  const touched = ctx.filter ? ` HAVING SUM(CASE WHEN (${ctx.filter}) THEN 1 ELSE 0 END) > 0` : '';
  for (const g of groups.values()) {
    const keys = g.columns.map(col);
    const notNull = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
    const sql = `SELECT COALESCE(SUM(${f.quote('n')}), 0) - COUNT(*) AS ${f.quote('extra')} FROM (SELECT COUNT(*) AS ${f.quote('n')} FROM ${relation} WHERE ${notNull} GROUP BY ${keys.join(', ')}${touched}) ${f.quote('g')}`;
    statements.push(sql);
    const started = performance.now();
    let extra: number | undefined;
    let failure: string | undefined;
    try {
      const [row] = await session.query(sql);
      extra = toNumber(row?.extra) ?? 0;
    } catch (error) {
      if (!(error instanceof StatementError)) throw error;
      failure = error.message;
    }
    for (const spec of g.specs) {
      const r = results.get(spec.id)!;
      r.durationMs = Math.round(performance.now() - started);
      if (failure !== undefined || extra === undefined) {
        r.status = 'error';
        r.message = failure ?? 'no result';
        continue;
      }
      evaluate(r, spec, spec.unit === 'percent' ? percent(extra, rowCount ?? 0) : extra);
      if (r.status === 'failed' && ctx.samples > 0) {
        r.samples = await duplicateSample(
          session,
          table,
          relation,
          g.columns,
          keys,
          touched,
          ctx,
          statements,
        );
      }
    }
    ctx.progress(g.specs.length);
  }

  for (const spec of sqlRules) {
    const r = results.get(spec.id)!;
    if (ctx.filter) {
      // A rule's query is the author's own SQL; Charter does not rewrite it to see fewer rows.
      r.status = 'skipped';
      r.message = `not run under a row filter: a sql rule reads '${table.name}' as its query is written`;
      ctx.progress();
      continue;
    }
    const started = performance.now();
    await runSqlRule(session, table, spec, r, relation, col, statements);
    r.durationMs = Math.round(performance.now() - started);
    ctx.progress();
  }
}

async function runSqlRule(
  session: EngineSession,
  table: TablePlan,
  spec: CheckSpec,
  r: CheckResult,
  relation: string,
  col: (name: string) => string,
  statements: string[],
) {
  if (spec.measure.kind !== 'sql') return;
  const tableName = relation.includes('.') ? session.flavor.quote(table.physicalName) : relation;
  const resolved = resolvePlaceholders(spec.measure.query, {
    model: tableName,
    table: tableName,
    object: tableName,
    dataset: tableName,
    ...(session.names.schema ? { schema: session.names.schema, project: session.names.schema } : {}),
    ...(session.names.database ? { database: session.names.database, catalog: session.names.database } : {}),
    ...(spec.field ? { field: col(spec.field), column: col(spec.field), property: col(spec.field) } : {}),
  });
  if ('missing' in resolved) {
    r.status = 'error';
    r.message = `placeholder {${resolved.missing}} has no value here${spec.field ? '' : ' (a table-level rule has no column)'}`;
    return;
  }
  const problem =
    readOnlyProblem(resolved.sql, { allowedPaths: session.allowedPaths }) ??
    (await session.userSqlProblem?.(resolved.sql));
  if (problem) {
    r.status = 'error';
    r.message = `refused: ${problem}`;
    return;
  }
  const sql = resolved.sql.trim().replace(/;\s*$/, '');
  statements.push(sql);
  try {
    const rows = await session.query(sql);
    const first = rows[0];
    const value = first ? Object.values(first)[0] : undefined;
    if (rows.length !== 1 || !first || Object.keys(first).length < 1) {
      r.status = 'error';
      r.message = `the query returned ${rows.length} rows; a sql rule must return one row with one number`;
      return;
    }
    const n = toNumber(value);
    if (n === null && value !== null && value !== undefined && typeof value !== 'string') {
      r.status = 'error';
      r.message = 'the query did not return a number';
      return;
    }
    if (value === null || value === undefined) {
      r.status = 'failed';
      r.measured = null;
      r.message = 'the query returned NULL';
      return;
    }
    evaluate(r, spec, n ?? String(value));
  } catch (error) {
    if (!(error instanceof StatementError)) throw error;
    r.status = 'error';
    r.message = error.message;
  }
}

function percent(count: number, rows: number): number {
  return rows ? Math.round((count * 100 * 10_000) / rows) / 10_000 : 0;
}

function evaluate(r: CheckResult, spec: CheckSpec, measured: number | string) {
  r.measured = measured;
  if (!spec.expectation) {
    r.status = 'error';
    r.message = 'the check has no expectation';
    return;
  }
  r.status = meets(measured, spec.expectation) ? 'passed' : 'failed';
  if (r.status === 'failed')
    r.message = `measured ${measured}${spec.unit === 'percent' ? '%' : spec.unit === 'seconds' ? ' s' : ''}, expected ${r.expected}`;
}

function inList(f: EngineSession['flavor'], expr: string, values: (string | number | boolean)[]): string {
  return `${f.text(expr)} IN (${values.map((v) => f.literal(String(v))).join(', ')})`;
}

/** The SQL condition that holds for a bad row. */
export function predicateSql(
  p: Predicate,
  f: EngineSession['flavor'],
  col: (name: string) => string,
  typeOf: (name: string) => string | undefined = () => undefined,
): string {
  const c = col(p.column);
  switch (p.kind) {
    case 'null':
      return `${c} IS NULL`;
    case 'missing': {
      const parts = [];
      if (p.includesNull) parts.push(`${c} IS NULL`);
      if (p.values.length) parts.push(`(${c} IS NOT NULL AND ${inList(f, c, p.values)})`);
      return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
    }
    case 'invalid': {
      const parts = [];
      if (p.validValues) parts.push(`NOT (${inList(f, c, p.validValues)})`);
      if (p.pattern) parts.push(`NOT ${f.matches(f.text(c), p.pattern)}`);
      return `(${c} IS NOT NULL AND (${parts.join(' OR ')}))`;
    }
    case 'notIn':
      return `(${c} IS NOT NULL AND NOT (${inList(f, c, p.values)}))`;
    case 'notMatching':
      return `(${c} IS NOT NULL AND NOT ${f.matches(f.text(c), p.pattern)})`;
    case 'shorterThan':
      return `(${c} IS NOT NULL AND length(${f.text(c)}) < ${p.length})`;
    case 'longerThan':
      return `(${c} IS NOT NULL AND length(${f.text(c)}) > ${p.length})`;
    case 'outOfRange': {
      const op = p.bound === 'min' ? (p.exclusive ? '<=' : '<') : p.exclusive ? '>=' : '>';
      if (p.as === 'number') return `(${f.number(c, typeOf(p.column))} ${op} ${f.literal(Number(p.value))})`;
      return `(${f.temporal(c, p.as, typeOf(p.column))} ${op} ${f.temporalLiteral(String(p.value), p.as)})`;
    }
    case 'notMultipleOf':
      return `(${f.number(c, typeOf(p.column))} % ${f.literal(p.divisor)} <> 0)`;
  }
}

function selectList(
  f: EngineSession['flavor'],
  table: TablePlan,
  columns: ColumnInfo[],
  ctx: TableContext,
): string {
  // Masked columns are never read: the statement selects the mask, not the value.
  const present = table.columns.filter((c) => findColumn(columns, c.name));
  return present
    .map((c) => {
      const name = f.quote(findColumn(columns, c.name)!.name);
      return ctx.masked(c.classification) ? `'***' AS ${f.quote(c.name)}` : `${name} AS ${f.quote(c.name)}`;
    })
    .join(', ');
}

async function sample(
  session: EngineSession,
  table: TablePlan,
  relation: string,
  columns: ColumnInfo[],
  where: string,
  ctx: TableContext,
  statements: string[],
): Promise<FailedSample[]> {
  const list = selectList(session.flavor, table, columns, ctx);
  if (!list) return [];
  const sql = `SELECT ${list} FROM ${relation} ${where} LIMIT ${Math.floor(ctx.samples)}`;
  statements.push(sql);
  try {
    return (await session.query(sql)).map(plain);
  } catch {
    return [];
  }
}

async function duplicateSample(
  session: EngineSession,
  table: TablePlan,
  relation: string,
  names: string[],
  keys: string[],
  touched: string,
  ctx: TableContext,
  statements: string[],
): Promise<FailedSample[]> {
  const f = session.flavor;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const list = names
    .map((n, i) =>
      ctx.masked(byName.get(n)?.classification) ? `'***' AS ${f.quote(n)}` : `${keys[i]} AS ${f.quote(n)}`,
    )
    .join(', ');
  const sql = `SELECT ${list}, COUNT(*) AS ${f.quote('copies')} FROM ${relation} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')} GROUP BY ${keys.join(', ')}${touched ? `${touched} AND` : ' HAVING'} COUNT(*) > 1 LIMIT ${Math.floor(ctx.samples)}`;
  statements.push(sql);
  try {
    return (await session.query(sql)).map((row) => ({ ...plain(row), copies: toNumber(row.copies) }));
  } catch {
    return [];
  }
}

function plain(row: Record<string, unknown>): FailedSample {
  const out: FailedSample = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/**
 * A server may declare the moment its data describes (`customProperties: [{property: snapshotAt,
 * value: <ISO time>}]`) — a fixed extract, a demo, a test fixture. Freshness and retention are then
 * measured from that moment instead of the clock.
 */
export function snapshotTime(server: { customProperties?: unknown } | undefined): Date | undefined {
  const props = Array.isArray(server?.customProperties)
    ? (server.customProperties as { property?: string; value?: unknown }[])
    : [];
  const value = props.find((p) => p?.property === 'snapshotAt')?.value;
  if (typeof value !== 'string') return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
