/**
 * Search: two-word queries drawn from the generated vocabulary (field-name words, common and rare
 * description words) through `catalog.search(q, {limit: 20})` on the stores loaded by the bulk
 * apply. The anchor runs a plain ranked query (SQLite) or the dialect's SQL (PostgreSQL) with the driver directly, so the ratio
 * is what the catalog, Kysely and the store add to the database's own time.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Catalog } from '../src/catalog/catalog.js';
import { openStore } from '../src/store/open-store.js';
import { tsqueryText } from '../src/store/sql/dialects/postgres/tsvector.js';
import { searchTerms } from '../src/store/sql/sql-store.js';
import { Rng, type Vocabulary } from './generate.js';
import type { TempDatabase } from './postgres.js';
import { figuresTable, type Row, runLine, type Section, table } from './report.js';
import { fmt, fmtMs, fmtRatio, gc, log, type Machine, summarize } from './support.js';

export const TARGET_P95_MS = 10;

type QueryClass = 'field words' | 'common + common' | 'common + rare' | 'rare + rare';

interface Query {
  text: string;
  cls: QueryClass;
}

const STOP = new Set([
  'the',
  'of',
  'and',
  'to',
  'for',
  'in',
  'with',
  'by',
  'from',
  'each',
  'per',
  'used',
  'data',
]);

/** Deterministic queries; the mix is 30% field words, 30% common, 25% common + rare, 15% rare. */
export function drawQueries(vocabulary: Vocabulary, count: number, seed: number): Query[] {
  const rng = new Rng(seed);
  const words = vocabulary.words.filter((w) => !STOP.has(w));
  const common = words.slice(0, 150);
  const rare = words.slice(1_000);
  const fieldWords = vocabulary.fieldWords.filter((w) => !STOP.has(w) && w.length > 2);
  const out: Query[] = [];
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    const pair = (a: readonly string[], b: readonly string[]) => {
      const first = rng.pick(a);
      let second = rng.pick(b);
      while (second === first) second = rng.pick(b);
      return `${first} ${second}`;
    };
    if (u < 0.3) out.push({ text: pair(vocabulary.entities, fieldWords), cls: 'field words' });
    else if (u < 0.6) out.push({ text: pair(common, common), cls: 'common + common' });
    else if (u < 0.85) out.push({ text: pair(common, rare), cls: 'common + rare' });
    else out.push({ text: pair(rare, rare), cls: 'rare + rare' });
  }
  return out;
}

interface Timing {
  ms: number[];
  hits: number[];
  cls: QueryClass[];
}

/** Runs the queries one at a time; stops early when the budget is spent (the caller reports it). */
async function timeQueries(
  queries: Query[],
  budgetMs: number,
  run: (q: string) => Promise<number> | number,
): Promise<Timing> {
  for (const q of queries.slice(0, 20)) await run(q.text); // warm the caches and the JIT
  gc();
  const timing: Timing = { ms: [], hits: [], cls: [] };
  const start = performance.now();
  for (const q of queries) {
    if (performance.now() - start > budgetMs) break;
    const t = performance.now();
    const hits = await run(q.text);
    timing.ms.push(performance.now() - t);
    timing.hits.push(hits);
    timing.cls.push(q.cls);
  }
  return timing;
}

// The anchors, run with the driver alone: the plain full-text search — every match ranked (bm25 on
// SQLite, ts_rank on PostgreSQL), joined to assets, with a snippet or headline.
const SQLITE_SQL = `
  SELECT a.ref AS ref, a.kind AS kind, a.domain AS domain, a.title AS title, a.description AS description,
         -bm25(search_fts, 10.0, 6.0, 2.0, 3.0, 2.0) AS score,
         snippet(search_fts, -1, '«', '»', '…', 10) AS match
  FROM search_fts JOIN assets a ON a.id = search_fts.rowid
  WHERE search_fts MATCH ? AND a.state = 'live'
  ORDER BY bm25(search_fts, 10.0, 6.0, 2.0, 3.0, 2.0)
  LIMIT ?`;

const POSTGRES_SQL = `
  WITH q AS (SELECT $1::tsquery AS q),
  top AS (
    SELECT a.ref, a.kind, a.domain, a.title, a.description, s.name, s.title AS s_title, s.fields, s.tags,
           ts_rank(s.tsv, q.q) AS score
    FROM search_docs s JOIN assets a ON a.id = s.id, q
    WHERE s.tsv @@ q.q AND a.state = 'live'
    ORDER BY score DESC, a.ref
    LIMIT $2
  )
  SELECT ref, kind, domain, title, description, score,
         ts_headline('simple', translate(concat_ws(' ', name, s_title, fields, tags), '_', ' '), q.q,
           'StartSel=«, StopSel=», MaxWords=14, MinWords=4, MaxFragments=1') AS match
  FROM top, q ORDER BY score DESC, ref`;

const sqliteMatch = (terms: string[]) =>
  terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' AND ');
