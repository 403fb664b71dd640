/** The registry of kinds the catalog accepts. Later capabilities add theirs here. */
import { aiApplicationKind } from './ai-application-kind.js';
import { charterKind } from './charter-kind.js';
import { dataContractKind } from './data-contract-kind.js';
import { dataProductKind } from './data-product-kind.js';
import { domainKind } from './domain-kind.js';
import { glossaryTermKind } from './glossary-term-kind.js';
import type { KindDefinition } from './kind.js';
import { modelKind } from './model-kind.js';
import { policyKind } from './policy-kind.js';
import { teamKind } from './team-kind.js';
import { userKind } from './user-kind.js';
import { waiverKind } from './waiver-kind.js';

export const kinds: readonly KindDefinition<any>[] = [
  charterKind,
  userKind,
  domainKind,
  teamKind,
  glossaryTermKind,
  dataContractKind,
  dataProductKind,
  policyKind,
  waiverKind,
  modelKind,
  aiApplicationKind,
];

const byKind = new Map(kinds.map((k) => [k.kind, k]));
const byRefKind = new Map(kinds.map((k) => [k.refKind, k]));

export function kindOf(kind: string): KindDefinition<any> | undefined {
  return byKind.get(kind);
}

export function kindOfRef(refKind: string): KindDefinition<any> | undefined {
  return byRefKind.get(refKind as never);
}

/** Accepts the manifest kind (`DataContract`), the ref kind (`dataset`) or a plural (`datasets`). */
export function resolveKindName(text: string): KindDefinition<any> | undefined {
  const lower = text.toLowerCase();
  for (const k of kinds) {
    const names = [k.kind.toLowerCase(), k.refKind, `${k.refKind}s`, `${k.kind.toLowerCase()}s`];
    if (k.refKind === 'glossary') names.push('glossaryterms', 'terms', 'glossary-terms');
    if (k.refKind === 'dataset') names.push('contracts', 'contract', 'datacontracts');
    if (k.refKind === 'product') names.push('dataproducts');
    if (k.refKind === 'policy') names.push('policies');
    if (k.refKind === 'app') names.push('applications', 'aiapplications', 'ai-applications');
    if (names.includes(lower)) return k;
  }
  return undefined;
}

export const kindOrder = kinds.map((k) => k.kind);

/** The name of every kind as `get` and the list API take it (`datasets`, `policies`, `charter`, …). */
export const kindListNames = kinds
  .map((k) =>
    k.refKind === 'charter' || k.refKind === 'glossary'
      ? k.refKind
      : k.refKind === 'policy'
        ? 'policies'
        : `${k.refKind}s`,
  )
  .join(', ');
