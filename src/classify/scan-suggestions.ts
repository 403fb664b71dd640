/**
 * Scan suggestions for stewards: a scan that is not told to accept keeps its proposals per field
 * (categories, rates, a classification and tags — never a value), and a steward accepts one (a new
 * contract version through admission, so every policy applies) or dismisses it. A newer scan of
 * the same field supersedes its open suggestion. Every change of a suggestion is audited.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEntry, appendEntries } from '../audit/audit-chain.js';
import { digestOf } from '../audit/digest.js';
import type { ApplyResult } from '../catalog/apply.js';
import type { Catalog } from '../catalog/catalog.js';
import { ConflictError, InputError, NotFoundError } from '../model/errors.js';
import { parseRef } from '../model/ref.js';
import type { ScanStore, ScanSuggestionRow, SuggestionState } from '../store/scan-store.js';
import { acceptScan, applyProposals, type ScanReport, scanDataset } from './scan.js';

export type ScanSuggestion = ScanSuggestionRow;

const STATES: readonly SuggestionState[] = ['open', 'accepted', 'dismissed', 'superseded'];

/** What one scan did: its report, and either the contract version it applied or the suggestions it kept. */
export type ScanOutcome =
  | { scan: ScanReport; apply: ApplyResult | null }
  | (ScanReport & { suggestions: ScanSuggestion[] });

/**
 * Scans a dataset for the caller (who must be allowed to change it: the scan reads its data and
 * proposes changes), then applies the proposals through admission (`accept`) or keeps them as
 * suggestions for stewards. The CLI and the server both run this.
 */
export async function scanAndPropose(
  suggestions: ScanSuggestions,
  ref: string,
  options: Parameters<typeof scanDataset>[2] & { accept?: boolean },
): Promise<ScanOutcome> {
  const { catalog } = suggestions;
  const { asset } = await catalog.get(ref);
  catalog.guard?.requireWrite([{ ref: asset.ref, kind: asset.kind, domain: asset.domain }]);
  const { accept, ...scanOptions } = options;
  const report = await scanDataset(catalog, ref, scanOptions);
  if (accept) return { scan: report, apply: (await acceptScan(catalog, report)) ?? null };
  return { ...report, suggestions: await suggestions.record(report) };
}

export class ScanSuggestions {
  constructor(
    readonly catalog: Catalog,
    private readonly store: ScanStore,
  ) {}

  private get actor() {
    return this.catalog.options.actor;
  }

  /** The same suggestions for another caller (the server makes one per request). */
  as(catalog: Catalog): ScanSuggestions {
    return new ScanSuggestions(catalog, this.store);
  }

  /** Keeps the report's proposals as open suggestions; a field's earlier open one is superseded. */
  async record(report: ScanReport): Promise<ScanSuggestion[]> {
    const { asset } = await this.catalog.get(report.ref);
    const proposals = report.fields.filter((f) => f.proposedClassification || f.proposedTags.length);
    if (!proposals.length) return [];
    const time = new Date().toISOString();
    return this.store.write(async (writer) => {
      const earlier = await writer.openSuggestions(
        report.ref,
        proposals.map((f) => f.path),
      );
      const rows: ScanSuggestionRow[] = proposals.map((f) => ({
        id: randomUUID(),
        ref: report.ref,
        path: f.path,
        datasetVersion: asset.version,
        time,
        actor: this.actor,
        state: 'open',
        proposedClassification: f.proposedClassification,
        currentClassification: f.currentClassification,
        proposedTags: f.proposedTags,
        // Rebuilt field by field so nothing but counts and rates can travel into the store.
        evidence: {
          sampled: f.sampled,
          hints: [...f.hints],
          detections: f.detections.map((d) => ({
            category: d.category,
            pd: d.pd,
            matchRate: d.matchRate,
            confidence: d.confidence,
          })),
        },
        decidedBy: null,
        decidedAt: null,
        acceptedVersion: null,
        auditSeq: 0,
      }));
      const [record] = await appendEntries(writer, time, [
        {
          actor: this.actor,
          action: 'scan.suggest',
          ref: report.ref,
          version: asset.version,
          afterDigest: digestOf(rows.map(({ auditSeq: _, ...r }) => r)),
          details: {
            suggestions: rows.map((r) => ({ id: r.id, path: r.path })),
            superseded: earlier.map((r) => r.id),
          },
        },
      ]);
      for (const old of earlier)
        await writer.setState(old.id, { state: 'superseded', decidedBy: this.actor, decidedAt: time });
      for (const r of rows) r.auditSeq = record!.seq;
      await writer.insertSuggestions(rows);
      return rows;
    });
  }

