/**
 * `DataContract`: a dataset described by an ODCS v3 contract, accepted as the standard writes it.
 * v3.0.x is upgraded to v3.1.0 on input; the ref is `dataset:<domain>/<name or id>`.
 */
import { isMislabelledV31, type OdcsContract, upgradeOdcs, validateOdcs } from '../odcs/odcs.js';
import { isValidName, slugify } from '../ref.js';
import type { ValidationIssue } from '../validation.js';
import type { FieldInfo, Identity, KindContext, KindDefinition, Relation, SearchText } from './kind.js';

type Json = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Json[]) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Glossary links are authoritative definitions of type `glossary` whose url is a glossary ref. */
export function glossaryLinks(node: Json, basePath: string): { ref: string; path: string }[] {
  const out: { ref: string; path: string }[] = [];
  list(node.authoritativeDefinitions).forEach((def, i) => {
    const url = str(def.url);
    if (url?.startsWith('glossary:') && (def.type === 'glossary' || def.type === 'businessDefinition')) {
      out.push({ ref: url, path: `${basePath}.authoritativeDefinitions[${i}].url` });
    }
  });
  return out;
}

/** Walks every property of every schema object, nested ones included, in document order. */
export function contractFields(doc: OdcsContract): FieldInfo[] {
  const out: FieldInfo[] = [];
  const walk = (props: unknown, table: string, prefix: string, basePath: string) => {
    list(props).forEach((prop, i) => {
      const name = str(prop.name) ?? `#${i}`;
      const docPath = `${basePath}.properties[${i}]`;
      const path = `${prefix}.${name}`;
      const info: FieldInfo = {
        path,
        docPath,
        table,
        name,
        tags: strings(prop.tags),
        terms: glossaryLinks(prop, docPath).map((l) => l.ref),
      };
      const logicalType = str(prop.logicalType);
      if (logicalType) info.logicalType = logicalType;
      const physicalType = str(prop.physicalType);
      if (physicalType) info.physicalType = physicalType;
      const classification = str(prop.classification);
      if (classification) info.classification = classification;
      const description = str(prop.description);
      if (description) info.description = description;
      if (typeof prop.required === 'boolean') info.required = prop.required;
      out.push(info);
      walk(prop.properties, table, path, docPath);
      const items = prop.items as Json | undefined;
      if (items && typeof items === 'object') walk(items.properties, table, `${path}[]`, `${docPath}.items`);
    });
  };
  list(doc.schema).forEach((object, i) => {
    const table = str(object.name) ?? `#${i}`;
    walk(object.properties, table, table, `schema[${i}]`);
  });
  return out;
}

function descriptionText(doc: OdcsContract): string {
  const d = doc.description as Json | undefined;
  if (!d || typeof d !== 'object') return '';
  return [d.purpose, d.usage, d.limitations].filter((v) => typeof v === 'string').join(' ');
}

/** A team member's username: a ref as it is, an e-mail resolved to the user with that e-mail, else a user name. */
function memberRef(username: string): string {
  if (username.includes(':')) return username;
  if (username.includes('@')) return `id:${username.toLowerCase()}`;
  return `user:${username.toLowerCase()}`;
}

/** `Data Steward` → `steward` when `steward` is an ownership type; `Technical Owner` → `technical-owner`. */
export function normalizeRole(role: string, types: readonly string[]): string {
  const type = role
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (types.includes(type)) return type;
  const bare = type.replace(/^data-/, '');
  return types.includes(bare) ? bare : type;
}

/** Owners, stewards and other ownership roles declared by an ODCS/ODPS `team` block. */
export function teamRelations(team: unknown, ctx: KindContext): Relation[] {
  const out: Relation[] = [];
  const members = Array.isArray(team) ? team : list((team as Json | undefined)?.members);
  const basePath = Array.isArray(team) ? 'team' : 'team.members';
  (members as Json[]).forEach((member, i) => {
    const username = str(member.username);
    const role = str(member.role);
    if (!username || !role || member.dateOut) return;
    const type = normalizeRole(role, ctx.ownershipTypes);
    if (!ctx.ownershipTypes.includes(type)) return;
    const target = memberRef(username);
    const path = `${basePath}[${i}].username`;
    if (type === 'owner') out.push({ type: 'ownedBy', target, path });
    else if (type === 'steward') out.push({ type: 'stewardedBy', target, path });
    else out.push({ type: 'hasRole', role: type, target, path });
  });
  return out;
}

