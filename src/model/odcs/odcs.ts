/**
 * ODCS v3 data contracts: validation (v3.0.x and v3.1.0) and upgrade to v3.1.0, the internal model.
 * PLACEHOLDER until the schemas land: accepts any object with the required top-level keys.
 */
import type { ValidationIssue } from '../validation.js';

export type OdcsContract = Record<string, unknown> & {
  apiVersion: string;
  kind: 'DataContract';
  id: string;
  version: string;
  status: string;
};

export function validateOdcs(doc: unknown): ValidationIssue[] {
  if (!doc || typeof doc !== 'object') return [{ path: '', message: 'must be an object' }];
  const issues: ValidationIssue[] = [];
  for (const key of ['apiVersion', 'kind', 'id', 'version', 'status']) {
    if (!(key in doc)) issues.push({ path: key, message: 'is required' });
  }
  return issues;
}

export function upgradeOdcs(doc: unknown): OdcsContract {
  const copy = structuredClone(doc) as OdcsContract;
  copy.apiVersion = 'v3.1.0';
  if (Array.isArray(copy.team)) copy.team = { members: copy.team };
  return copy;
}
