/** What a policy evaluation reports about one asset: data, never an exception. */
import type { Enforcement } from './kinds/policy-kind.js';

export interface Violation {
  policy: string;
  enforcement: Enforcement;
  asset: string;
  /** JSON path in the manifest, e.g. `schema[0].properties[3]`; empty for the asset as a whole. */
  path: string;
  /** `table.column` for field-scope policies. */
  field?: string;
  message: string;
  remediation?: string;
  /** The rule could not be evaluated for this asset (the CEL error); counts as a failure. */
  error?: string;
  /** The active waiver that excuses this violation; a waived violation does not count. */
  waivedBy?: string;
}

export type AdmissionDecision = 'admitted' | 'admitted-with-warnings' | 'pending' | 'denied';

export interface Admission {
  decision: AdmissionDecision;
  violations: Violation[];
  /** For pending changes: who may approve them. */
  approvers?: { role: string; domain: string | null; policies: string[] };
}
