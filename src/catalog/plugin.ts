/**
 * The seam through which capabilities join the apply pipeline without the catalog knowing them:
 * extra validation of a document (e.g. compiling a policy's rule) and admission of each change
 * (the policy engine). The composition root passes plugins to the Catalog.
 */
import type { Relation } from '../model/kinds/kind.js';
import type { ValidationIssue } from '../model/validation.js';
import type { Admission } from '../model/violation.js';
import type { ApprovalRow, AssetWrite } from '../store/catalog-store.js';
import type { Incident, RunSummary } from '../store/quality-store.js';
import type { AccessGuard } from './access-guard.js';
import type { Description } from './catalog-api.js';

export interface AdmissionSubject {
  ref: string;
  kind: string;
  domain: string | null;
  doc: Record<string, unknown>;
  relations: Relation[];
  /** The live document this change replaces, if any. */
  previous: Record<string, unknown> | null;
}

export interface AdmissionBatch {
  /** Every valid document of the apply by ref (policies, domains and charter changes included). */
  docs: ReadonlyMap<
    string,
    { kind: string; domain: string | null; doc: Record<string, unknown>; relations: Relation[] }
  >;
  actor: string;
  /** Whether the caller may read what a ref names (absent for the local administrator: everything). */
  mayRead?: (ref: string) => boolean;
}

export interface CatalogPlugin {
  name: string;
  /** Issues beyond the kind's schema, reported as `invalid`. */
  validate?(kind: string, doc: Record<string, unknown>, ref: string): ValidationIssue[];
  /** Issues that need the stored catalog to judge (e.g. a domain policy's reach), reported as `invalid`. */
  validateBatch?(batch: AdmissionBatch): Promise<Map<string, ValidationIssue[]>>;
  /** Decides each change; subjects not in the map are admitted. */
  admit?(subjects: readonly AdmissionSubject[], batch: AdmissionBatch): Promise<Map<string, Admission>>;
  /**
   * Advice on each change (e.g. the AI-use gate's answer for a model's inputs): warnings in the
   * apply's result for the caller alone, recorded nowhere (unlike admission's violations, which the
   * audit log keeps), so they may say what only the caller may read.
   */
  advise?(
    subjects: readonly AdmissionSubject[],
    batch: AdmissionBatch,
  ): Promise<Map<string, ValidationIssue[]>>;
  /** Extra approval requests to store with a write (e.g. a new waiver awaiting the data office). */
  onWrite?(write: AssetWrite, actor: string, time: string): ApprovalRow[] | undefined;
  /**
   * Called after an apply is stored or an asset deleted, with the refs that changed (e.g. to
   * re-evaluate compliance), and who changed them.
   */
  afterApply?(
    changed: readonly { ref: string; kind: string }[],
    context: { actor: string },
  ): Promise<void> | void;
  /**
   * Called after the quality capability stores a run of a contract (and any incident change it
   * made), with the dataset's quality facts before it: its newest run and its open incident then.
   */
  afterQuality?(
    change: { ref: string; runId: string; before: { latest?: RunSummary; incident?: Incident } },
    context: { actor: string },
  ): Promise<void> | void;
  /**
   * What the capability adds to `describe` (e.g. inherited classifications from lineage), as the
   * caller (their guard; absent for the local administrator) may see it.
   */
  describe?(description: Description, guard?: AccessGuard): Promise<Partial<Description> | undefined>;
}
