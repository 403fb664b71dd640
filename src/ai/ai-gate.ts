/**
 * The AI-use gate: "may X use dataset D for use U (and purpose P)?". Every check of the dataset's
 * AI section, its quality record and the requesting application is evaluated, every failing one is
 * a reason with what would change the answer, and every answer is recorded and audited. An unknown
 * dataset, use, purpose or application is bad input, never an allow.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEntry, chain } from '../audit/audit-chain.js';
import { digestOf } from '../audit/digest.js';
import type { Catalog } from '../catalog/catalog.js';
import type { AssetListItem, InputGateTurn, InputGateView } from '../catalog/catalog-api.js';
import { InputError, NotAllowedError, NotFoundError } from '../model/errors.js';
import type { CharterDoc } from '../model/kinds/charter-kind.js';
import { tryParseRef } from '../model/ref.js';
import type { AiDecisionRow, AiStore } from '../store/ai-store.js';
import type { AssetWithDoc, AuditRecord } from '../store/catalog-store.js';
import type { Incident, QualityStore, RunSummary } from '../store/quality-store.js';
import { type AiSection, findAiSection } from './ai-section.js';
import { domainSubtree } from './readiness.js';
import {
  AI_USES,
  DIRECT_IDENTIFIERS,
  DPV_PURPOSES,
  durationMs,
  INGESTING_USES,
  PERSONAL_LEVELS,
  TRAINING_USES,
} from './vocabulary.js';

export interface DecisionRequest {
  dataset: string;
  use: string;
  /** The model or AI application asking (`model:…` or `app:…`). */
  for?: string;
  /** A DPV purpose the use serves. */
  purpose?: string;
}

export type CheckCode =
  | 'ai-section'
  | 'dataset-status'
  | 'use-permitted'
  | 'legal-basis'
  | 'purpose'
  | 'identifiers-protected'
  | 'licence'
  | 'rag-freshness'
  | 'quality'
  | 'incident'
  | 'clearance'
  | 'approval';

export interface DecisionReason {
  check: CheckCode;
  message: string;
  /** Where in the contract the fact lives, when it is one. */
  path?: string;
  /** What would change this reason. */
  fix: string;
}

export interface DecisionCheck {
  check: CheckCode;
  status: 'pass' | 'fail' | 'not-applicable';
  detail?: string;
}

export interface AiDecision {
  id: string;
  time: string;
  actor: string;
  dataset: string;
  datasetVersion: number;
  use: string;
  for: string | null;
  purpose: string | null;
  decision: 'allow' | 'deny';
  /** Every failing check (empty when allowed). */
  reasons: DecisionReason[];
  /** Every check evaluated, passing or not. */
  checks: DecisionCheck[];
  /** What would change the answer: the fixes of the reasons, in order. */
  wouldChange: string[];
  auditSeq: number;
}

/** The gate's answer for one input link of an AI system: its reasons (none: allowed). */
export interface InputAssessment {
  /** The link's index in `spec.inputs`. */
  index: number;
  dataset: string;
  use: string;
  reasons: DecisionReason[];
}

/** A model or application with the gate's answer now for each of its declared inputs. */
export interface AiSystemRow {
  ref: string;
  kind: string;
  title: string;
  domain: string | null;
  stage: string | null;
  owners: string[];
  stewards: string[];
  inputs: {
    index: number;
    dataset: string;
    use: string;
    decision: 'allow' | 'deny' | 'restricted';
    /** The failing checks (none when allowed or restricted). */
    checks: string[];
    /** Since when, and by whose change, it has this answer (see `sinceOf`); never when restricted. */
    since?: InputGateTurn;
  }[];
  /** How many inputs the gate refuses. */
  refused: number;
}

/** An input link of an AI system whose answer from the gate a change turned around. */
export interface GateFlip {
  system: string;
  systemVersion: number;
  stage: string | null;
  /** The link's index in `spec.inputs`. */
  index: number;
  dataset: string;
  /** The dataset's live version (null for a change not yet stored). */
  datasetVersion: number | null;
  datasetDomain: string | null;
  use: string;
  /** The answer now. */
  decision: 'allow' | 'deny';
  /** Refused now: why. Allowed again: why it had been refused. */
  reasons: DecisionReason[];
}

/** The audit actions of a change that turned a system input's answer around. */
const INPUT_REFUSED = 'ai.input.refused';
const INPUT_ALLOWED = 'ai.input.allowed';

/** The newest turn-around record of each input link of a system (see `AiGate.turns`). */
type InputTurns = Map<number, { record: AuditRecord; dataset: string }>;

/**
 * Since when, and by whose change, input link `index` has its answer now: its newest turn-around
 * record, while that record names the same dataset and turned it to this answer.
 */
