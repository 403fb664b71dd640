/**
 * Scans a dataset for personal data: a sample of each string-like column is read where the data
 * lives, through the quality engines (`LIMIT` pushed down, `USING SAMPLE` on DuckDB), run through
 * the detectors, and reduced to per-field match rates, confidences and a proposed classification.
 * Values never leave this module: only counts are returned. `acceptScan` writes the proposals as a
 * new contract version through the catalog (so admission and every policy apply);
 * `scan-suggestions.ts` keeps them for stewards instead.
 */
import type { ApplyResult } from '../catalog/apply.js';
import type { Catalog } from '../catalog/catalog.js';
import { parseSources } from '../catalog/parse.js';
import { InputError, UnavailableError } from '../model/errors.js';
import type { TableSource } from '../quality/engines/check-engine.js';
import { chooseServer, DEFAULT_TIMEOUT_MS, defaultEngines } from '../quality/run-checks.js';
import { CATEGORY_INFO, detect, FAMILY_NAMES, GIVEN_NAMES, hintsFor, type PiiCategory } from './detectors.js';

export interface FieldDetection {
  category: PiiCategory;
  pd: string;
  /** Share of the sampled non-empty values that matched (0..1). */
  matchRate: number;
  /** The match rate, raised by a field-name hint (0..1). */
  confidence: number;
}

export interface FieldScan {
  path: string;
  sampled: number;
  hints: PiiCategory[];
  detections: FieldDetection[];
  currentClassification: string | null;
  proposedClassification: string | null;
  /** Tags the proposal adds: `pii` and `pii:<charter category>`. */
  proposedTags: string[];
}

export interface ScanReport {
  ref: string;
  server: string | null;
  engine: string;
  sample: number;
  durationMs: { fetch: number; detect: number };
  fields: FieldScan[];
}

const LEVELS = ['public', 'internal', 'confidential', 'restricted'];
/**
 * Joins a column's sampled values for the trip out of the database (ASCII unit separator); a value
 * that itself holds this control character counts as two.
 */
const SEPARATOR = '\u001f';

/** A category is proposed at this confidence or above. */
export const PROPOSE_AT = 0.5;

type Obj = Record<string, unknown>;

