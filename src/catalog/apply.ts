/**
 * The apply pipeline: parse → validate → identify → resolve refs → persist as new immutable
 * versions → audit. Every step returns per-document results; one apply is one transaction, so
 * either every document in it is stored or none is.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEntry, appendEntries } from '../audit/audit-chain.js';
import { digestOf } from '../audit/digest.js';
import { ConflictError } from '../model/errors.js';
import { type CharterDoc, charterKind, REQUIRED_OWNERSHIP_TYPES } from '../model/kinds/charter-kind.js';
import { kindOf, kinds } from '../model/kinds/index.js';
import type { KindContext, KindDefinition, Relation } from '../model/kinds/kind.js';
import { formatRef, tryParseRef } from '../model/ref.js';
import type { ValidationIssue } from '../model/validation.js';
import type { Admission, AdmissionDecision, Violation } from '../model/violation.js';
import type {
  ApprovalRow,
  AssetWithDoc,
  AssetWrite,
  CatalogStore,
  CatalogWriter,
} from '../store/catalog-store.js';
import type { GuardTarget } from './access-guard.js';
import type { ParseProblem, SourceDoc } from './parse.js';
import type { AdmissionBatch, AdmissionSubject, CatalogPlugin } from './plugin.js';

export type ApplyStatus = 'created' | 'updated' | 'unchanged' | 'invalid' | 'skipped' | 'denied' | 'pending';

export interface DocumentResult {
  source: string;
  index: number;
  line?: number;
  kind?: string;
  ref?: string;
  status: ApplyStatus;
  version?: number;
  issues: ValidationIssue[];
  warnings: ValidationIssue[];
  /** What admission decided for a change (absent for unchanged or invalid documents). */
  admission?: AdmissionDecision;
  /** Policy violations found by admission, waived ones included and marked. */
  violations?: Violation[];
}

export interface ApplyResult {
  /** True when the apply was stored (or, in a dry run, would be). */
  applied: boolean;
  dryRun: boolean;
  results: DocumentResult[];
  summary: Record<ApplyStatus, number>;
}

export interface ApplyOptions {
  actor: string;
  dryRun?: boolean;
  /** Domain for ODCS/ODPS documents that name none. */
  defaultDomain?: string;
  /** Optimistic concurrency: ref → the version it must be at (0: must not exist). */
  expectedVersions?: Record<string, number>;
  /** Time of the change (defaults to now). */
  time?: string;
  /** Progress of a long apply, by stage (`checking documents`, `storing`). */
  onProgress?: (done: number, total: number, stage?: string) => void;
  plugins?: readonly CatalogPlugin[];
  /** Access control: throws NotAllowedError when the caller may not write one of the assets. */
  authorize?: (targets: GuardTarget[]) => void;
  /** Access control: whether the caller may read what a ref names (what admission may tell them). */
  mayRead?: (ref: string) => boolean;
}

interface Candidate {
  result: DocumentResult;
  def: KindDefinition<any>;
  doc: Record<string, unknown>;
  ref: string;
  domain: string | null;
  name: string;
  uid: string | null;
  digest: string;
  relations: Relation[];
}

const relationNoun: Record<string, string> = {
  inDomain: 'Domain',
  childOf: 'Parent domain',
  ownedBy: 'Owner',
  stewardedBy: 'Steward',
  hasRole: 'Role holder',
  hasMember: 'Member',
  usesTerm: 'Glossary term',
  relatedTo: 'Related term',
  exposes: 'Contract',
  consumes: 'Contract',
};

const relationExpectation: Record<string, string> = {
  ownedBy: '; an owner must be a user or a team',
  stewardedBy: '; a steward must be a user or a team',
  hasRole: '; a role holder must be a user or a team',
  hasMember: '; a team member must be a user',
  inDomain: '; apply the Domain first or in the same apply',
  childOf: '; apply the parent Domain first or in the same apply',
};

/** Relation types that keep their target from being deleted. */
const binding = new Set([
  'inDomain',
  'childOf',
  'ownedBy',
  'stewardedBy',
  'hasRole',
  'hasMember',
  'usesTerm',
  'relatedTo',
]);

function emptySummary(): Record<ApplyStatus, number> {
  return { created: 0, updated: 0, unchanged: 0, pending: 0, denied: 0, invalid: 0, skipped: 0 };
}

