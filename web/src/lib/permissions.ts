/**
 * Who may decide an approval, as the server's rules say (docs/policies.md): never the requester; the
 * data office for `data-office` approvals and waivers; for `domain-owner` or `steward`, the owners or
 * stewards of the asset's domain chain, or the data office. The UI uses it to offer the buttons only
 * to those allowed; the server decides, and its refusal is shown as it words it.
 */
import type { Approval } from '../api/types';
import { chainOf, isAmong, type Org } from './org';

export interface Permission {
  allowed: boolean;
  why: string;
}

export function mayDecide(
  org: Org,
  approval: Approval,
  me: string | null,
  signedIn = me !== null,
): Permission {
  const office = org.dataOffice;
  const officeText = office.length ? office.join(', ') : 'nobody yet';
  // Signed in with a token the UI could not put a name to: the server judges the decision.
  if (!me && signedIn) return { allowed: true, why: 'The server checks your token when you decide.' };
  if (!me) return { allowed: false, why: 'Sign in to decide approvals.' };
  if (approval.requestedBy === me)
    return {
      allowed: false,
      why: 'You requested this change; separation of duties needs someone else to decide it.',
    };
  if (approval.type === 'waiver' || approval.approverRole === 'data-office') {
    return isAmong(org, me, office)
      ? { allowed: true, why: 'You are in the data office.' }
      : { allowed: false, why: `Only the data office (${officeText}) may decide this.` };
  }
  const key = approval.approverRole === 'steward' ? 'stewards' : 'owners';
  const allowed = chainOf(org, approval.domain).flatMap((d) => d[key]);
  if (isAmong(org, me, allowed))
    return { allowed: true, why: `You are a ${approval.approverRole} of its domain.` };
  if (isAmong(org, me, office)) return { allowed: true, why: 'You are in the data office.' };
  return {
    allowed: false,
    why: `Only a ${approval.approverRole} of domain:${approval.domain} (${allowed.join(', ') || 'none declared'}) or the data office (${officeText}) may decide this.`,
  };
}