function sinceOf(
  turns: InputTurns,
  index: number,
  dataset: string,
  decision: 'allow' | 'deny',
): InputGateTurn | undefined {
  const turn = turns.get(index);
  if (turn?.dataset !== dataset || (turn.record.action === INPUT_REFUSED) !== (decision === 'deny'))
    return undefined;
  const { datasetVersion, qualityRun } = turn.record.details ?? {};
  return {
    time: turn.record.time,
    actor: turn.record.actor,
    auditSeq: turn.record.seq,
    datasetVersion: typeof datasetVersion === 'number' ? datasetVersion : null,
    ...(typeof qualityRun === 'string' ? { qualityRun } : {}),
  };
}

/** Systems read per page when a change is checked against their inputs. */
const SCAN_PAGE = 500;
/** Up to this many changed datasets, the systems using them are found through their relations. */
const FEW_DATASETS = 20;

export interface AiGateOptions {
  actor: string;
  now?: () => Date;
  /** How long a cached fact may live when no change of this process dropped it (ms, default 1000). */
  cacheTtlMs?: number;
}

/** Classification level names in the charter's order (lowest first). */
const DEFAULT_LEVELS = ['public', 'internal', 'confidential', 'restricted'];
/** What an application or model that declares no clearance may read. */
export const DEFAULT_CLEARANCE = 'internal';
export const CLEARANCE_KEY = 'x-charter-clearance';

/** The highest classification of a contract: its AI section's, else the highest of its fields. */
export function classificationOf(doc: Record<string, unknown>, ai: AiSection | undefined, levels: string[]) {
  if (typeof ai?.classification === 'string') return ai.classification;
  let best: string | undefined;
  for (const table of (Array.isArray(doc.schema) ? doc.schema : []) as Record<string, unknown>[]) {
    for (const p of (Array.isArray(table?.properties) ? table.properties : []) as Record<string, unknown>[]) {
      const c = p?.classification;
      if (typeof c === 'string' && (best === undefined || levels.indexOf(c) > levels.indexOf(best))) best = c;
    }
  }
  return best;
}

/**
 * Facts the gate reads on every decision (the charter, the dataset, its quality record, the
 * asking application), kept in memory between changes: any write of this process other than a
 * decision drops them (the store's change signal), and a fact is at most `ttlMs` old, so a change
 * made by another server on the same database is seen within that time.
 */
export class GateCache {
  private generation = 0;
  private readonly entries = new Map<string, { generation: number; at: number; value: unknown }>();

  constructor(readonly ttlMs = 1000) {}

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const now = performance.now();
    if (hit && hit.generation === this.generation && now - hit.at < this.ttlMs) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    // A change that landed while loading makes this value suspect: use it once, do not keep it.
    if (generation === this.generation) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(key, { generation, at: now, value });
    }
    return value;
  }
}

/** Decisions wait at most this many to a transaction. */
const MAX_BATCH = 256;

interface PendingDecision {
  entry: AuditEntry;
  row: Omit<AiDecisionRow, 'auditSeq'>;
}

/**
 * Writes decisions, each with its audit record. Decisions that arrive while a write is in flight
 * go into the next transaction together (group commit), in arrival order: a caller is answered
 * only once its decision and audit record are committed, and a transaction that fails fails every
 * decision in it — none is half-written.
 */
export class DecisionRecorder {
  private queue: {
    pending: PendingDecision;
    resolve: (seq: number) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly store: AiStore) {}

  record(pending: PendingDecision): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pending, resolve, reject });
      // Written after the requests this turn of the event loop brought in have joined the queue.
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const seqs = await this.store.write(async (writer) => {
            let head = await writer.auditHead();
            const records: AuditRecord[] = [];
            // Each record keeps its decision's own time; the chain follows arrival order.
            for (const { pending } of batch) {
              const [record] = chain(head, [pending.entry], pending.row.time);
              records.push(record!);
              head = { seq: record!.seq, hash: record!.hash };
            }
            await writer.appendAudit(records);
            for (const [i, { pending }] of batch.entries())
              await writer.insertDecision({ ...pending.row, auditSeq: records[i]!.seq });
            return records.map((r) => r.seq);
          });
          for (const [i, b] of batch.entries()) b.resolve(seqs[i]!);
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

interface DatasetFacts {
  asset: AssetWithDoc | undefined;
  latest: RunSummary | undefined;
  incident: Incident | undefined;
}

export class AiGate {
  private readonly cache: GateCache;
  private readonly recorder: DecisionRecorder;

  constructor(
    readonly catalog: Catalog,
    readonly quality: QualityStore,
    readonly store: AiStore,
    private readonly options: AiGateOptions,
    cache?: GateCache,
    recorder?: DecisionRecorder,
  ) {
    this.recorder = recorder ?? new DecisionRecorder(store);
    if (cache) this.cache = cache;
    else {
      const own = new GateCache(options.cacheTtlMs);
      store.onChange?.(() => own.invalidate());
      this.cache = own;
    }
  }

