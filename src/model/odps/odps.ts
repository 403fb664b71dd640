/**
 * ODPS v1.0.0 data products: validation.
 * PLACEHOLDER until the schema lands: accepts any object with the required top-level keys.
 */
import type { ValidationIssue } from '../validation.js';

export type OdpsProduct = Record<string, unknown> & {
  apiVersion: string;
  kind: 'DataProduct';
  id: string;
  status: string;
};

export function validateOdps(doc: unknown): ValidationIssue[] {
  if (!doc || typeof doc !== 'object') return [{ path: '', message: 'must be an object' }];
  const issues: ValidationIssue[] = [];
  for (const key of ['apiVersion', 'kind', 'id', 'status']) {
    if (!(key in doc)) issues.push({ path: key, message: 'is required' });
  }
  return issues;
}
