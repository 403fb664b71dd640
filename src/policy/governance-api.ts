/** Governance operations as one interface, implemented locally (Governance) and over HTTP. */
import type { CharterDoc } from '../model/kinds/charter-kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { ApprovalRow, ApprovalState } from '../store/catalog-store.js';
import type {
  ComplianceQuery,
  ComplianceReport,
  ExplainEntry,
  PolicyTestResult,
  WaiverState,
  WaiverView,
} from './governance.js';

export interface GovernanceApi {
  approvals(filter: {
    state?: ApprovalState;
    ref?: string;
    type?: 'change' | 'waiver';
  }): Promise<ApprovalRow[]>;
  decideApproval(
    idOrRef: string,
    decision: 'approved' | 'rejected',
    actor: string,
    reason: string | null,
    type?: 'change' | 'waiver',
  ): Promise<ApprovalRow>;
  waivers(filter?: { ref?: string; state?: WaiverState }): Promise<WaiverView[]>;
  compliance(filter: ComplianceQuery): Promise<ComplianceReport>;
  explain(ref: string): Promise<{ subject: string; domain: string | null; policies: ExplainEntry[] }>;
  testPolicies(docs?: { ref: string; doc: PolicyDoc }[], charter?: CharterDoc): Promise<PolicyTestResult[]>;
}