  /** The same gate for another caller (the server makes one per request with its guarded catalog). */
  as(catalog: Catalog, actor: string): AiGate {
    return new AiGate(
      catalog,
      this.quality,
      this.store,
      { ...this.options, actor },
      this.cache,
      this.recorder,
    );
  }

  private charter(): Promise<CharterDoc | undefined> {
    return this.cache.get('charter', async () => {
      const [row] = await this.catalog.store.scanAssets({ kind: 'Charter', limit: 1 });
      return row?.doc as CharterDoc | undefined;
    });
  }

  private facts(ref: string): Promise<DatasetFacts> {
    return this.cache.get(`dataset|${ref}`, async () => {
      const asset = await this.catalog.store.getAsset(ref);
      const [latest] = await this.quality.latestRuns([ref]);
      const [incident] = await this.quality.incidents({ ref, state: 'open', limit: 1 });
      return { asset, latest, incident };
    });
  }

  /** A live asset the caller may read; the catalog's own errors (not found, not allowed) otherwise. */
  private async readable(asset: AssetWithDoc | undefined, ref: string): Promise<AssetWithDoc> {
    if (asset?.state !== 'live') {
      await this.catalog.get(ref);
      throw new NotFoundError(`'${ref}' not found`);
    }
    this.catalog.guard?.requireRead({ ref: asset.ref, kind: asset.kind, domain: asset.domain });
    return asset;
  }

  /** Uses the gate knows: AI-METADATA §7.1 plus the charter's own. */
  static usesOf(charter: CharterDoc | undefined): string[] {
    const own = (charter?.spec.aiUses ?? []).map((u) => u.name);
    return [...new Set([...AI_USES, ...own])];
  }

  async decide(request: DecisionRequest): Promise<AiDecision> {
    const ref = tryParseRef(request.dataset ?? '');
    if (ref?.kind !== 'dataset') {
      throw new InputError(`'${request.dataset}' is not a dataset ref; expected dataset:DOMAIN/NAME`, {
        path: 'dataset',
      });
    }
    const charter = await this.charter();
    const uses = AiGate.usesOf(charter);
    if (!request.use || !uses.includes(request.use)) {
      throw new InputError(`AI use '${request.use ?? ''}' is not known; expected one of ${uses.join(', ')}`, {
        path: 'use',
        allowed: uses,
      });
    }
    if (request.purpose !== undefined && !(DPV_PURPOSES as readonly string[]).includes(request.purpose)) {
      throw new InputError(
        `Purpose '${request.purpose}' is not a known DPV purpose; expected one of ${DPV_PURPOSES.join(', ')}`,
        { path: 'purpose', allowed: [...DPV_PURPOSES] },
      );
    }
    let subjectDoc: Record<string, unknown> | undefined;
    if (request.for !== undefined) {
      const s = tryParseRef(request.for);
      if (!s || (s.kind !== 'model' && s.kind !== 'app')) {
        throw new InputError(`'for' must be a model:… or app:… ref (got '${request.for}')`, { path: 'for' });
      }
      const subject = request.for;
      const row = await this.cache.get(`subject|${subject}`, () => this.catalog.store.getAsset(subject));
      subjectDoc = (await this.readable(row, subject)).doc;
    }
    // NotFound for an unknown dataset and NotAllowed for one the caller may not read.
    const facts = await this.facts(request.dataset);
    const asset = await this.readable(facts.asset, request.dataset);
    const now = (this.options.now ?? (() => new Date()))();
    const { reasons, checks } = judge(request, asset.doc, facts, charter, subjectDoc, now);
    const decision: 'allow' | 'deny' = reasons.length ? 'deny' : 'allow';
    const time = now.toISOString();
    const id = randomUUID();
    const body = {
      id,
      time,
      actor: this.options.actor,
      dataset: request.dataset,
      datasetVersion: asset.version,
      use: request.use,
      for: request.for ?? null,
      purpose: request.purpose ?? null,
      decision,
      reasons,
      checks,
      wouldChange: reasons.map((r) => r.fix),
    };
    const auditSeq = await this.recorder.record({
      entry: {
        actor: this.options.actor,
        action: `ai.${decision}`,
        ref: request.dataset,
        version: asset.version,
        afterDigest: digestOf(body),
        details: {
          decision: id,
          use: request.use,
          for: request.for ?? null,
          purpose: request.purpose ?? null,
          reasons: reasons.map((r) => r.check),
        },
      },
      row: {
        id,
        time,
        actor: this.options.actor,
        dataset: request.dataset,
        datasetVersion: asset.version,
        use: request.use,
        subject: request.for ?? null,
        purpose: request.purpose ?? null,
        decision,
        body,
      },
    });
    return { ...body, auditSeq };
  }