  /** Suggestions newest first; those of datasets the caller may not read are left out. */
  async list(filter: { ref?: string; state?: string; limit?: number } = {}): Promise<ScanSuggestion[]> {
    if (
      filter.state !== undefined &&
      filter.state !== 'all' &&
      !STATES.includes(filter.state as SuggestionState)
    )
      throw new InputError(
        `Unknown suggestion state '${filter.state}'; expected one of ${STATES.join(', ')} or all`,
      );
    await this.catalog.checkFilters([{ name: 'ref', value: filter.ref, names: ['dataset'] }]);
    const state =
      filter.state === 'all' ? undefined : ((filter.state as SuggestionState | undefined) ?? 'open');
    const rows = await this.store.suggestions({
      ...(filter.ref ? { ref: filter.ref } : {}),
      ...(state ? { state } : {}),
      ...(filter.limit ? { limit: filter.limit } : {}),
    });
    const guard = this.catalog.guard;
    if (!guard || filter.ref) return rows;
    return rows.filter((r) =>
      guard.canRead({ ref: r.ref, kind: 'DataContract', domain: parseRef(r.ref).domain ?? null }),
    );
  }

  private async open(id: string): Promise<ScanSuggestion> {
    const row = await this.store.suggestion(id);
    if (!row) throw new NotFoundError(`Scan suggestion '${id}' not found`);
    // Reading the dataset enforces that the caller may see it at all.
    await this.catalog.get(row.ref);
    if (row.state !== 'open')
      throw new ConflictError(
        `Scan suggestion '${id}' is ${row.state}; only an open suggestion can be decided`,
      );
    return row;
  }

  /**
   * Writes the suggestion as a new contract version through admission. Applied (or pending
   * approval): the suggestion is accepted. Denied: it stays open, and the result says why.
   */
  async accept(id: string): Promise<{ suggestion: ScanSuggestion; apply: ApplyResult | null }> {
    const row = await this.open(id);
    const apply = (await applyProposals(this.catalog, row.ref, [row])) ?? null;
    const result = apply?.results.find((r) => r.ref === row.ref);
    if (apply && !apply.applied) return { suggestion: row, apply };
    const version = result?.version ?? (await this.catalog.get(row.ref)).asset.version;
    const decided = await this.decide(row, 'accepted', {
      acceptedVersion: version,
      outcome: result?.status ?? 'nothing to change',
    });
    return { suggestion: decided, apply };
  }

  /** Closes the suggestion without changing the contract; the caller must be allowed to change it. */
  async dismiss(id: string, reason?: string): Promise<ScanSuggestion> {
    const row = await this.open(id);
    const guard = this.catalog.guard;
    guard?.requireWrite([{ ref: row.ref, kind: 'DataContract', domain: parseRef(row.ref).domain ?? null }]);
    return this.decide(row, 'dismissed', reason ? { reason } : {});
  }

  private async decide(
    row: ScanSuggestion,
    state: 'accepted' | 'dismissed',
    details: { acceptedVersion?: number; outcome?: string; reason?: string },
  ): Promise<ScanSuggestion> {
    const time = new Date().toISOString();
    const after: ScanSuggestion = {
      ...row,
      state,
      decidedBy: this.actor,
      decidedAt: time,
      acceptedVersion: details.acceptedVersion ?? null,
    };
    return this.store.write(async (writer) => {
      // Re-read inside the write lock: two stewards deciding at once cannot both succeed.
      const [still] = (await writer.openSuggestions(row.ref, [row.path])).filter((r) => r.id === row.id);
      if (!still) throw new ConflictError(`Scan suggestion '${row.id}' was decided meanwhile`);
      const entry: AuditEntry = {
        actor: this.actor,
        action: `scan.${state === 'accepted' ? 'accept' : 'dismiss'}`,
        ref: row.ref,
        version: details.acceptedVersion ?? row.datasetVersion,
        beforeDigest: digestOf({ ...row, auditSeq: undefined }),
        afterDigest: digestOf({ ...after, auditSeq: undefined }),
        details: { suggestion: row.id, path: row.path, ...details },
      };
      await appendEntries(writer, time, [entry]);
      await writer.setState(row.id, {
        state,
        decidedBy: this.actor,
        decidedAt: time,
        acceptedVersion: details.acceptedVersion ?? null,
      });
      return after;
    });
  }
}
