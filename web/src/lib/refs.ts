/** Refs (`kind:domain/name`) and where their pages are in the UI. */

export interface Ref {
  kind: string;
  domain?: string;
  name: string;
}

export function parseRef(text: string): Ref | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const slash = rest.indexOf('/');
  if (!rest) return undefined;
  return slash >= 0
    ? { kind, domain: rest.slice(0, slash), name: rest.slice(slash + 1) }
    : { kind, name: rest };
}

/** The UI path of an asset: `/dataset/payments/refunds`, `/domain/payments`, `/user/ada`. */
export function hrefOf(ref: string): string {
  const r = parseRef(ref);
  if (!r) return `/search?q=${encodeURIComponent(ref)}`;
  const parts = [r.kind, ...(r.domain ? [r.domain] : []), r.name].map(encodeURIComponent);
  return `/${parts.join('/')}`;
}

/** The ref of a UI path's `kind` and rest (`dataset`, `payments/refunds`). */
export function refOfPath(kind: string, rest: string): string {
  return `${kind}:${rest}`;
}

export const KIND_LABELS: Record<string, string> = {
  DataContract: 'Dataset',
  DataProduct: 'Data product',
  Domain: 'Domain',
  Team: 'Team',
  User: 'User',
  GlossaryTerm: 'Glossary term',
  Policy: 'Policy',
  Waiver: 'Waiver',
  Charter: 'Charter',
  Model: 'Model',
  AiApplication: 'AI application',
  dataset: 'Dataset',
  product: 'Data product',
  domain: 'Domain',
  team: 'Team',
  user: 'User',
  glossary: 'Glossary term',
  policy: 'Policy',
  waiver: 'Waiver',
  charter: 'Charter',
  model: 'Model',
  app: 'AI application',
};

export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

/**
 * A dataset as a pipeline reported it, named the way the server labels its lineage node:
 * `namespace/name`, or `namespace:/path` when the name is a path (`file:/srv/data/x.parquet`).
 */
export function reportedName(namespace: string, name: string): string {
  return name.startsWith('/') ? `${namespace}:${name}` : `${namespace}/${name}`;
}

/** The short name people read: the part after the kind (and domain). */
export function shortName(ref: string): string {
  const r = parseRef(ref);
  return r ? r.name : ref;
}