  /**
   * The gate's answer for each dataset an AI system declares as an input (each link but `output`,
   * its role taken as the use; no reason: allowed), as admission and `describe` ask it: for the system's document being applied,
   * each dataset as live or as applied in the same change (`pending`), recorded nowhere, read
   * without the caller's guard (admission says what it may show). A dataset that is not live is
   * left to the relation check.
   */
  async assessInputs(
    system: { ref: string; doc: Record<string, unknown> },
    pending: ReadonlyMap<string, { doc: Record<string, unknown> }> = new Map(),
  ): Promise<InputAssessment[]> {
    const inputs = ((system.doc.spec as { inputs?: unknown } | undefined)?.inputs ?? []) as {
      dataset?: unknown;
      role?: unknown;
    }[];
    if (!Array.isArray(inputs) || !inputs.length) return [];
    const charter = await this.charter();
    const uses = AiGate.usesOf(charter);
    const now = (this.options.now ?? (() => new Date()))();
    const out: InputAssessment[] = [];
    for (const [index, link] of inputs.entries()) {
      const { dataset, role } = link ?? {};
      if (typeof dataset !== 'string' || typeof role !== 'string' || !uses.includes(role)) continue;
      const facts = await this.facts(dataset);
      const doc = pending.get(dataset)?.doc ?? (facts.asset?.state === 'live' ? facts.asset.doc : undefined);
      if (!doc) continue;
      const request = { dataset, use: role, for: system.ref };
      const { reasons } = judge(request, doc, facts, charter, system.doc, now);
      out.push({ index, dataset, use: role, reasons });
    }
    return out;
  }

  /**
   * A change to datasets or to the charter: every declared input link of an AI system whose answer
   * it turns around (allowed before, refused after, or the other way), judged before and after with
   * the same system document. Once a change of documents is stored, before is the dataset's (the
   * charter's) version before the live one and after the live one; with `pending` (the documents of
   * a change being admitted, by ref), before is the live version and after the pending document; with
   * `qualityBefore` (a quality run was stored), the documents are the live ones on both sides and
   * before are the dataset's quality facts given (its newest run and open incident then). Left out:
   * a dataset new in the change (no answer before), a system changed in the same change (its own
   * apply is judged and advised), and what the gate does not judge (an `output` link, a dataset
   * that is not live).
   */
  async flips(
    changed: readonly { ref: string; kind: string }[],
    sides: {
      pending?: ReadonlyMap<string, { kind: string; doc: Record<string, unknown> }>;
      qualityBefore?: Pick<DatasetFacts, 'latest' | 'incident'>;
    } = {},
  ): Promise<GateFlip[]> {
    const { pending, qualityBefore } = sides;
    const datasets = new Set(changed.filter((c) => c.kind === 'DataContract').map((c) => c.ref));
    const charterRef = changed.find((c) => c.kind === 'Charter')?.ref;
    if (!datasets.size && !charterRef) return [];
    const systemsChanged = new Set(
      changed.filter((c) => c.kind === 'Model' || c.kind === 'AiApplication').map((c) => c.ref),
    );
    const live = await this.charter();
    const [charterBefore, charterAfter] = !charterRef
      ? [live, live]
      : pending
        ? [live, pending.get(charterRef)?.doc as CharterDoc | undefined]
        : [(await this.previousDoc(charterRef)) as CharterDoc | undefined, live];
    const usesBefore = AiGate.usesOf(charterBefore);
    const usesAfter = AiGate.usesOf(charterAfter);
    const earlier = new Map<string, Record<string, unknown> | undefined>();
    const now = (this.options.now ?? (() => new Date()))();
    const out: GateFlip[] = [];
    for (const system of await this.systemsUsing(charterRef ? undefined : datasets)) {
      const inputs = (system.doc.spec as { inputs?: unknown } | undefined)?.inputs;
      if (!Array.isArray(inputs) || systemsChanged.has(system.ref)) continue;
      for (const [index, link] of (inputs as { dataset?: unknown; role?: unknown }[]).entries()) {
        const { dataset, role } = link ?? {};
        if (typeof dataset !== 'string' || typeof role !== 'string') continue;
        if (!charterRef && !datasets.has(dataset)) continue;
        if (!usesBefore.includes(role) || !usesAfter.includes(role)) continue;
        const facts = await this.facts(dataset);
        if (facts.asset?.state !== 'live') continue;
        let before: Record<string, unknown> | undefined = facts.asset.doc;
        let after: Record<string, unknown> | undefined = facts.asset.doc;
        if (datasets.has(dataset) && pending) after = pending.get(dataset)?.doc;
        else if (datasets.has(dataset) && !qualityBefore) {
          if (!earlier.has(dataset)) earlier.set(dataset, await this.previousDoc(dataset));
          before = earlier.get(dataset);
        }
        if (!before || !after) continue;
        const factsBefore = qualityBefore && datasets.has(dataset) ? qualityBefore : facts;
        const request = { dataset, use: role, for: system.ref };
        const was = judge(request, before, factsBefore, charterBefore, system.doc, now).reasons;
        const is = judge(request, after, facts, charterAfter, system.doc, now).reasons;
        if (!was.length === !is.length) continue;
        const spec = system.doc.spec as { stage?: unknown };
        out.push({
          system: system.ref,
          systemVersion: system.version,
          stage: typeof spec.stage === 'string' ? spec.stage : null,
          index,
          dataset,
          datasetVersion: pending ? null : facts.asset.version,
          datasetDomain: facts.asset.domain,
          use: role,
          decision: is.length ? 'deny' : 'allow',
          reasons: is.length ? is : was,
        });
      }
    }
    return out;
  }