const postgresQuery = (terms: string[]) => tsqueryText(terms);

interface StoreResult {
  store: string;
  charter: Timing;
  anchor: Timing;
  /** The same match with parts of the query left out: where the database's time goes. */
  parts: { label: string; timing: Timing }[];
  /** Rows each query matches (SQLite), which ranking has to score. */
  matches?: number[];
}

/** Reference queries for the anatomy table (SQLite: FTS5 MATCH; PostgreSQL: tsvector @@ tsquery). */
const SQLITE_PARTS = [
  {
    label: 'bm25-ranked match, no join to assets, no snippet',
    sql: 'SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25(search_fts, 10.0, 6.0, 2.0, 3.0, 2.0) LIMIT ?',
  },
  { label: 'unranked match, first 20', sql: 'SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT ?' },
];

const POSTGRES_PARTS = [
  {
    label: 'ts_rank-ranked match, no join to assets, no headline',
    sql: 'SELECT id FROM search_docs WHERE tsv @@ $1::tsquery ORDER BY ts_rank(tsv, $1::tsquery) DESC LIMIT $2',
  },
  {
    label: 'unranked match, first 20',
    sql: 'SELECT id FROM search_docs WHERE tsv @@ $1::tsquery LIMIT $2',
  },
];

export interface SearchConfig {
  queries: number;
  seed: number;
  /** Time one store's queries may take; a slow store answers fewer queries rather than stalling the run. */
  budgetMs: number;
}

