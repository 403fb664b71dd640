/**
 * OpenLineage dataset naming for catalog contracts: each ODCS server and schema object becomes the
 * namespace and name an OpenLineage producer reports for that table or file (postgres →
 * `postgres://host:port` + `db.schema.table`, local files → `file` + path, …), so reported lineage
 * joins the catalog. The `charter` namespace names catalog assets directly (`dataset:d/n`,
 * `model:d/n`, `app:d/n`).
 */

type Json = Record<string, unknown>;

export interface DatasetName {
  namespace: string;
  name: string;
}

/** Where a reported dataset lands in the catalog: an asset and, for contracts, the schema object. */
export interface Match {
  ref: string;
  table?: string;
}

export const CHARTER_NAMESPACE = 'charter';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];

const DEFAULT_PORTS: Record<string, string> = {
  postgres: '5432',
  mysql: '3306',
  mssql: '1433',
  redshift: '5439',
  trino: '8080',
  kafka: '9092',
};

/** Canonical form of a namespace: scheme aliases, lower-case host, default ports. */
export function normalizeNamespace(namespace: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]*)(?::(\d+))?(\/.*)?$/i.exec(namespace.trim());
  if (!m) return namespace.trim();
  let scheme = m[1]!.toLowerCase();
  if (scheme === 'postgresql') scheme = 'postgres';
  if (scheme === 'sqlserver') scheme = 'mssql';
  const host = m[2]!.toLowerCase();
  if (scheme === 'file') return 'file';
  const port = m[3] ?? DEFAULT_PORTS[scheme];
  return `${scheme}://${host}${port ? `:${port}` : ''}${m[4] ?? ''}`;
}

function tables(doc: Json): { table: string; physical: string }[] {
  const objects = list(doc.schema);
  if (!objects.length) return [{ table: str(doc.name) ?? 'data', physical: str(doc.name) ?? 'data' }];
  return objects.map((o, i) => {
    const table = str(o.name) ?? `#${i}`;
    return { table, physical: str(o.physicalName) ?? table };
  });
}

function customProperty(server: Json, property: string): string | undefined {
  for (const p of list(server.customProperties)) if (p.property === property) return str(p.value);
  return undefined;
}

/** The OpenLineage names of every table (or file) a contract's servers describe. */
export function contractDatasetNames(doc: Json): (DatasetName & { table: string })[] {
  const out: (DatasetName & { table: string })[] = [];
  const objects = tables(doc);
  for (const server of list(doc.servers)) {
    const type = (str(server.type) ?? '').toLowerCase();
    const explicit = customProperty(server, 'openlineage.namespace');
    const add = (namespace: string | undefined, name: (physical: string) => string | undefined) => {
      if (!namespace) return;
      for (const o of objects) {
        const n = name(o.physical);
        if (n) out.push({ namespace: normalizeNamespace(namespace), name: n, table: o.table });
      }
    };
    const host = str(server.host);
    const port = str(server.port);
    const hostPort = host ? `${host}${port ? `:${port}` : ''}` : undefined;
    const join = (...parts: (string | undefined)[]) => (parts.every(Boolean) ? parts.join('.') : undefined);
    if (explicit) {
      const template = customProperty(server, 'openlineage.name');
      add(explicit, (t) => (template ? template.replace(/\{table\}/g, t) : t));
      continue;
    }
    switch (type) {
      case 'postgres':
      case 'postgresql':
        add(hostPort && `postgres://${hostPort}`, (t) => join(str(server.database), str(server.schema), t));
        break;
      case 'mysql':
        add(hostPort && `mysql://${hostPort}`, (t) => join(str(server.database), t));
        break;
      case 'sqlserver':
        add(hostPort && `mssql://${hostPort}`, (t) => join(str(server.database), str(server.schema), t));
        break;
      case 'redshift':
        add(hostPort ? `redshift://${hostPort}` : undefined, (t) =>
          join(str(server.database), str(server.schema), t),
        );
        break;
      case 'snowflake':
        add(str(server.account) && `snowflake://${str(server.account)!.toLowerCase()}`, (t) =>
          join(str(server.database), str(server.schema), t),
        );
        break;
      case 'bigquery':
        add('bigquery', (t) => join(str(server.project), str(server.dataset), t));
        break;
      case 'databricks':
        add(host ? `databricks://${host}` : 'databricks', (t) =>
          join(str(server.catalog), str(server.schema), t),
        );
        break;
      case 'trino':
        add(hostPort && `trino://${hostPort}`, (t) => join(str(server.catalog), str(server.schema), t));
        break;
      case 'kafka':
        add(hostPort && `kafka://${hostPort}`, (t) => str(server.topic) ?? t);
        break;
      case 's3': {
        const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(str(server.location) ?? '');
        if (m) add(`s3://${m[1]}`, () => m[2] || '/');
        break;
      }
      case 'local': {
        const path = str(server.path);
        if (path) add('file', () => normalizePath(path));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function normalizePath(path: string): string {
  return path.replace(/^file:\/\/[^/]*/, '').replace(/^\.\//, '');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const keyOf = (namespace: string, name: string) => `${namespace}\u0000${name}`;

/**
 * Which contract (and table) a reported dataset is: exact names first; files also by path suffix,
 * since producers report absolute paths where contracts hold paths relative to the data root.
 */
export class NameIndex {
  private readonly exact = new Map<string, Match>();
  private readonly files = new Map<string, { path: string; match: Match }[]>();
  private readonly byRef = new Map<string, (DatasetName & { table: string })[]>();

  add(ref: string, names: readonly (DatasetName & { table: string })[]): void {
    this.byRef.set(ref, [...names]);
    for (const n of names) {
      const match = { ref, table: n.table };
      const key = keyOf(n.namespace, n.name);
      if (!this.exact.has(key)) this.exact.set(key, match);
      if (n.namespace === 'file') {
        const base = basename(n.name);
        const entries = this.files.get(base) ?? [];
        entries.push({ path: n.name, match });
        this.files.set(base, entries);
      }
    }
  }

  /** The names a contract answers to. */
  namesOf(ref: string): (DatasetName & { table: string })[] {
    return this.byRef.get(ref) ?? [];
  }

  get size(): number {
    return this.byRef.size;
  }

  match(namespace: string, name: string): Match | undefined {
    if (namespace === CHARTER_NAMESPACE)
      return /^(dataset|model|app):/.test(name) ? { ref: name } : undefined;
    const ns = normalizeNamespace(namespace);
    const exact = this.exact.get(keyOf(ns, name));
    if (exact || ns !== 'file') return exact;
    const path = normalizePath(name);
    const direct = this.exact.get(keyOf('file', path));
    if (direct) return direct;
    for (const entry of this.files.get(basename(path)) ?? []) {
      if (path === entry.path || path.endsWith(`/${entry.path}`)) return entry.match;
    }
    return undefined;
  }
}