  /**
   * The live models and applications that declare one of these datasets (through their relations,
   * for a few), or all of them (no datasets given, or many).
   */
  private async systemsUsing(datasets?: ReadonlySet<string>): Promise<AssetWithDoc[]> {
    const store = this.catalog.store;
    if (datasets && datasets.size <= FEW_DATASETS) {
      const refs = new Set<string>();
      for (const dataset of datasets)
        for (const r of await store.relationsTo(dataset)) if (r.type === 'usesData') refs.add(r.source);
      return (await store.getAssets([...refs])).filter((a) => a.state === 'live');
    }
    const out: AssetWithDoc[] = [];
    for (const kind of ['Model', 'AiApplication'])
      for (let offset = 0; ; offset += SCAN_PAGE) {
        const page = await store.scanAssets({ kind, limit: SCAN_PAGE, offset });
        out.push(...page);
        if (page.length < SCAN_PAGE) break;
      }
    return out;
  }

  /**
   * Records the flips a change made (see `flips`): an `ai.input.refused` or `ai.input.allowed` audit
   * record per link, on the system, naming the dataset's domain too, so that the webhooks of both
   * domains hear of it. `actor` is whoever made the change; `run`, the quality run that made it.
   */
  async recordFlips(
    changed: readonly { ref: string; kind: string }[],
    actor: string,
    quality?: { run: string; before: Pick<DatasetFacts, 'latest' | 'incident'> },
  ): Promise<GateFlip[]> {
    const flips = await this.flips(changed, quality ? { qualityBefore: quality.before } : {});
    if (!flips.length) return flips;
    const time = (this.options.now ?? (() => new Date()))().toISOString();
    const entries: AuditEntry[] = flips.map((f) => ({
      actor,
      action: f.decision === 'deny' ? INPUT_REFUSED : INPUT_ALLOWED,
      ref: f.system,
      version: f.systemVersion,
      details: {
        input: f.index,
        dataset: f.dataset,
        datasetVersion: f.datasetVersion,
        use: f.use,
        stage: f.stage,
        checks: f.reasons.map((r) => r.check),
        ...(f.decision === 'deny' ? { wouldChange: f.reasons.map((r) => r.fix) } : {}),
        ...(quality ? { qualityRun: quality.run } : {}),
        ...(f.datasetDomain ? { domains: [f.datasetDomain] } : {}),
      },
    }));
    await this.store.write(async (writer) =>
      writer.appendAudit(chain(await writer.auditHead(), entries, time)),
    );
    return flips;
  }

  /**
   * The gate's answer now for each input link of a system, as a caller sees it: `restricted`
   * (nothing more) for a dataset they may not read, else the answer with its reasons and, when a
   * change turned it around since the system was applied, since when (see `sinceOf`).
   */
  async inputsSeen(
    system: { ref: string; doc: Record<string, unknown> },
    mayRead: (dataset: string) => boolean,
  ): Promise<InputGateView[]> {
    const assessed = await this.assessInputs(system);
    if (!assessed.length) return [];
    const turns = await this.turns(system.ref);
    return assessed.map(({ index, dataset, use, reasons }): InputGateView => {
      if (!mayRead(dataset)) return { index, dataset, use, decision: 'restricted', reasons: [] };
      const decision = reasons.length ? 'deny' : 'allow';
      const since = sinceOf(turns, index, dataset, decision);
      return {
        index,
        dataset,
        use,
        decision,
        reasons: reasons.map(({ check, message, fix }) => ({ check, message, fix })),
        ...(since ? { since } : {}),
      };
    });
  }

