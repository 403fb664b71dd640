/**
 * `DataProduct`: an ODPS v1.0.0 data product. Its ports name the contracts it exposes and consumes
 * by ODCS id; the ref is `product:<domain>/<name or id>`.
 */
import { copyJson } from '../json-copy.js';
import { type OdpsProduct, validateOdps } from '../odps/odps.js';
import { assetIdentity, teamRelations } from './data-contract-kind.js';
import type { KindDefinition, Relation } from './kind.js';

type Json = Record<string, unknown>;

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function descriptionText(doc: OdpsProduct): string {
  const d = doc.description as Json | undefined;
  if (!d || typeof d !== 'object') return '';
  return [d.purpose, d.usage, d.limitations].filter((v) => typeof v === 'string').join(' ');
}

function portTarget(contractId: string): string {
  return contractId.startsWith('dataset:') ? contractId : `id:${contractId}`;
}

export const dataProductKind: KindDefinition<OdpsProduct> = {
  kind: 'DataProduct',
  refKind: 'product',
  domainScoped: 'required',
  validate: validateOdps,
  normalize: (doc) => copyJson(doc) as OdpsProduct,
  identify: (doc) => assetIdentity(doc as unknown as Json, 'data product'),
  relations(doc, ctx) {
    const out: Relation[] = teamRelations(doc.team, ctx);
    list(doc.outputPorts).forEach((port, i) => {
      const id = text(port.contractId);
      if (id)
        out.push({
          type: 'exposes',
          target: portTarget(id),
          path: `outputPorts[${i}].contractId`,
          optional: true,
        });
    });
    list(doc.inputPorts).forEach((port, i) => {
      const id = text(port.contractId);
      if (id)
        out.push({
          type: 'consumes',
          target: portTarget(id),
          path: `inputPorts[${i}].contractId`,
          optional: true,
        });
    });
    return out;
  },
  summary: (doc) => ({ title: text(doc.name) || text(doc.id), description: descriptionText(doc) }),
  searchText: (doc) => ({
    name: `${text(doc.name)} ${text(doc.id)}`,
    title: [...list(doc.outputPorts), ...list(doc.inputPorts)].map((p) => text(p.name)).join(' '),
    description: descriptionText(doc),
    fields: list(doc.outputPorts)
      .map((p) => `${text(p.name)} ${text(p.description)}`)
      .join(' '),
    tags: Array.isArray(doc.tags) ? doc.tags.join(' ') : '',
  }),
  fields: () => [],
};