export function assetIdentity(doc: Json, what: string): Identity | ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const domain = str(doc.domain);
  if (!domain) {
    issues.push({
      path: 'domain',
      message: `is required: name the Charter domain this ${what} belongs to (or apply with --domain)`,
    });
  } else if (!isValidName(domain)) {
    issues.push({
      path: 'domain',
      message: `'${domain}' is not a domain name; expected lower-case letters, digits, '.', '_' or '-'`,
    });
  }
  const source = str(doc.name) ?? str(doc.id) ?? '';
  const name = slugify(source);
  if (!name || !isValidName(name)) {
    issues.push({
      path: doc.name ? 'name' : 'id',
      message: 'must contain letters or digits to name the asset',
    });
  }
  if (issues.length || !domain) return issues;
  const uid = str(doc.id);
  return uid ? { domain, name, uid } : { domain, name };
}

export const dataContractKind: KindDefinition<OdcsContract> = {
  kind: 'DataContract',
  refKind: 'dataset',
  domainScoped: 'required',
  validate: (doc) => (isMislabelledV31(doc) ? [] : validateOdcs(doc)),
  warnings: (doc) =>
    isMislabelledV31(doc)
      ? [
          {
            path: 'apiVersion',
            message: `is ${(doc as Json).apiVersion} but the contract uses v3.1.0 features; it was read as v3.1.0 (declare apiVersion: v3.1.0)`,
          },
        ]
      : [],
  normalize: (doc) =>
    isMislabelledV31(doc) ? upgradeOdcs({ ...(doc as Json), apiVersion: 'v3.1.0' }) : upgradeOdcs(doc),
  identify: (doc) => assetIdentity(doc as unknown as Json, 'contract'),
  relations(doc, ctx) {
    const out = teamRelations(doc.team, ctx);
    list(doc.schema).forEach((object, i) => {
      for (const link of glossaryLinks(object, `schema[${i}]`))
        out.push({ type: 'usesTerm', target: link.ref, path: link.path });
    });
    for (const field of contractFields(doc)) {
      field.terms.forEach((term, k) => {
        out.push({ type: 'usesTerm', target: term, path: `${field.docPath}.authoritativeDefinitions[${k}]` });
      });
    }
    for (const link of glossaryLinks(doc as unknown as Json, ''))
      out.push({ type: 'usesTerm', target: link.ref, path: link.path.replace(/^\./, '') });
    return dedupe(out);
  },
  ownership: (doc, ctx) => dedupe(teamRelations(doc.team, ctx)),
  summary: (doc) => ({ title: str(doc.name) ?? str(doc.id) ?? '', description: descriptionText(doc) }),
  searchText(doc): SearchText {
    const fields = contractFields(doc);
    const objects = list(doc.schema);
    // The ODCS id (often a UUID) stays searchable, but beside the tags: a hit on the name then
    // shows the name, not the name and a UUID.
    const id = str(doc.id);
    return {
      name: str(doc.name) ?? id ?? '',
      title: objects.map((o) => [o.name, o.businessName, o.physicalName].filter(Boolean).join(' ')).join(' '),
      description: [descriptionText(doc), ...objects.map((o) => str(o.description) ?? '')].join(' '),
      fields: fields.map((f) => `${f.name} ${f.description ?? ''}`).join(' '),
      tags: [
        ...(id && id !== str(doc.name) ? [id] : []),
        ...strings(doc.tags),
        ...fields.flatMap((f) => [...f.tags, ...f.terms.map((t) => t.split('/').pop())]),
      ].join(' '),
    };
  },
  fields: contractFields,
};

function dedupe(relations: Relation[]): Relation[] {
  const seen = new Set<string>();
  return relations.filter((r) => {
    const key = `${r.type}|${r.target}|${r.role ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