  /**
   * For each input link of a system (by index), the newest record of a change that turned its
   * answer around (see `recordFlips`), with the dataset it named then.
   */
  private async turns(system: string): Promise<InputTurns> {
    const records = await this.catalog.store.auditRecords({
      ref: system,
      actions: [INPUT_REFUSED, INPUT_ALLOWED],
      newestFirst: true,
      limit: 500,
    });
    const out: InputTurns = new Map();
    for (const record of records) {
      const { input, dataset } = record.details ?? {};
      if (typeof input === 'number' && typeof dataset === 'string' && !out.has(input))
        out.set(input, { record, dataset });
    }
    return out;
  }

  /** The document of an asset's version before its live one (undefined when it has none). */
  private async previousDoc(ref: string): Promise<Record<string, unknown> | undefined> {
    const live = (await this.catalog.store.getAsset(ref))?.version;
    if (live === undefined) return undefined;
    const earlier = (await this.catalog.store.versions(ref))
      .filter((v) => v.version < live && (v.state === 'live' || v.state === 'superseded'))
      .at(-1);
    if (!earlier) return undefined;
    return (await this.catalog.store.version(ref, earlier.version))?.doc ?? undefined;
  }

  /**
   * The AI systems (models and applications) the caller may read, each with the gate's answer now
   * for every dataset it declares as an input: the inventory the data office watches. A link to a
   * dataset the caller may not read is `restricted`, without its checks.
   */
  async systems(options: { domain?: string } = {}): Promise<AiSystemRow[]> {
    // A domain's systems are those of its sub-domains too (its checked name first: unknown is a 404).
    const first = options.domain?.replace(/^domain:/, '');
    const domains: (string | undefined)[] = first ? [first] : [undefined];
    if (first) {
      await this.catalog.checkFilters([{ name: 'domain', value: first, names: 'domain' }]);
      domains.push(...(await domainSubtree(this.catalog.store, first)).slice(1));
    }
    const listed: AssetListItem[] = [];
    for (const domain of domains)
      for (const kind of ['Model', 'AiApplication'])
        listed.push(...(await this.catalog.list(kind, { ...(domain ? { domain } : {}), limit: 10_000 })));
    const docs = new Map(
      (await this.catalog.store.getAssets(listed.map((a) => a.ref))).map((a) => [a.ref, a.doc]),
    );
    const rows: AiSystemRow[] = [];
    for (const a of listed) {
      const doc = docs.get(a.ref);
      if (!doc) continue;
      const inputs = (await this.inputsSeen({ ref: a.ref, doc }, (d) => this.catalog.mayRead(d))).map(
        ({ reasons, ...input }) => ({ ...input, checks: reasons.map((r) => r.check) }),
      );
      const spec = (doc.spec ?? {}) as { stage?: unknown };
      rows.push({
        ref: a.ref,
        kind: a.kind,
        title: a.title,
        domain: a.domain,
        stage: typeof spec.stage === 'string' ? spec.stage : null,
        owners: a.owners,
        stewards: a.stewards,
        inputs,
        refused: inputs.filter((i) => i.decision === 'deny').length,
      });
    }
    return rows.sort((x, y) => y.refused - x.refused || x.ref.localeCompare(y.ref));
  }

  /** Recorded decisions, newest first; those about datasets the caller may not read are left out. */
  async decisions(filter: { dataset?: string; limit?: number } = {}): Promise<AiDecision[]> {
    await this.catalog.checkFilters([{ name: 'dataset', value: filter.dataset, names: ['dataset'] }]);
    const rows = await this.store.decisions({
      ...(filter.dataset ? { dataset: filter.dataset } : {}),
      limit: filter.limit ?? 100,
    });
    const out: AiDecision[] = [];
    for (const row of rows) {
      if (!filter.dataset && !(await this.mayRead(row.dataset))) continue;
      out.push(toDecision(row));
    }
    return out;
  }

  private async mayRead(ref: string): Promise<boolean> {
    try {
      await this.catalog.get(ref);
      return true;
    } catch (error) {
      // A deleted dataset's decisions stay visible; only a refused read hides them.
      return !(error instanceof NotAllowedError);
    }
  }
}

/**
 * Every check of the gate for one request, over the dataset's document and quality facts, the
 * charter and the asking system's document (when named): the failing ones as reasons. Reads and
 * records nothing.
 */
