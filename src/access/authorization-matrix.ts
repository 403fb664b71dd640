/**
 * The authorization matrix: for each operation, the least role that allows it in the caller's own
 * domain (and, by inheritance, its sub-domains). In any other domain only the data office may act.
 * `test/authorization-matrix.test.ts` checks every cell against a running server on both stores,
 * and docs/access.md prints this table.
 */
import type { DomainRole } from './roles.js';

export type Need = DomainRole | 'data-office' | 'anyone';

export interface MatrixRow {
  operation: string;
  need: Need;
}

export const AUTHORIZATION_MATRIX: readonly MatrixRow[] = [
  { operation: 'read a dataset (GET /assets/{ref}, describe, history)', need: 'viewer' },
  { operation: 'find a dataset in search', need: 'viewer' },
  { operation: 'trace a model (GET /trace/{ref}, charter trace, MCP trace)', need: 'viewer' },
  {
    operation:
      'record an AI outcome about a model (POST /outcomes, charter outcome record, MCP record_outcome): a complaint may come from anyone who uses it',
    need: 'viewer',
  },
  {
    operation:
      'see a dataset named in the trace of a model it feeds (else it is shown restricted: domain and whom to ask only)',
    need: 'viewer',
  },
  {
    operation: 'read a quality run (GET /quality/runs/{id}: status, counts, measured values)',
    need: 'viewer',
  },
  {
    operation:
      'see the failing-row samples of a dataset classified confidential (clearance: viewers and contributors internal)',
    need: 'steward',
  },
  {
    operation:
      'answer an incident of a dataset (POST /incidents/{id}/notes, charter incidents answer): its assignees too, whatever their role',
    need: 'contributor',
  },
  { operation: 'apply a dataset (ODCS contract)', need: 'contributor' },
  { operation: 'delete a dataset', need: 'contributor' },
  { operation: 'apply a domain glossary term', need: 'steward' },
  { operation: 'apply a team', need: 'domain-owner' },
  { operation: 'apply a domain policy', need: 'domain-owner' },
  { operation: 'apply a sub-domain', need: 'domain-owner' },
  { operation: 'apply a top-level domain', need: 'data-office' },
  { operation: 'apply a charter policy', need: 'data-office' },
  { operation: 'grant a waiver', need: 'data-office' },
  { operation: 'export the catalog with history', need: 'data-office' },
  { operation: 'read the charter', need: 'anyone' },
];

export const MATRIX_ROLES = [
  'data-office',
  'domain-owner',
  'steward',
  'contributor',
  'viewer',
  'none',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export const MATRIX_SCOPES = ['same domain', 'sub-domain', 'other domain'] as const;
export type MatrixScope = (typeof MATRIX_SCOPES)[number];

const order: MatrixRole[] = ['none', 'viewer', 'contributor', 'steward', 'domain-owner'];

/** Whether a caller holding `role` on a domain may do the operation in `scope` relative to that domain. */
export function allowed(row: MatrixRow, role: MatrixRole, scope: MatrixScope): boolean {
  if (row.need === 'anyone' || role === 'data-office') return true;
  if (row.need === 'data-office') return false;
  if (scope === 'other domain') return false;
  return order.indexOf(role) >= order.indexOf(row.need);
}