export async function runSearchBench(
  vocabulary: Vocabulary,
  contracts: number,
  stores: { sqliteHome: string; postgres?: TempDatabase },
  config: SearchConfig,
  machine: Machine,
  command: string,
): Promise<Section> {
  const queries = drawQueries(vocabulary, config.queries, config.seed);
  const loadAtStart = loadavg()[0] ?? 0;
  log(`Search: ${fmt(queries.length)} two-word queries`);
  const results: StoreResult[] = [];

  {
    const store = await openStore({ home: stores.sqliteHome });
    const catalog = new Catalog(store, { actor: 'user:bench' });
    const charter = await timeQueries(
      queries,
      config.budgetMs,
      async (q) => (await catalog.search(q, { limit: 20 })).length,
    );
    await store.close();
    const db = new Database(join(stores.sqliteHome, 'charter.db'), { readonly: true });
    db.pragma('cache_size = -65536'); // as the store sets it
    const statement = db.prepare(SQLITE_SQL);
    const anchor = await timeQueries(
      queries.slice(0, charter.ms.length),
      config.budgetMs,
      (q) => statement.all(sqliteMatch(searchTerms(q)), 20).length,
    );
    const parts = [];
    for (const part of SQLITE_PARTS) {
      const st = db.prepare(part.sql);
      const timing = await timeQueries(
        queries.slice(0, charter.ms.length),
        config.budgetMs,
        (q) => st.all(sqliteMatch(searchTerms(q)), 20).length,
      );
      parts.push({ label: part.label, timing });
    }
    const count = db.prepare('SELECT count(*) FROM search_fts WHERE search_fts MATCH ?').pluck();
    const matches = queries
      .slice(0, charter.ms.length)
      .map((q) => Number(count.get(sqliteMatch(searchTerms(q.text)))));
    db.close();
    results.push({ store: 'SQLite (FTS5, bm25)', charter, anchor, parts, matches });
    log(
      `  SQLite: p95 ${fmtMs(summarize(charter.ms).p95)} (driver alone ${fmtMs(summarize(anchor.ms).p95)})`,
    );
  }

  if (stores.postgres) {
    const store = await openStore({ databaseUrl: stores.postgres.url });
    const catalog = new Catalog(store, { actor: 'user:bench' });
    const charter = await timeQueries(
      queries,
      config.budgetMs,
      async (q) => (await catalog.search(q, { limit: 20 })).length,
    );
    await store.close();
    const client = new pg.Client({ connectionString: stores.postgres.url });
    await client.connect();
    const anchor = await timeQueries(
      queries.slice(0, charter.ms.length),
      config.budgetMs,
      async (q) => (await client.query(POSTGRES_SQL, [postgresQuery(searchTerms(q)), 20])).rowCount ?? 0,
    );
    const parts = [];
    for (const part of POSTGRES_PARTS) {
      const timing = await timeQueries(
        queries.slice(0, charter.ms.length),
        config.budgetMs,
        async (q) => (await client.query(part.sql, [postgresQuery(searchTerms(q)), 20])).rowCount ?? 0,
      );
      parts.push({ label: part.label, timing });
    }
    await client.end();
    results.push({
      store: `PostgreSQL ${stores.postgres.version} (tsvector, GIN, ts_rank)`,
      charter,
      anchor,
      parts,
    });
    log(
      `  PostgreSQL: p95 ${fmtMs(summarize(charter.ms).p95)} (driver alone ${fmtMs(summarize(anchor.ms).p95)})`,
    );
  }

  const rows: Row[] = [];
  for (const r of results) {
    const c = summarize(r.charter.ms);
    const a = summarize(r.anchor.ms);
    rows.push(
      {
        figure: `${r.store}: p50`,
        measured: fmtMs(c.p50),
        anchor: fmtMs(a.p50),
        ratio: fmtRatio(c.p50 / a.p50),
      },
      {
        figure: `${r.store}: p95`,
        measured: fmtMs(c.p95),
        target: `≤ ${TARGET_P95_MS} ms`,
        anchor: fmtMs(a.p95),
        ratio: fmtRatio(c.p95 / a.p95),
        pass: c.p95 <= TARGET_P95_MS,
      },
      {
        figure: `${r.store}: p99`,
        measured: fmtMs(c.p99),
        anchor: fmtMs(a.p99),
        ratio: fmtRatio(c.p99 / a.p99),
      },
    );
  }

  const shortRuns = results
    .filter((r) => r.charter.ms.length < queries.length || r.anchor.ms.length < r.charter.ms.length)
    .map(
      (r) =>
        `- ${r.store}: ${fmt(r.charter.ms.length)} of ${fmt(queries.length)} queries ran through Charter (anchor: ${fmt(r.anchor.ms.length)}) within the budget of ${fmt(config.budgetMs / 1000)} s; the figures are over those.`,
    );
  const sqliteMatches = results.find((r) => r.matches)?.matches;
  const matchLine = sqliteMatches
    ? `\nRows matched per query (the anchor ranks all of them; Charter ranks at most the first 2,000 in index order, and past that the name and title matches first): p50 ${fmt(summarize(sqliteMatches).p50)}, p95 ${fmt(summarize(sqliteMatches).p95)}, max ${fmt(summarize(sqliteMatches).max)}.\n`
    : '';
  const classes: QueryClass[] = ['field words', 'common + common', 'common + rare', 'rare + rare'];
  const classRows: string[][] = [];
  for (const r of results) {
    for (const cls of classes) {
      const idx = r.charter.cls.flatMap((c, i) => (c === cls ? [i] : []));
      if (!idx.length) continue;
      const s = summarize(idx.map((i) => r.charter.ms[i]!));
      const withHits = idx.filter((i) => r.charter.hits[i]! > 0).length;
      classRows.push([
        r.store,
        cls,
        fmt(idx.length),
        `${fmt((withHits / idx.length) * 100)}%`,
        fmtMs(s.p50),
        fmtMs(s.p95),
        fmtMs(s.max),
      ]);
    }
  }
  const examples = classes
    .map((cls) => queries.find((q) => q.cls === cls))
    .filter((q): q is Query => Boolean(q))
    .map((q) => `\`${q.text}\` (${q.cls})`)
    .join(', ');

  return {
    id: 'search',
    markdown: `## Search

${runLine(command, machine, loadAtStart)}

${fmt(queries.length)} two-word queries through \`catalog.search(q, {limit: 20})\` over the ${fmt(contracts)} contracts
loaded by the bulk apply, one at a time after 20 warm-up queries. The queries are drawn with a seeded PRNG: 30% a
contract entity and a field-name word, 30% two common description words, 25% a common and a rare one, 15% two rare
ones (the store matches every word, the last as a prefix). Examples: ${examples}. On SQLite the anchor is the plain
FTS5 search through the driver alone (a better-sqlite3 prepared statement): every match ranked by bm25, joined to
assets, with a snippet. On PostgreSQL the anchor is the same plain search through the \`pg\` client: every match
ranked by ts_rank, joined to assets, with a headline. Charter's search, on both, ranks at most the first 2,000 matches in
index order, and for a broader query puts the assets whose name or title match first, so a query's cost stays bounded as
the catalog grows.
${stores.postgres ? '' : '\nPostgreSQL was unreachable or skipped: only SQLite ran.\n'}
${figuresTable(rows)}
${shortRuns.length ? `\n${shortRuns.join('\n')}\n` : ''}
Where the database's time goes: the same queries with parts of the SQL left out, through the driver.

${table(
  ['Store', 'Query', 'p50', 'p95', 'p99'],
  results.flatMap((r) =>
    [
      ['Charter', 'full search (`catalog.search`)', r.charter.ms] as const,
      [
        'driver',
        r.store.startsWith('SQLite')
          ? 'plain FTS5 search, every match ranked (the anchor)'
          : 'plain full-text search, every match ranked (the anchor)',
        r.anchor.ms,
      ] as const,
      ...r.parts.map((p) => ['driver', p.label, p.timing.ms] as const),
    ].map(([who, label, ms]) => {
      const st = summarize(ms);
      return [r.store, `${who}: ${label}`, fmtMs(st.p50), fmtMs(st.p95), fmtMs(st.p99)];
    }),
  ),
)}
${matchLine}
By kind of query (Charter's latency):

${table(['Store', 'Query words', 'Queries', 'With hits', 'p50', 'p95', 'max'], classRows)}
`,
  };
}