function summarise(results: DocumentResult[]): Record<ApplyStatus, number> {
  const summary = emptySummary();
  for (const r of results) summary[r.status] += 1;
  return summary;
}

function baseResult(doc: SourceDoc): DocumentResult {
  const r: DocumentResult = {
    source: doc.source,
    index: doc.index,
    status: 'invalid',
    issues: [],
    warnings: [],
  };
  if (doc.line !== undefined) r.line = doc.line;
  return r;
}

export function problemResult(problem: ParseProblem): DocumentResult {
  const r: DocumentResult = {
    source: problem.source,
    index: problem.index,
    status: 'invalid',
    issues: [{ path: '', message: problem.message }],
    warnings: [],
  };
  if (problem.line !== undefined) r.line = problem.line;
  return r;
}

const knownKinds = kinds.map((k) => k.kind).join(', ');

function withDefaultDomain(doc: Record<string, unknown>, def: KindDefinition, domain: string | undefined) {
  if (!domain || def.domainScoped === 'never') return doc;
  if (def.refKind === 'dataset' || def.refKind === 'product') {
    return doc.domain ? doc : { ...doc, domain };
  }
  const metadata = doc.metadata as Record<string, unknown> | undefined;
  if (def.domainScoped === 'required' && metadata && typeof metadata === 'object' && !metadata.domain) {
    return { ...doc, metadata: { ...metadata, domain } };
  }
  return doc;
}

/**
 * Where the first NUL character sits in a document (a key or a text value), if any. JSON and YAML
 * escapes (`\u0000`, `\0`) reach past the parser's check; PostgreSQL cannot store them in text.
 */
function nulPath(doc: unknown): string | undefined {
  const at = nulAt(doc);
  return at?.reduce<string>(
    (path, step) => (typeof step === 'number' ? `${path}[${step}]` : path ? `${path}.${step}` : step),
    '',
  );
}

/** The steps to the first NUL; built on the way back from one, so a clean document costs one walk. */
function nulAt(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i]);
      if (found) return [i, ...found];
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000')) return [key];
    const found = nulAt((value as Record<string, unknown>)[key]);
    if (found) return [key, ...found];
  }
  return undefined;
}

/** Validates one document and works out its identity; fills `result` with what is wrong. */
function prepare(source: SourceDoc, ctx: KindContext, options: ApplyOptions): Candidate | DocumentResult {
  const result = baseResult(source);
  const raw = source.doc;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    result.issues.push({ path: '', message: `must be a mapping with a kind; expected one of ${knownKinds}` });
    return result;
  }
  const kindName = (raw as Record<string, unknown>).kind;
  const def = typeof kindName === 'string' ? kindOf(kindName) : undefined;
  if (!def) {
    result.issues.push({
      path: 'kind',
      message:
        kindName === undefined
          ? `is required; expected one of ${knownKinds}`
          : `${JSON.stringify(kindName)} is not a kind Charter knows; expected one of ${knownKinds}`,
    });
    return result;
  }
  result.kind = def.kind;
  const doc = withDefaultDomain(raw as Record<string, unknown>, def, options.defaultDomain);
  const issues = def.validate(doc);
  const nul = issues.length ? undefined : nulPath(doc);
  if (nul !== undefined)
    issues.push({ path: nul, message: 'contains a NUL character (\\u0000), which text may not contain' });
  if (issues.length) {
    result.issues.push(...issues);
    return result;
  }
  result.warnings.push(...(def.warnings?.(doc) ?? []));
  const normalized = def.normalize(doc) as Record<string, unknown>;
  const identity = def.identify(normalized);
  if (Array.isArray(identity)) {
    result.issues.push(...identity);
    return result;
  }
  const ref = formatRef({
    kind: def.refKind,
    name: identity.name,
    ...(identity.domain ? { domain: identity.domain } : {}),
  });
  result.ref = ref;
  for (const plugin of options.plugins ?? [])
    result.issues.push(...(plugin.validate?.(def.kind, normalized, ref) ?? []));
  if (result.issues.length) return result;
  const relations = def.relations(normalized, ctx);
  if (identity.domain) {
    const path = def.refKind === 'dataset' || def.refKind === 'product' ? 'domain' : 'metadata.domain';
    relations.unshift({ type: 'inDomain', target: `domain:${identity.domain}`, path });
  }
  for (const rel of relations) {
    if (!rel.target.startsWith('id:') && !tryParseRef(rel.target)) {
      result.issues.push({ path: rel.path, message: `'${rel.target}' is not a ref` });
    }
  }
  if (result.issues.length) return result;
  return {
    result,
    def,
    doc: normalized,
    ref,
    domain: identity.domain ?? null,
    name: identity.name,
    uid: identity.uid ?? null,
    digest: digestOf(normalized),
    relations,
  };
}

