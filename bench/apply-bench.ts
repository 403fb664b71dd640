/**
 * Bulk apply: the generated organisation applied end to end through `Catalog.apply` into a fresh
 * SQLite file store and a fresh PostgreSQL database, in batches and (SQLite) in one call, against
 * the raw better-sqlite3 insert of the same rows. Also the time of the pipeline's steps measured
 * from outside, and of parsing the same documents from YAML text.
 */

import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chain } from '../src/audit/audit-chain.js';
import { digestOf } from '../src/audit/digest.js';
import type { ApplyResult } from '../src/catalog/apply.js';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources, type SourceDoc } from '../src/catalog/parse.js';
import { dataContractKind } from '../src/model/kinds/data-contract-kind.js';
import type { CatalogStore } from '../src/store/catalog-store.js';
import { openStore } from '../src/store/open-store.js';
import { batches, type Organisation } from './generate.js';
import { createTempDatabase, type TempDatabase } from './postgres.js';
import { type ProfileSummary, profile } from './profile.js';
import { insertRaw, type RawResult } from './raw-sqlite.js';
import { figuresTable, type Row, runLine, type Section, table } from './report.js';
import { fmt, fmtMs, fmtRatio, freshDir, gc, log, type Machine, mb } from './support.js';
import { toYamlFiles } from './yaml-text.js';

export const TARGET_CONTRACTS_PER_SECOND = 10_000;
export const TARGET_RAW_RATIO = 4;

export interface ApplyConfig {
  batch: number;
  single: boolean;
  postgres: boolean;
  yamlContracts: number;
  profileContracts: number;
}

export interface ApplyRun {
  store: string;
  mode: string;
  ms: number;
  batchMs: number[];
  rssMb: number;
}

export interface LoadedStores {
  sqliteHome: string;
  postgres?: TempDatabase;
}

const ACTOR = 'user:bench';

function check(result: ApplyResult, expected: number, what: string) {
  if (!result.applied || result.summary.created !== expected) {
    const bad = result.results.find((r) => r.status === 'invalid');
    throw new Error(
      `${what} did not apply (${JSON.stringify(result.summary)}); first problem: ${JSON.stringify(bad)}`,
    );
  }
}

/** Applies the setup (untimed), then the contracts in batches (timed). */
export async function loadCatalog(
  store: CatalogStore,
  org: Organisation,
  batch: number,
  label: string,
): Promise<ApplyRun> {
  const catalog = new Catalog(store, { actor: ACTOR });
  check(
    await catalog.apply({ docs: org.setup, problems: [] }),
    org.setup.length,
    `${label}: the users and domains`,
  );
  const parts = batches(org.contracts, batch);
  const batchMs: number[] = [];
  const start = performance.now();
  for (const [i, part] of parts.entries()) {
    const t = performance.now();
    check(await catalog.apply({ docs: part, problems: [] }), part.length, `${label}: batch ${i + 1}`);
    batchMs.push(performance.now() - t);
    if ((i + 1) % 5 === 0 || i === parts.length - 1) {
      const done = Math.min((i + 1) * batch, org.contracts.length);
      log(`  ${label}: ${fmt(done)} contracts, ${fmt((done / (performance.now() - start)) * 1000)}/s`);
    }
  }
  const ms = performance.now() - start;
  return {
    store: label,
    mode: `batches of ${fmt(batch)}`,
    ms,
    batchMs,
    rssMb: mb(process.memoryUsage().rss),
  };
}

/** The pipeline's steps, each timed over every contract from outside the apply. */
function measureSplit(org: Organisation) {
  const docs = org.contracts.map((d) => d.doc);
  const kind = dataContractKind;
  const step = <T>(fn: () => T) => {
    gc();
    const t = performance.now();
    const result = fn();
    return { result, ms: performance.now() - t };
  };
  const validate = step(() => {
    let issues = 0;
    for (const doc of docs) issues += kind.validate(doc).length;
    if (issues) throw new Error(`validation found ${issues} issues in generated contracts`);
  });
  const normalize = step(() => docs.map((doc) => kind.normalize(doc)));
  const normalized = normalize.result;
  const digest = step(() => normalized.map((doc) => digestOf(doc)));
  const ctx = { ownershipTypes: ['owner', 'steward'] };
  const derive = step(() =>
    normalized.map((doc) => ({
      identity: kind.identify(doc),
      relations: kind.relations(doc, ctx),
      summary: kind.summary(doc),
      search: kind.searchText(doc),
    })),
  );
  const time = new Date().toISOString();
  const entries = derive.result.map((d, i) => {
    const identity = d.identity as { domain: string; name: string };
    const ref = `dataset:${identity.domain}/${identity.name}`;
    return {
      actor: ACTOR,
      action: 'create',
      ref,
      version: 1,
      beforeDigest: null,
      afterDigest: digest.result[i]!,
    };
  });
  const audit = step(() => chain({ seq: 0, hash: '0'.repeat(64) }, entries, time));
  return {
    validate: validate.ms,
    normalize: normalize.ms,
    digest: digest.ms,
    derive: derive.ms,
    audit: audit.ms,
  };
}

