/**
 * A contract's ownership relations, read alone (a policy sweep's subjects), are exactly the
 * ownership relations among all of its relations.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { dataContractKind } from '../src/model/kinds/data-contract-kind.js';
import { repoRoot } from './support/reference.js';

const ctx = { ownershipTypes: ['owner', 'steward', 'technical-owner'] };
const OWNERSHIP = new Set(['ownedBy', 'stewardedBy', 'hasRole']);

function contracts(): Record<string, unknown>[] {
  return parseSources(readManifestFiles([join(repoRoot, 'examples')]))
    .docs.map((d) => d.doc as Record<string, unknown>)
    .filter((doc) => doc.kind === 'DataContract' && dataContractKind.validate(doc).length === 0);
}

describe('DataContract ownership', () => {
  it('equals the ownership relations among all its relations, for every example and odd teams', () => {
    const odd = {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'c1',
      name: 'orders',
      version: '1.0.0',
      status: 'active',
      domain: 'sales',
      team: {
        members: [
          { username: 'sam', role: 'owner' },
          { username: 'Sam', role: 'Owner' },
          { username: 'kim@example.com', role: 'Data Steward' },
          { username: 'lee', role: 'Technical Owner' },
          { username: 'old', role: 'owner', dateOut: '2025-01-01' },
          { username: 'ann', role: 'analyst' },
          { role: 'owner' },
        ],
      },
      schema: [
        {
          name: 'orders',
          authoritativeDefinitions: [{ type: 'glossary', url: 'glossary:sales/order' }],
          properties: [
            {
              name: 'id',
              authoritativeDefinitions: [{ type: 'businessDefinition', url: 'glossary:sales/order-id' }],
            },
          ],
        },
      ],
    };
    const docs = [...contracts(), odd];
    expect(docs.length).toBeGreaterThan(20);
    let owned = 0;
    for (const raw of docs) {
      const doc = dataContractKind.normalize(raw);
      const all = dataContractKind.relations(doc, ctx);
      const ownership = dataContractKind.ownership!(doc, ctx);
      expect(ownership, String(raw.name)).toEqual(all.filter((r) => OWNERSHIP.has(r.type)));
      if (ownership.length) owned++;
    }
    expect(owned).toBeGreaterThan(10);
    // The odd team: duplicates folded, e-mails and roles resolved, leavers and other roles dropped.
    expect(dataContractKind.ownership!(dataContractKind.normalize(odd), ctx).map((r) => r.target)).toEqual([
      'user:sam',
      'id:kim@example.com',
      'user:lee',
    ]);
  });
});