async function ownershipContext(
  store: CatalogStore,
  docs: readonly SourceDoc[],
): Promise<{ ctx: KindContext; charter?: CharterDoc }> {
  let charter: CharterDoc | undefined;
  for (const d of docs) {
    const doc = d.doc as Record<string, unknown> | null;
    if (doc && doc.kind === 'Charter' && charterKind.validate(doc).length === 0)
      charter = charterKind.normalize(doc);
  }
  if (!charter) {
    const [stored] = await store.scanAssets({ kind: 'Charter', limit: 1 });
    if (stored) charter = stored.doc as unknown as CharterDoc;
  }
  const types = charter?.spec.ownershipTypes?.map((t) => t.name) ?? [...REQUIRED_OWNERSHIP_TYPES];
  return charter ? { ctx: { ownershipTypes: types }, charter } : { ctx: { ownershipTypes: types } };
}

/** Checks every relation target exists (in this apply or the store) and domains do not loop. */
async function resolve(writer: CatalogWriter, candidates: Candidate[]): Promise<void> {
  const inBatch = new Map(candidates.map((c) => [c.ref, c]));
  const uidsInBatch = new Map(candidates.filter((c) => c.uid).map((c) => [c.uid!, c.ref]));
  const targets = new Set<string>();
  const uids = new Set<string>();
  for (const c of candidates) {
    for (const r of c.relations) {
      if (r.target.startsWith('id:')) uids.add(r.target.slice(3));
      else if (!inBatch.has(r.target)) targets.add(r.target);
    }
  }
  const existing = await writer.existing([...targets]);
  const byUid = await writer.findByUid([...uids].filter((u) => !uidsInBatch.has(u)));
  for (const c of candidates) {
    const resolved: Relation[] = [];
    for (const r of c.relations) {
      let target = r.target;
      if (target.startsWith('id:')) {
        const uid = target.slice(3);
        const found = uidsInBatch.get(uid) ?? byUid.get(uid);
        if (!found) {
          if (r.optional) {
            c.result.warnings.push({
              path: r.path,
              message: `no contract with id '${uid}' is in the catalog; the link is not recorded`,
            });
          } else {
            const noun = relationNoun[r.type] ?? 'Reference';
            c.result.issues.push({
              path: r.path,
              message: `${noun} '${uid}' is not the e-mail of any user${relationExpectation[r.type] ?? ''}`,
            });
          }
          continue;
        }
        target = found;
      } else if (!inBatch.has(target) && !existing.has(target)) {
        const kind = tryParseRef(target)?.kind;
        const wrongKind =
          (r.type === 'ownedBy' || r.type === 'stewardedBy' || r.type === 'hasRole') &&
          kind !== 'user' &&
          kind !== 'team';
        const noun = relationNoun[r.type] ?? 'Reference';
        const issue = {
          path: r.path,
          message: wrongKind
            ? `${noun} '${target}' is not a user or a team${relationExpectation[r.type] ?? ''}`
            : `${noun} '${target}' does not exist${relationExpectation[r.type] ?? ''}`,
        };
        if (r.optional) c.result.warnings.push(issue);
        else c.result.issues.push(issue);
        continue;
      }
      resolved.push({ ...r, target });
    }
    c.relations = resolved;
  }
  await checkDomainCycles(writer, candidates);
}

async function checkDomainCycles(writer: CatalogWriter, candidates: Candidate[]): Promise<void> {
  const parents = new Map<string, string | null>();
  for (const c of candidates) {
    if (c.def.refKind !== 'domain') continue;
    parents.set(c.ref, c.relations.find((r) => r.type === 'childOf')?.target ?? null);
  }
  if (!parents.size) return;
  const lookup = async (ref: string): Promise<string | null> => {
    if (!parents.has(ref)) {
      const rows = await writer.relationsOf([ref]);
      parents.set(ref, rows.find((r) => r.type === 'childOf')?.target ?? null);
    }
    return parents.get(ref) ?? null;
  };
  for (const c of candidates) {
    if (c.def.refKind !== 'domain') continue;
    const seen = new Set([c.ref]);
    let current = parents.get(c.ref) ?? null;
    for (let depth = 0; current && depth < 64; depth++) {
      if (seen.has(current)) {
        c.result.issues.push({
          path: 'metadata.parent',
          message: `makes a cycle of domains: ${[...seen, current].join(' → ')}`,
        });
        break;
      }
      seen.add(current);
      current = await lookup(current);
    }
  }
}