/** A CPU profile of a batched SQLite apply (a separate run: the profiler costs a little time). */
async function profileApply(org: Organisation, batch: number, count: number): Promise<ProfileSummary> {
  const home = freshDir('profile');
  const store = await openStore({ home });
  const catalog = new Catalog(store, { actor: ACTOR });
  check(
    await catalog.apply({ docs: org.setup, problems: [] }),
    org.setup.length,
    'profile: the users and domains',
  );
  gc();
  const { summary } = await profile(async () => {
    for (const part of batches(org.contracts.slice(0, count), batch)) {
      check(await catalog.apply({ docs: part, problems: [] }), part.length, 'profiled apply');
    }
  });
  await store.close();
  rmSync(home, { recursive: true, force: true });
  return summary;
}

function profileTables(cpu: ProfileSummary): string {
  const share = (ms: number) => `${fmt((ms / cpu.totalMs) * 100, 1)}%`;
  const areas = table(
    ['Area', 'Self time', 'Share'],
    cpu.areas.slice(0, 14).map((a) => [a.area, fmtMs(a.selfMs), share(a.selfMs)]),
  );
  const bySelf = table(
    ['Function', 'Where', 'Self time', 'Share'],
    [...cpu.functions]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 15)
      .map((f) => [`\`${f.name}\``, f.where || '(native)', fmtMs(f.selfMs), share(f.selfMs)]),
  );
  const byTotal = table(
    ['Function (in src/)', 'Where', 'Total time (with callees)', 'Share'],
    cpu.functions
      .filter((f) => f.where.startsWith('src/'))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 20)
      .map((f) => [`\`${f.name}\``, f.where, fmtMs(f.totalMs), share(f.totalMs)]),
  );
  return `Sampled CPU time: ${fmtMs(cpu.totalMs)} (idle excluded).

By area (self time: where the CPU was when sampled):

${areas}

Functions by self time:

${bySelf}

Charter's functions by total time (a function and everything it calls; nested rows overlap; after an \`await\` the sampled stack holds only the code that resumed, so an async caller such as \`put\` shows less than the callees it awaits):

${byTotal}`;
}

/** Parses the same documents from YAML text, with JSON.parse of them as the anchor. */
function measureParse(org: Organisation, count: number) {
  const docs: SourceDoc[] = org.contracts.slice(0, count);
  const files = toYamlFiles(docs);
  const bytes = files.reduce((s, f) => s + Buffer.byteLength(f.content), 0);
  gc();
  let t = performance.now();
  const parsed = parseSources(files);
  const yamlMs = performance.now() - t;
  if (parsed.problems.length || parsed.docs.length !== docs.length) {
    throw new Error(`the YAML text did not parse back: ${JSON.stringify(parsed.problems[0])}`);
  }
  const jsonFiles = [...new Set(docs.map((d) => d.source))].map((source) => ({
    name: source.replace(/\.yaml$/, '.json'),
    content: JSON.stringify(
      docs.filter((d) => d.source === source).map((d) => d.doc),
      null,
      2,
    ),
  }));
  const jsonBytes = jsonFiles.reduce((s, f) => s + Buffer.byteLength(f.content), 0);
  gc();
  t = performance.now();
  const json = parseSources(jsonFiles);
  const jsonMs = performance.now() - t;
  if (json.docs.length !== docs.length) throw new Error('the JSON text did not parse back');
  return { count, files: files.length, bytes, yamlMs, jsonBytes, jsonMs };
}

const perSecond = (count: number, ms: number) => (count / ms) * 1000;