export async function scanDataset(
  catalog: Catalog,
  ref: string,
  options: {
    sample?: number;
    dataRoot: string;
    timeoutMs?: number;
    levels?: string[];
    /** Refuse file paths outside the data root (a server scanning for remote callers). */
    confined?: boolean;
  },
): Promise<ScanReport> {
  const sample = options.sample ?? 1000;
  if (!Number.isInteger(sample) || sample < 1 || sample > 1_000_000)
    throw new InputError(`--sample must be a whole number from 1 to 1000000 (got ${sample})`);
  const { doc } = await catalog.get(ref);
  const levels = options.levels ?? LEVELS;
  const choice = chooseServer(doc, defaultEngines());
  if (!choice.engine || !choice.server)
    throw new UnavailableError(`${ref} cannot be scanned: ${choice.problem ?? 'no server'}`);
  const tables = (Array.isArray(doc.schema) ? doc.schema : []) as Obj[];
  const sources: TableSource[] = tables.map((t) => ({
    name: String(t.name),
    physicalName: String(t.physicalName ?? t.name),
    textColumns: ((t.properties ?? []) as Obj[])
      .filter((p) => p.logicalType === 'string')
      .map((p) => String(p.name)),
  }));
  let session: Awaited<ReturnType<typeof choice.engine.open>>;
  try {
    session = await choice.engine.open(choice.server, sources, {
      dataRoot: options.dataRoot,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.confined ? { confined: true } : {}),
    });
  } catch (error) {
    throw new UnavailableError(`${ref} cannot be scanned: ${(error as Error).message}`);
  }
  const fields: FieldScan[] = [];
  let fetchMs = 0;
  let detectMs = 0;
  try {
    for (const [ti, table] of tables.entries()) {
      const source = sources[ti]!;
      const columns = await session.columns(source);
      if (!columns) throw new UnavailableError(`${ref} cannot be scanned: table '${source.name}' is missing`);
      const props = ((table.properties ?? []) as Obj[]).filter((p) => columns.some((c) => c.name === p.name));
      if (!props.length) continue;
      const relation = await session.relation(source);
      const flavor = session.flavor;
      // The sample is read once and comes back as one row: each column's values joined by a
      // separator (string_agg on DuckDB, SQLite and PostgreSQL alike). Millions of small values
      // cross into JavaScript as a few long strings, which costs a fraction of one object per row.
      const columnsSql = props.map((p) => flavor.quote(String(p.name)));
      const aggregates = props.map(
        (p, k) =>
          `string_agg(${flavor.text(columnsSql[k]!)}, '${SEPARATOR}') AS ${flavor.quote(String(p.name))}`,
      );
      const sampling = session.engine === 'duckdb' ? ` USING SAMPLE ${sample} ROWS` : '';
      const start = performance.now();
      const [packed] = await session.query(
        `SELECT ${aggregates.join(', ')} FROM (SELECT ${columnsSql.join(', ')} FROM ${relation}${sampling} LIMIT ${sample}) AS sampled`,
      );
      const valuesOf = new Map(
        props.map((p) => {
          const joined = packed?.[String(p.name)];
          return [
            String(p.name),
            joined === null || joined === undefined ? [] : String(joined).split(SEPARATOR),
          ];
        }),
      );
      fetchMs += performance.now() - start;
      const t0 = performance.now();
      for (const p of props) {
        const name = String(p.name);
        const counts = new Map<PiiCategory, number>();
        const hints = hintsFor(name);
        const nameHint = hints.includes('person-name');
        let sampled = 0;
        for (const v of valuesOf.get(name)!) {
          if (v === '') continue;
          sampled++;
          const found = detect(v);
          // In a column whose name says it holds names, one dictionary name is enough.
          if (
            nameHint &&
            !found.includes('person-name') &&
            (GIVEN_NAMES.has(v.toLowerCase()) || FAMILY_NAMES.has(v.toLowerCase()))
          )
            found.push('person-name');
          for (const c of found) counts.set(c, (counts.get(c) ?? 0) + 1);
        }
        const detections: FieldDetection[] = [...counts.entries()]
          .map(([category, n]) => {
            const matchRate = sampled ? n / sampled : 0;
            const confidence = Math.min(1, matchRate + (hints.includes(category) ? 0.25 : 0));
            const round = (x: number) => Math.round(x * 1000) / 1000;
            return {
              category,
              pd: CATEGORY_INFO[category].pd,
              matchRate: round(matchRate),
              confidence: round(confidence),
            };
          })
          .sort((a, b) => b.confidence - a.confidence);
        const proposed = detections.filter((d) => d.confidence >= PROPOSE_AT);
        const current = typeof p.classification === 'string' ? p.classification : null;
        let level: string | null = null;
        for (const d of proposed) {
          const l = CATEGORY_INFO[d.category].classification;
          if (level === null || levels.indexOf(l) > levels.indexOf(level)) level = l;
        }
        const raise = level !== null && (current === null || levels.indexOf(level) > levels.indexOf(current));
        const tags = Array.isArray(p.tags) ? (p.tags as string[]) : [];
        const proposedTags = proposed.length
          ? ['pii', ...proposed.map((d) => `pii:${CATEGORY_INFO[d.category].charter}`)].filter(
              (t, i, all) => !tags.includes(t) && all.indexOf(t) === i,
            )
          : [];
        fields.push({
          path: `${source.name}.${name}`,
          sampled,
          hints,
          detections,
          currentClassification: current,
          proposedClassification: raise ? level : null,
          proposedTags,
        });
      }
      detectMs += performance.now() - t0;
    }
  } finally {
    await session.close();
  }
  if (!fields.some((f) => f.sampled > 0)) {
    throw new UnavailableError(`${ref} has no values to scan: the sample is empty`);
  }
  return {
    ref,
    server: choice.server.server ?? null,
    engine: session.engine,
    sample,
    durationMs: { fetch: Math.round(fetchMs), detect: Math.round(detectMs) },
    fields,
  };
}

/** A field's proposal: the classification to raise it to and the tags to add. */
export interface FieldProposal {
  path: string;
  proposedClassification: string | null;
  proposedTags: string[];
}

/** Writes the scan's proposals (classification and tags) as a new version, through admission. */
export async function acceptScan(catalog: Catalog, report: ScanReport): Promise<ApplyResult | undefined> {
  return applyProposals(catalog, report.ref, report.fields);
}

/**
 * Writes proposals onto the contract's latest version, through admission. A classification is only
 * raised, tags only added; undefined when nothing is left to change.
 */
export async function applyProposals(
  catalog: Catalog,
  ref: string,
  proposals: readonly FieldProposal[],
  levels: readonly string[] = LEVELS,
): Promise<ApplyResult | undefined> {
  const { doc } = await catalog.get(ref);
  const next = structuredClone(doc) as Obj;
  let changed = false;
  for (const table of (next.schema ?? []) as Obj[]) {
    for (const p of (table.properties ?? []) as Obj[]) {
      const change = proposals.find((f) => f.path === `${table.name}.${p.name}`);
      if (!change) continue;
      const current = typeof p.classification === 'string' ? p.classification : null;
      const level = change.proposedClassification;
      if (level && (current === null || levels.indexOf(level) > levels.indexOf(current))) {
        p.classification = level;
        changed = true;
      }
      const tags = Array.isArray(p.tags) ? (p.tags as string[]) : [];
      const added = change.proposedTags.filter((t) => !tags.includes(t));
      if (added.length) {
        p.tags = [...tags, ...added];
        changed = true;
      }
    }
  }
  if (!changed) return undefined;
  return catalog.apply(parseSources([{ name: `scan of ${ref}`, content: JSON.stringify(next) }]));
}