/** Applies parsed documents as one atomic change. */
export async function applyDocuments(
  store: CatalogStore,
  docs: readonly SourceDoc[],
  problems: readonly ParseProblem[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  const dryRun = options.dryRun ?? false;
  const { ctx } = await ownershipContext(store, docs);
  const results: DocumentResult[] = problems.map(problemResult);
  const candidates: Candidate[] = [];
  const seen = new Map<string, Candidate>();
  for (const [i, source] of docs.entries()) {
    if (i % 500 === 0) options.onProgress?.(i, docs.length, 'checking documents');
    const prepared = prepare(source, ctx, options);
    if ('status' in prepared) {
      results.push(prepared);
      continue;
    }
    const twin = seen.get(prepared.ref);
    if (twin) {
      prepared.result.issues.push({
        path: '',
        message: `'${prepared.ref}' is also defined by document ${twin.result.index + 1} of ${twin.result.source}; one apply may define an asset once`,
      });
    } else seen.set(prepared.ref, prepared);
    results.push(prepared.result);
    candidates.push(prepared);
  }
  options.onProgress?.(docs.length, docs.length, 'checking documents');
  const charters = candidates.filter((c) => c.def.refKind === 'charter');
  if (charters.length > 1) {
    for (const c of charters.slice(1))
      c.result.issues.push({
        path: 'metadata.name',
        message: 'an organisation has one Charter; this apply defines several',
      });
  }
  const sourceOrder = new Map<string, number>();
  for (const r of [...problems, ...docs])
    if (!sourceOrder.has(r.source)) sourceOrder.set(r.source, sourceOrder.size);
  results.sort((a, b) => sourceOrder.get(a.source)! - sourceOrder.get(b.source)! || a.index - b.index);

  const time = options.time ?? new Date().toISOString();
  const [existingCharter] = charters.length ? await store.listAssets({ kind: 'Charter', limit: 1 }) : [];
  if (options.authorize) {
    // Before anything else touches the store: a caller learns nothing from assets it may not write.
    options.authorize(
      candidates.map((c) => ({
        ref: c.ref,
        kind: c.def.kind,
        domain: c.domain,
        parent: ((c.doc.metadata as { parent?: string } | undefined)?.parent ?? null) as string | null,
      })),
    );
  }
  await validateBatch(candidates, options);
  const admissions = await admit(store, candidates, options);
  const applied = await store.write(async (writer) => {
    await resolve(writer, candidates);
    if (charters.length) {
      const existing = existingCharter;
      const c = charters[0]!;
      if (existing && existing.ref !== c.ref) {
        c.result.issues.push({
          path: 'metadata.name',
          message: `the organisation's Charter is '${existing.ref}'; update it rather than adding '${c.ref}'`,
        });
      }
    }
    const current = await writer.current(candidates.map((c) => c.ref));
    const stale = Object.entries(options.expectedVersions ?? {}).filter(([ref, expected]) => {
      const now = current.get(ref);
      return (now && now.state === 'live' ? now.version : 0) !== expected;
    });
    if (stale.length) {
      throw new ConflictError(
        `${stale
          .map(([ref, expected]) => {
            const now = current.get(ref);
            return `'${ref}' is at version ${now && now.state === 'live' ? now.version : 0}, not ${expected}`;
          })
          .join('; ')}; re-read it and apply your change again`,
        {
          conflicts: stale.map(([ref, expected]) => ({
            ref,
            expected,
            actual: current.get(ref)?.version ?? 0,
          })),
        },
      );
    }
    for (const c of candidates) {
      if (c.result.issues.length) {
        c.result.status = 'invalid';
        continue;
      }
      const now = current.get(c.ref);
      if (now && now.state === 'live' && now.digest === c.digest) {
        c.result.status = 'unchanged';
        c.result.version = now.version;
        continue;
      }
      c.result.status = now && now.state === 'live' ? 'updated' : 'created';
      c.result.version = (now?.latest ?? 0) + 1;
      const admission = admissions.get(c.ref);
      if (admission) {
        c.result.admission = admission.decision;
        c.result.violations = admission.violations;
        if (admission.decision === 'denied') c.result.status = 'denied';
        if (admission.decision === 'pending') c.result.status = 'pending';
      } else {
        c.result.admission = 'admitted';
        c.result.violations = [];
      }
    }
    if (results.some((r) => r.status === 'invalid')) {
      for (const r of results) {
        if (r.status !== 'invalid') r.status = 'skipped';
      }
      return false;
    }
    const denied = candidates.filter((c) => c.result.status === 'denied');
    if (denied.length) {
      for (const c of candidates) if (c.result.status !== 'denied') c.result.status = 'skipped';
      if (!dryRun) {
        // A denial is a decision: it is audited even though nothing else is stored.
        const entries = denied.map((c) => ({
          actor: options.actor,
          action: 'deny',
          ref: c.ref,
          beforeDigest: current.get(c.ref)?.digest ?? null,
          afterDigest: c.digest,
          details: { violations: c.result.violations ?? [] },
        }));
        await appendEntries(writer, time, entries);
      }
      return false;
    }
    if (dryRun) return true;
    const entries: AuditEntry[] = [];
    const approvals: ApprovalRow[] = [];
    const changed = candidates.filter((c) => c.result.status !== 'unchanged');
    // The rows of a step are built when it is stored, so a large apply holds its documents but
    // not every search text and summary at once.
    const step = 2000;
    for (let i = 0; i < changed.length; i += step) {
      const writes: AssetWrite[] = [];
      for (const c of changed.slice(i, i + step)) {
        const before = current.get(c.ref);
        const write = writeOf(c, before);
        writes.push(write);
        const pending = write.state === 'pending';
        const violations = c.result.violations?.length ? { violations: c.result.violations } : null;
        entries.push({
          actor: options.actor,
          action: pending ? 'request-approval' : write.action,
          ref: c.ref,
          version: write.version,
          beforeDigest: before && before.state === 'live' ? before.digest : null,
          afterDigest: c.digest,
          details: violations,
        });
        if (pending) {
          const { doc: _doc, ...prepared } = write;
          const admission = admissions.get(c.ref)!;
          approvals.push({
            id: randomUUID(),
            type: 'change',
            ref: c.ref,
            version: write.version,
            domain: c.domain,
            requestedBy: options.actor,
            requestedAt: time,
            approverRole: admission.approvers?.role ?? 'data-office',
            violations: admission.violations,
            state: 'open',
            decidedBy: null,
            decidedAt: null,
            reason: null,
            write: prepared,
          });
        }
        for (const plugin of options.plugins ?? []) {
          const extra = plugin.onWrite?.(write, options.actor, time);
          if (extra) approvals.push(...extra);
        }
      }
      options.onProgress?.(i, changed.length, 'storing');
      await writer.put(writes, time, options.actor);
    }
    if (approvals.length) await writer.putApprovals(approvals);
    await appendEntries(writer, time, entries);
    options.onProgress?.(changed.length, changed.length, 'storing');
    return true;
  });
  if (applied && !dryRun) {
    const changed = candidates
      .filter((c) => c.result.status === 'created' || c.result.status === 'updated')
      .map((c) => ({ ref: c.ref, kind: c.def.kind }));
    for (const plugin of options.plugins ?? [])
      if (changed.length) await plugin.afterApply?.(changed, { actor: options.actor });
  }
  return { applied, dryRun, results, summary: summarise(results) };
}

/** The stored form of a changed candidate (status created, updated or pending). */
function writeOf(c: Candidate, before: { state: string } | undefined): AssetWrite {
  const summary = c.def.summary(c.doc);
  return {
    ref: c.ref,
    kind: c.def.kind,
    domain: c.domain,
    name: c.name,
    uid: c.uid,
    version: c.result.version!,
    state: c.result.status === 'pending' ? 'pending' : 'live',
    digest: c.digest,
    doc: c.doc,
    title: summary.title,
    description: summary.description,
    action: before?.state === 'live' ? 'update' : 'create',
    search: c.def.searchText(c.doc),
    relations: c.relations.map((r) =>
      r.role ? { type: r.type, target: r.target, role: r.role } : { type: r.type, target: r.target },
    ),
  };
}

function batchOf(candidates: Candidate[], options: ApplyOptions): AdmissionBatch {
  const valid = candidates.filter((c) => !c.result.issues.length);
  return {
    docs: new Map(
      valid.map((c) => [c.ref, { kind: c.def.kind, domain: c.domain, doc: c.doc, relations: c.relations }]),
    ),
    actor: options.actor,
    ...(options.mayRead ? { mayRead: options.mayRead } : {}),
  };
}

async function validateBatch(candidates: Candidate[], options: ApplyOptions): Promise<void> {
  const validators = (options.plugins ?? []).filter((p) => p.validateBatch);
  if (!validators.length) return;
  const byRef = new Map(candidates.map((c) => [c.ref, c]));
  for (const plugin of validators) {
    for (const [ref, issues] of await plugin.validateBatch!(batchOf(candidates, options))) {
      byRef.get(ref)?.result.issues.push(...issues);
    }
  }
}

/**
 * Asks the plugins to admit every change that would be stored (outside the write transaction), and
 * adds their advice on those changes to the results' warnings.
 */
async function admit(
  store: CatalogStore,
  candidates: Candidate[],
  options: ApplyOptions,
): Promise<Map<string, Admission>> {
  const admitters = (options.plugins ?? []).filter((p) => p.admit);
  const advisers = (options.plugins ?? []).filter((p) => p.advise);
  const out = new Map<string, Admission>();
  const valid = candidates.filter((c) => !c.result.issues.length);
  if ((!admitters.length && !advisers.length) || !valid.length) return out;
  const live = new Map<string, AssetWithDoc>();
  for (let i = 0; i < valid.length; i += 5000) {
    for (const a of await store.getAssets(valid.slice(i, i + 5000).map((c) => c.ref))) live.set(a.ref, a);
  }
  const subjects: AdmissionSubject[] = [];
  for (const c of valid) {
    const now = live.get(c.ref);
    if (now && now.state === 'live' && now.digest === c.digest) continue;
    subjects.push({
      ref: c.ref,
      kind: c.def.kind,
      domain: c.domain,
      doc: c.doc,
      relations: c.relations,
      previous: now && now.state === 'live' ? now.doc : null,
    });
  }
  const batch = batchOf(candidates, options);
  for (const plugin of admitters) {
    for (const [ref, admission] of await plugin.admit!(subjects, batch)) {
      const prior = out.get(ref);
      out.set(ref, prior ? mergeAdmissions(prior, admission) : admission);
    }
  }
  const byRef = new Map(valid.map((c) => [c.ref, c]));
  for (const plugin of advisers) {
    for (const [ref, advice] of await plugin.advise!(subjects, batch))
      byRef.get(ref)?.result.warnings.push(...advice);
  }
  return out;
}

const severity: Record<Admission['decision'], number> = {
  admitted: 0,
  'admitted-with-warnings': 1,
  pending: 2,
  denied: 3,
};

function mergeAdmissions(a: Admission, b: Admission): Admission {
  const worse = severity[b.decision] > severity[a.decision] ? b : a;
  return { ...worse, violations: [...a.violations, ...b.violations] };
}

export interface DeleteResult {
  ref: string;
  version: number;
  status: 'deleted';
}

/** Deletes an asset by writing a tombstone version; its history stays. */
export async function deleteAsset(
  store: CatalogStore,
  ref: string,
  options: { actor: string; time?: string },
): Promise<DeleteResult | { blockedBy: string[] } | undefined> {
  const time = options.time ?? new Date().toISOString();
  const asset = await store.getAsset(ref);
  if (!asset) return undefined;
  return store.write(async (writer) => {
    const current = (await writer.current([ref])).get(ref);
    if (current?.state !== 'live') return undefined;
    const blockers = (await writer.referrers([ref])).filter((r) => binding.has(r.type) && r.source !== ref);
    if (blockers.length) return { blockedBy: [...new Set(blockers.map((b) => b.source))].sort() };
    const version = current.version + 1;
    const digest = digestOf(null);
    await writer.put(
      [
        {
          ref,
          kind: asset!.kind,
          domain: asset!.domain,
          name: asset!.name,
          uid: null,
          version,
          state: 'deleted',
          digest,
          doc: null,
          title: asset!.title,
          description: asset!.description,
          action: 'delete',
          search: null,
          relations: [],
        },
      ],
      time,
      options.actor,
    );
    await appendEntries(writer, time, [
      { actor: options.actor, action: 'delete', ref, version, beforeDigest: current.digest },
    ]);
    return { ref, version, status: 'deleted' as const };
  });
}