export async function runApplyBench(
  org: Organisation,
  config: ApplyConfig,
  machine: Machine,
  command: string,
): Promise<{ section: Section; loaded: LoadedStores }> {
  const n = org.contracts.length;
  const fields = n * org.options.fieldsPerContract;
  const loadAtStart = loadavg()[0] ?? 0;
  log(`Bulk apply: ${fmt(n)} contracts, ${fmt(fields)} fields, ${org.options.domains} domains`);

  // Charter, SQLite, batches: this store is kept for the search benchmark.
  const sqliteHome = freshDir('sqlite');
  gc();
  let store = await openStore({ home: sqliteHome });
  const batched = await loadCatalog(store, org, config.batch, 'SQLite');
  await store.close();

  let single: ApplyRun | undefined;
  if (config.single) {
    const home = freshDir('sqlite-single');
    gc();
    store = await openStore({ home });
    const catalog = new Catalog(store, { actor: ACTOR });
    check(
      await catalog.apply({ docs: org.setup, problems: [] }),
      org.setup.length,
      'single: the users and domains',
    );
    const t = performance.now();
    check(await catalog.apply({ docs: org.contracts, problems: [] }), n, 'single apply');
    const ms = performance.now() - t;
    single = {
      store: 'SQLite',
      mode: `one apply of ${fmt(n)}`,
      ms,
      batchMs: [ms],
      rssMb: mb(process.memoryUsage().rss),
    };
    log(`  SQLite, one apply: ${fmt(perSecond(n, ms))}/s, RSS ${fmt(single.rssMb)} MB`);
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }

  let postgres: ApplyRun | undefined;
  let pgDb: TempDatabase | undefined;
  if (config.postgres) {
    pgDb = await createTempDatabase('apply');
    if (pgDb) {
      gc();
      store = await openStore({ databaseUrl: pgDb.url });
      postgres = await loadCatalog(store, org, config.batch, `PostgreSQL ${pgDb.version}`);
      await store.close();
    }
  }

  // The raw insert runs twice (its time varies with the disk); the faster one is the anchor.
  const rawRuns: RawResult[] = [];
  for (let i = 0; i < 2; i++) {
    gc();
    const rawDir = freshDir('raw');
    rawRuns.push(insertRaw(rawDir, org.contracts));
    rmSync(rawDir, { recursive: true, force: true });
    log(
      `  raw better-sqlite3: ${fmt(perSecond(n, rawRuns[i]!.insertMs))}/s (values built in ${fmtMs(rawRuns[i]!.prepareMs)})`,
    );
  }
  const raw = rawRuns.reduce((a, b) => (b.insertMs < a.insertMs ? b : a));

  log('  measuring the steps of the pipeline one by one');
  const split = measureSplit(org);
  const profiled = Math.min(config.profileContracts, n);
  log(`  profiling a batched apply of ${fmt(profiled)} contracts`);
  const cpu = await profileApply(org, config.batch, profiled);
  log('  parsing the contracts from YAML text');
  const parse = measureParse(org, Math.min(config.yamlContracts, n));

  // --- the section -------------------------------------------------------------------------
  const rawRate = perSecond(n, raw.insertMs);
  const rows: Row[] = [];
  const applyRow = (run: ApplyRun, label: string, target: boolean): Row[] => {
    const rate = perSecond(n, run.ms);
    const ratio = run.ms / raw.insertMs;
    return [
      {
        figure: `${label}: contracts/s`,
        measured: `${fmt(rate)}/s (${fmtMs(run.ms)})`,
        ...(target
          ? { target: `≥ ${fmt(TARGET_CONTRACTS_PER_SECOND)}/s`, pass: rate >= TARGET_CONTRACTS_PER_SECOND }
          : {}),
        anchor: `raw insert ${fmt(rawRate)}/s (${fmtMs(raw.insertMs)})`,
        ratio: fmtRatio(ratio),
      },
      {
        figure: `${label}: Charter time / raw time`,
        measured: fmtRatio(ratio),
        ...(target ? { target: `≤ ${TARGET_RAW_RATIO}×`, pass: ratio <= TARGET_RAW_RATIO } : {}),
        anchor: 'raw insert = 1×',
      },
    ];
  };
  rows.push(...applyRow(batched, `SQLite, ${batched.mode}`, true));
  if (single) rows.push(...applyRow(single, `SQLite, ${single.mode}`, true));
  if (postgres) rows.push(applyRow(postgres, `${postgres.store}, ${postgres.mode}`, false)[0]!);
  const yamlRate = perSecond(parse.count, parse.yamlMs);
  rows.push({
    figure: `Parse ${fmt(parse.count)} contracts from YAML text (\`parseSources\`, ${parse.files} files, ${fmt(mb(parse.bytes), 1)} MB)`,
    measured: `${fmt(yamlRate)}/s (${fmtMs(parse.yamlMs)}, ${fmt(mb(parse.bytes) / (parse.yamlMs / 1000), 1)} MB/s)`,
    anchor: `same documents as JSON text: ${fmt(perSecond(parse.count, parse.jsonMs))}/s (${fmtMs(parse.jsonMs)})`,
    ratio: fmtRatio(parse.yamlMs / parse.jsonMs),
  });

  const total = batched.ms;
  const measuredSteps = [
    ['validate (`dataContractKind.validate`)', split.validate],
    ['normalize (`dataContractKind.normalize`: ODCS upgrade, deep copy)', split.normalize],
    ['digest (`digestOf`: canonical JSON + SHA-256)', split.digest],
    ['derive (identify, relations, summary, searchText)', split.derive],
    ['audit chain (`chain`: canonical JSON + SHA-256 per record)', split.audit],
  ] as const;
  const sum = measuredSteps.reduce((s, [, ms]) => s + ms, 0);
  const splitRow = (step: string, ms: number) => [
    step,
    fmtMs(ms),
    `${fmt((ms / n) * 1000, 1)} µs`,
    `${fmt((ms / total) * 100)}%`,
  ];
  const splitRows = measuredSteps.map(([step, ms]) => splitRow(step, ms));
  splitRows.push(splitRow('sum of these in-memory steps', sum));
  splitRows.push(
    splitRow(
      'store writes (Kysely + SQLite), ref resolution, admission, results, GC: the rest, by difference',
      total - sum,
    ),
  );
  splitRows.push(splitRow('**Charter apply end to end, SQLite, batched**', total));

  const batchesLine = (run: ApplyRun) =>
    run.batchMs.length > 1
      ? `${run.store}, ${run.mode}: first batch ${fmtMs(run.batchMs[0]!)}, last ${fmtMs(run.batchMs[run.batchMs.length - 1]!)}, slowest ${fmtMs(Math.max(...run.batchMs))}; process RSS after it ${fmt(run.rssMb)} MB (the generated documents included).`
      : `${run.store}, ${run.mode}: process RSS after it ${fmt(run.rssMb)} MB (the generated documents included).`;

  const markdown = `## Bulk apply

${runLine(command, machine, loadAtStart)}

${fmt(n)} ODCS v3.1.0 contracts with ${org.options.fieldsPerContract} fields each (${fmt(fields)} fields) over
${org.options.domains} domains, plus ${org.setup.length} Users and Domains applied first (not timed). The documents are
built in memory and applied with \`new Catalog(store, {actor}).apply({docs, problems: []})\` into a fresh SQLite
file store and a fresh PostgreSQL database. The anchor inserts the same rows per contract (asset, version with the
JSON document, the \`inDomain\` relation, FTS5 row, audit record; a contract's fields are read from its
document, not stored as rows of their own) with
better-sqlite3 prepared statements in one transaction, into the same schema with the same pragmas; its row values
are built before the clock starts (${fmtMs(raw.prepareMs)}), except the document's JSON text. It runs twice on a
fresh file each time (${rawRuns.map((r) => fmtMs(r.insertMs)).join(' and ')}); the faster run is the anchor.

${figuresTable(rows)}

${[batchesLine(batched), ...(single ? [batchesLine(single)] : []), ...(postgres ? [batchesLine(postgres)] : [])].map((l) => `- ${l}`).join('\n')}
${config.postgres && !postgres ? '- PostgreSQL was unreachable: its run was skipped.\n' : ''}
### Where Charter's apply time goes (SQLite, measured from outside)

The pipeline's in-memory steps, each timed alone over all ${fmt(n)} contracts by calling the kind's functions
directly; what is left of the batched SQLite apply above is the store and the rest. The profile below splits that.

${table(['Step', 'Time', 'Per contract', 'Share'], splitRows)}

### CPU profile of the apply (SQLite, batches of ${fmt(config.batch)})

A separate batched apply of ${fmt(profiled)} contracts into a fresh SQLite store under V8's sampling profiler
(\`node:inspector\`, 1 ms); native SQLite work shows under the better-sqlite3 function that called it.

${profileTables(cpu)}
`;
  return {
    section: { id: 'apply', markdown },
    loaded: pgDb ? { sqliteHome, postgres: pgDb } : { sqliteHome },
  };
}