function judge(
  request: DecisionRequest,
  doc: Record<string, unknown>,
  facts: Pick<DatasetFacts, 'latest' | 'incident'>,
  charter: CharterDoc | undefined,
  subjectDoc: Record<string, unknown> | undefined,
  now: Date,
): { reasons: DecisionReason[]; checks: DecisionCheck[] } {
  const { latest, incident } = facts;
  const levels = charter?.spec.classificationLevels.map((l) => l.name) ?? DEFAULT_LEVELS;
  const found = findAiSection(doc);
  const ai = found?.value;
  const at = (path: string) => `customProperties[${found?.index ?? 0}].value.${path}`;
  const checks: DecisionCheck[] = [];
  const reasons: DecisionReason[] = [];
  const pass = (check: CheckCode, detail?: string) =>
    checks.push({ check, status: 'pass', ...(detail ? { detail } : {}) });
  const na = (check: CheckCode, detail?: string) =>
    checks.push({ check, status: 'not-applicable', ...(detail ? { detail } : {}) });
  const fail = (reason: DecisionReason) => {
    checks.push({ check: reason.check, status: 'fail' });
    reasons.push(reason);
  };
  const use = request.use;

  // The AI section: a contract without one is not offered for any AI use.
  if (!ai) {
    fail({
      check: 'ai-section',
      message: `${request.dataset} has no AI section, so it is not offered for any AI use`,
      path: 'customProperties',
      fix: `Add a customProperties entry {property: x-charter-ai, value: {uses: {permitted: [${use}]}, …}} (AI-METADATA §7.1)`,
    });
  } else pass('ai-section');

  const status = typeof doc.status === 'string' ? doc.status : undefined;
  if (status === 'retired') {
    fail({
      check: 'dataset-status',
      message: `${request.dataset} is retired`,
      path: 'status',
      fix: 'Use its successor, or return the contract to active',
    });
  } else pass('dataset-status', status);

  if (ai) {
    const permitted = ai.uses?.permitted ?? [];
    const outOfScope = ai.uses?.outOfScope ?? [];
    if (outOfScope.includes(use)) {
      fail({
        check: 'use-permitted',
        message: `${request.dataset} declares '${use}' out of scope`,
        path: at('uses.outOfScope'),
        fix: `The owner removes '${use}' from uses.outOfScope and adds it to uses.permitted`,
      });
    } else if (!permitted.includes(use)) {
      fail({
        check: 'use-permitted',
        message: `${request.dataset} does not permit '${use}' (permitted: ${permitted.join(', ') || 'none'})`,
        path: at('uses.permitted'),
        fix: `The owner adds '${use}' to uses.permitted`,
      });
    } else pass('use-permitted');

    const level = ai.personalData?.level;
    const personal = level === undefined ? false : PERSONAL_LEVELS.has(level);
    if (!personal) {
      na('legal-basis', `personal data: ${level ?? 'not declared'}`);
    } else {
      const legal = ai.legal ?? {};
      const missing: string[] = [];
      if (!legal.legalBasis) missing.push('legalBasis');
      if (!legal.purposes?.length) missing.push('purposes');
      if (!legal.ropaRef) missing.push('ropaRef');
      if (level === 'special_category' && !legal.specialCategoryCondition)
        missing.push('specialCategoryCondition');
      if (missing.length) {
        fail({
          check: 'legal-basis',
          message: `${request.dataset} holds ${level} data without ${missing.map((m) => `legal.${m}`).join(', ')}`,
          path: at(`legal.${missing[0]}`),
          fix: `Record the GDPR legal basis (eu-gdpr:A6-1-a … f), DPV purposes and the RoPA reference in legal`,
        });
      } else pass('legal-basis', legal.legalBasis);
    }
    if (request.purpose === undefined) na('purpose', 'no purpose given');
    else if (!personal) na('purpose', 'no personal data');
    else if (!(ai.legal?.purposes ?? []).includes(request.purpose)) {
      fail({
        check: 'purpose',
        message: `Purpose '${request.purpose}' is not among the purposes the personal data in ${request.dataset} was collected for (${(ai.legal?.purposes ?? []).join(', ') || 'none'})`,
        path: at('legal.purposes'),
        fix: `Record a compatibility assessment and add '${request.purpose}' to legal.purposes, or use the data for a recorded purpose`,
      });
    } else pass('purpose', request.purpose);

    const identifiers = new Set<string>(DIRECT_IDENTIFIERS);
    const clear = (ai.personalData?.fields ?? []).filter(
      (f) => f.category && identifiers.has(f.category) && (f.protection ?? 'none') === 'none',
    );
    if (!INGESTING_USES.has(use) && use !== 'prompt_context') na('identifiers-protected');
    else if (clear.length) {
      fail({
        check: 'identifiers-protected',
        message: `${request.dataset} has identifier fields in the clear: ${clear.map((f) => f.path).join(', ')}`,
        path: at('personalData.fields'),
        fix: `Mask, tokenise, pseudonymise or drop ${clear.map((f) => f.path).join(', ')} and record the protection`,
      });
    } else pass('identifiers-protected');

    if (!TRAINING_USES.has(use)) na('licence');
    else if (!ai.rights?.license || ai.rights.aiTrainingPermitted !== true) {
      fail({
        check: 'licence',
        message: ai.rights?.license
          ? `The licence of ${request.dataset} (${ai.rights.license}) does not permit AI training`
          : `${request.dataset} declares no licence`,
        path: at(ai.rights?.license ? 'rights.aiTrainingPermitted' : 'rights.license'),
        fix: 'After a licence review, set rights.license and rights.aiTrainingPermitted: true',
      });
    } else pass('licence', ai.rights.license);

    if (use !== 'rag_retrieval') na('rag-freshness');
    else {
      const sla = ai.currency?.freshnessSla;
      const slaMs = sla ? durationMs(sla) : null;
      const last = ai.currency?.lastRefreshedAt ? Date.parse(ai.currency.lastRefreshedAt) : Number.NaN;
      if (slaMs === null) {
        fail({
          check: 'rag-freshness',
          message: `${request.dataset} declares no freshness SLA for retrieval`,
          path: at('currency.freshnessSla'),
          fix: 'Declare currency.freshnessSla (an ISO 8601 duration) and currency.lastRefreshedAt',
        });
      } else if (Number.isNaN(last)) {
        fail({
          check: 'rag-freshness',
          message: `${request.dataset} does not say when it was last refreshed`,
          path: at('currency.lastRefreshedAt'),
          fix: 'Record currency.lastRefreshedAt after each refresh',
        });
      } else if (now.getTime() - last > slaMs) {
        const hours = Math.round((now.getTime() - last) / 3_600_000);
        fail({
          check: 'rag-freshness',
          message: `${request.dataset} is stale: last refreshed ${hours} h ago, beyond its freshness SLA ${sla}`,
          path: at('currency.lastRefreshedAt'),
          fix: `Refresh the corpus and update currency.lastRefreshedAt (within ${sla})`,
        });
      } else pass('rag-freshness', sla);
    }

    const approvals = (ai.approvals ?? []).filter((a) => a.scope === use);
    const rejected = approvals.find((a) => a.status === 'rejected');
    const expired = approvals.find(
      (a) => a.status === 'approved' && a.expiresAt && Date.parse(a.expiresAt) < now.getTime(),
    );
    if (rejected) {
      fail({
        check: 'approval',
        message: `The '${use}' use of ${request.dataset} was rejected${rejected.by ? ` by ${rejected.by}` : ''}`,
        path: at('approvals'),
        fix: `Obtain a new approval for '${use}'`,
      });
    } else if (expired && !approvals.some((a) => a.status === 'approved' && !a.expiresAt)) {
      fail({
        check: 'approval',
        message: `The approval of '${use}' for ${request.dataset} expired on ${expired.expiresAt}`,
        path: at('approvals'),
        fix: `Renew the approval for '${use}'`,
      });
    } else if (approvals.some((a) => a.status === 'approved')) pass('approval');
    else na('approval', 'none recorded');
  }

  if (!latest) na('quality', 'never checked');
  else if (latest.status === 'failed' || latest.status === 'error') {
    fail({
      check: 'quality',
      message: `The latest quality run of ${request.dataset} ${latest.status === 'error' ? 'could not complete' : 'failed'} (score ${latest.score ?? 'n/a'})`,
      fix: `Fix the failing checks and run \`charter check ${request.dataset}\``,
    });
  } else pass('quality', `score ${latest.score ?? 'n/a'}`);

  if (incident) {
    fail({
      check: 'incident',
      message: `${request.dataset} has an open quality incident: ${incident.title}`,
      fix: `Resolve incident ${incident.id} (assigned to ${incident.assignees.join(', ') || 'nobody'})`,
    });
  } else pass('incident');

  if (!subjectDoc || !request.for) na('clearance', 'no application named');
  else {
    const spec = (subjectDoc.spec ?? {}) as Record<string, unknown>;
    const declared = typeof spec[CLEARANCE_KEY] === 'string' ? (spec[CLEARANCE_KEY] as string) : undefined;
    const clearance = declared ?? DEFAULT_CLEARANCE;
    const classification = classificationOf(doc, ai, levels);
    const rank = (l: string | undefined) => (l === undefined ? -1 : levels.indexOf(l));
    if (classification !== undefined && rank(classification) > rank(clearance)) {
      fail({
        check: 'clearance',
        message: `${request.dataset} is ${classification}, above what ${request.for} is cleared for (${clearance}${declared ? '' : ', the default'})`,
        fix: `Clear ${request.for} for ${classification} (spec.${CLEARANCE_KEY}) or use a less sensitive dataset`,
      });
    } else pass('clearance', `${classification ?? 'unclassified'} ≤ ${clearance}`);
  }
  return { reasons, checks };
}

function toDecision(row: AiDecisionRow): AiDecision {
  return { ...(row.body as unknown as Omit<AiDecision, 'auditSeq'>), auditSeq: row.auditSeq };
}
