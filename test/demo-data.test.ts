/**
 * The demo organisation in examples/: its manifests parse, refer only to what the org defines and
 * validate against the official ODCS v3.1.0 and ODPS v1.0.0 schemas; every contract's data file has the
 * promised columns and types; regenerating the data is byte-identical; and the data's only quality
 * failures are the problems examples/README.md says were planted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type GeneratedFile, generateDemoData, SNAPSHOT } from '../scripts/generate-demo-data.js';
import { referenceDir, referencePath, repoRoot } from './support/reference.js';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2019) => void;

const examplesDir = join(repoRoot, 'examples');
const orgDir = join(examplesDir, 'org');
const dataDir = join(examplesDir, 'data');

/** What examples/README.md documents as planted; every other check on the demo data must pass. */
const PLANTED_FAILURES = [
  'dataset:commerce/orders quality:orders-id-unique',
  'dataset:commerce/orders unique:orders.order_id',
  'dataset:customer/customers quality:customers-email-format',
  'dataset:finance/fx-rates freshness:fx_rates.published_at',
  'dataset:fulfilment/shipments quality:shipments-tracking-present',
  'dataset:fulfilment/shipments required:shipments.tracking_number',
  'dataset:payments/refunds quality:refunds-amount-positive',
  'dataset:support/chat-transcripts quality:chat-no-unmasked-card-numbers',
];

const CHARTER_KINDS = [
  'Charter',
  'User',
  'Team',
  'Domain',
  'GlossaryTerm',
  'Policy',
  'Waiver',
  'Model',
  'AiApplication',
];
const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;

type Json = Record<string, unknown>;

interface Manifest {
  file: string;
  doc: Json;
}

interface Property {
  name: string;
  physicalName?: string;
  description?: string;
  logicalType?: string;
  physicalType?: string;
  required?: boolean;
  unique?: boolean;
  classification?: string;
  tags?: string[];
  authoritativeDefinitions?: { type: string; url: string }[];
  relationships?: { to: string }[];
  logicalTypeOptions?: Record<string, unknown>;
  quality?: QualityRule[];
}

interface QualityRule {
  id?: string;
  type?: string;
  metric?: string;
  query?: string;
  unit?: string;
  arguments?: { validValues?: unknown[]; pattern?: string; properties?: string[] };
  [operator: string]: unknown;
}

interface SchemaObject {
  name: string;
  physicalName?: string;
  properties: Property[];
  quality?: QualityRule[];
}

interface Contract {
  file: string;
  id: string;
  name: string;
  domain: string;
  ref: string;
  table: string;
  path: string;
  format: string;
  properties: Property[];
  quality: QualityRule[];
  doc: Json;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

function loadManifests(): { manifests: Manifest[]; parseErrors: string[] } {
  const manifests: Manifest[] = [];
  const parseErrors: string[] = [];
  for (const file of yamlFiles(orgDir)) {
    const name = relative(orgDir, file);
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (document.errors.length > 0) parseErrors.push(`${name}: ${document.errors[0]!.message}`);
      else manifests.push({ file: name, doc: document.toJS() as Json });
    }
  }
  return { manifests, parseErrors };
}

const { manifests, parseErrors } = loadManifests();
const ofKind = (kind: string): Manifest[] => manifests.filter((m) => m.doc.kind === kind);
const meta = (m: Manifest): Json => (m.doc.metadata ?? {}) as Json;
const spec = (m: Manifest): Json => (m.doc.spec ?? {}) as Json;

const charter = spec(ofKind('Charter')[0]!);
const namesOf = (key: string): string[] => ((charter[key] ?? []) as { name: string }[]).map((x) => x.name);
const classificationLevels = namesOf('classificationLevels');
const personalDataCategories = namesOf('personalDataCategories');
const ownershipTypes = namesOf('ownershipTypes');

const users = new Set(ofKind('User').map((m) => String(meta(m).name)));
const domains = new Map(ofKind('Domain').map((m) => [String(meta(m).name), m]));
const teams = new Set(ofKind('Team').map((m) => `team:${meta(m).domain}/${meta(m).name}`));
const glossary = new Set(
  ofKind('GlossaryTerm').map((m) =>
    meta(m).domain ? `glossary:${meta(m).domain}/${meta(m).name}` : `glossary:${meta(m).name}`,
  ),
);

const contracts: Contract[] = ofKind('DataContract').map(({ file, doc }) => {
  const schema = doc.schema as SchemaObject[];
  const server = (doc.servers as { path: string; format: string }[])[0]!;
  return {
    file,
    id: String(doc.id),
    name: String(doc.name),
    domain: String(doc.domain),
    ref: `dataset:${doc.domain}/${doc.name}`,
    table: schema[0]!.physicalName ?? schema[0]!.name,
    path: server.path,
    format: server.format,
    properties: schema[0]!.properties,
    quality: schema[0]!.quality ?? [],
    doc,
  };
});
const products = ofKind('DataProduct');
const contractIds = new Map(contracts.map((c) => [c.id, c]));
const columnName = (p: Property): string => p.physicalName ?? p.name;

function resolvesPartyRef(ref: string): boolean {
  if (ref.startsWith('user:')) return users.has(ref.slice(5));
  return ref.startsWith('team:') && teams.has(ref);
}

function checkTeam(where: string, domain: string, team: Json | undefined, problems: string[]): void {
  if (!team) {
    problems.push(`${where} has no team`);
    return;
  }
  if (!teams.has(`team:${domain}/${team.name}`))
    problems.push(`${where} names team '${team.name}', not a team of ${domain}`);
  const members = (team.members ?? []) as { username: string; role: string }[];
  for (const member of members) {
    if (!users.has(member.username)) problems.push(`${where} member '${member.username}' is not a user`);
    if (!ownershipTypes.includes(member.role))
      problems.push(`${where} member role '${member.role}' is not an ownership type`);
  }
  for (const role of ['owner', 'steward']) {
    if (!members.some((m) => m.role === role)) problems.push(`${where} has no ${role}`);
  }
}

describe('the demo organisation manifests', () => {
  it('parse, and every document is a known kind with a valid name', () => {
    expect(parseErrors).toEqual([]);
    expect(manifests.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const { file, doc } of manifests) {
      const kind = String(doc.kind);
      if (CHARTER_KINDS.includes(kind)) {
        if (doc.apiVersion !== 'charter/v1') problems.push(`${file}: ${kind} apiVersion ${doc.apiVersion}`);
        const name = String((doc.metadata as Json | undefined)?.name);
        if (!NAME.test(name)) problems.push(`${file}: ${kind} name '${name}'`);
      } else if (kind === 'DataContract') {
        if (doc.apiVersion !== 'v3.1.0') problems.push(`${file}: contract apiVersion ${doc.apiVersion}`);
        if (!NAME.test(String(doc.name))) problems.push(`${file}: contract name '${doc.name}'`);
      } else if (kind === 'DataProduct') {
        if (doc.apiVersion !== 'v1.0.0') problems.push(`${file}: product apiVersion ${doc.apiVersion}`);
        if (!NAME.test(String(doc.name))) problems.push(`${file}: product name '${doc.name}'`);
      } else {
        problems.push(`${file}: unknown kind '${kind}'`);
      }
    }
    expect(problems).toEqual([]);
    expect(ofKind('Charter')).toHaveLength(1);
  });

  it('has the promised scale', () => {
    const all = [...domains.values()];
    expect(all.filter((d) => !meta(d).parent).length).toBeGreaterThanOrEqual(4);
    expect(all.filter((d) => meta(d).parent).length).toBeGreaterThanOrEqual(1);
    expect(users.size).toBeGreaterThanOrEqual(8);
    expect(users.size).toBeLessThanOrEqual(15);
    expect(glossary.size).toBeGreaterThanOrEqual(15);
    expect(products.length).toBeGreaterThanOrEqual(10);
    expect(contracts.length).toBeGreaterThanOrEqual(30);
    for (const contract of contracts) {
      expect.soft(contract.properties.length, contract.ref).toBeGreaterThanOrEqual(5);
      expect.soft(contract.properties.length, contract.ref).toBeLessThanOrEqual(20);
    }
    expect(
      contracts.filter((c) => c.properties.some((p) => p.tags?.includes('pii'))).length,
    ).toBeGreaterThanOrEqual(10);
  });

  it('names are unique per kind and scope', () => {
    const keys = manifests.map(({ doc }) => {
      const m = (doc.metadata ?? {}) as Json;
      return doc.kind === 'DataContract' || doc.kind === 'DataProduct'
        ? `${doc.kind}:${doc.domain}/${doc.name}`
        : `${doc.kind}:${m.domain ?? ''}/${m.name}`;
    });
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const ids = [...contracts.map((c) => c.id), ...products.map((p) => String(p.doc.id))];
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const tables = contracts.map((c) => c.table);
    expect(tables.filter((t, i) => tables.indexOf(t) !== i)).toEqual([]);
  });

  it('refer only to users, teams, domains, glossary terms and contracts defined in the org', () => {
    const problems: string[] = [];
    for (const [name, domain] of domains) {
      const parent = meta(domain).parent as string | undefined;
      if (parent && !domains.has(parent)) problems.push(`domain:${name} parent '${parent}' is not a domain`);
      const seen = new Set([name]);
      for (let up = parent; up; up = meta(domains.get(up) ?? domain).parent as string | undefined) {
        if (seen.has(up)) {
          problems.push(`domain:${name} has a parent cycle`);
          break;
        }
        seen.add(up);
      }
      for (const role of ['owners', 'stewards']) {
        const refs = (spec(domain)[role] ?? []) as string[];
        if (refs.length === 0) problems.push(`domain:${name} has no ${role}`);
        for (const ref of refs)
          if (!resolvesPartyRef(ref)) problems.push(`domain:${name} ${role} '${ref}' does not resolve`);
      }
    }
    for (const team of ofKind('Team')) {
      const where = `team:${meta(team).domain}/${meta(team).name}`;
      if (!domains.has(String(meta(team).domain))) problems.push(`${where} is in an unknown domain`);
      for (const member of (spec(team).members ?? []) as string[]) {
        if (!member.startsWith('user:') || !users.has(member.slice(5)))
          problems.push(`${where} member '${member}' is not a user`);
      }
    }
    for (const term of ofKind('GlossaryTerm')) {
      const where = `glossary term ${meta(term).name}`;
      if (meta(term).domain && !domains.has(String(meta(term).domain)))
        problems.push(`${where} is in an unknown domain`);
      for (const ref of (spec(term).related ?? []) as string[]) {
        if (!glossary.has(ref)) problems.push(`${where} relates to unknown '${ref}'`);
      }
    }
    const tableColumns = new Set(
      contracts.flatMap((c) => c.properties.map((p) => `${c.table}.${columnName(p)}`)),
    );
    for (const contract of contracts) {
      const where = contract.ref;
      if (!domains.has(contract.domain)) problems.push(`${where} is in an unknown domain`);
      checkTeam(where, contract.domain, contract.doc.team as Json | undefined, problems);
      const links = [
        ...contract.properties.flatMap((p) => p.authoritativeDefinitions ?? []),
        ...((contract.doc.authoritativeDefinitions ?? []) as { type: string; url: string }[]),
      ];
      for (const link of links.filter((l) => l.type === 'glossary')) {
        if (!glossary.has(link.url)) problems.push(`${where} links unknown glossary term '${link.url}'`);
      }
      for (const p of contract.properties) {
        for (const rel of p.relationships ?? []) {
          if (!tableColumns.has(rel.to))
            problems.push(`${where}.${p.name} refers to unknown column '${rel.to}'`);
        }
      }
      for (const sla of (contract.doc.slaProperties ?? []) as { element?: string }[]) {
        if (sla.element && !tableColumns.has(sla.element))
          problems.push(`${where} SLA element '${sla.element}' is unknown`);
      }
    }
    const published = new Set<string>();
    for (const product of products) {
      const doc = product.doc;
      const where = `product:${doc.domain}/${doc.name}`;
      if (!domains.has(String(doc.domain))) problems.push(`${where} is in an unknown domain`);
      checkTeam(where, String(doc.domain), doc.team as Json | undefined, problems);
      for (const port of (doc.outputPorts ?? []) as { name: string; contractId: string }[]) {
        const contract = contractIds.get(port.contractId);
        if (!contract)
          problems.push(`${where} output '${port.name}' has unknown contract ${port.contractId}`);
        else if (contract.domain !== doc.domain)
          problems.push(`${where} publishes ${contract.ref} of another domain`);
        else published.add(contract.id);
      }
      for (const port of (doc.inputPorts ?? []) as { name: string; contractId: string }[]) {
        if (!contractIds.has(port.contractId))
          problems.push(`${where} input '${port.name}' has unknown contract ${port.contractId}`);
      }
    }
    for (const contract of contracts) {
      if (!published.has(contract.id)) problems.push(`${contract.ref} is not an output of any product`);
    }
    expect(problems).toEqual([]);
  });

  it('describe and classify every property with the charter vocabulary', () => {
    const problems: string[] = [];
    for (const contract of contracts) {
      for (const p of contract.properties) {
        const where = `${contract.ref}.${p.name}`;
        if (!p.description || !p.logicalType || !p.physicalType)
          problems.push(`${where} lacks description or types`);
        if (!p.classification || !classificationLevels.includes(p.classification)) {
          problems.push(`${where} classification '${p.classification}' is not a charter level`);
        }
        const tags = p.tags ?? [];
        const categories = tags.filter((t) => t.startsWith('pii:')).map((t) => t.slice(4));
        if (tags.includes('pii')) {
          if (p.classification !== 'confidential' && p.classification !== 'restricted') {
            problems.push(`${where} is personal data classified '${p.classification}'`);
          }
          if (categories.length !== 1 || !personalDataCategories.includes(categories[0]!)) {
            problems.push(`${where} needs exactly one charter personal-data category, has [${categories}]`);
          }
        } else {
          if (categories.length > 0) problems.push(`${where} has a category tag without the pii tag`);
          if (p.classification !== 'internal' && p.classification !== 'public') {
            problems.push(`${where} is not personal data but classified '${p.classification}'`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!referenceDir())('the demo organisation against the official schemas', () => {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const load = (...parts: string[]): object =>
    JSON.parse(readFileSync(referencePath(...parts), 'utf8')) as object;

  it('every contract is valid ODCS v3.1.0', () => {
    const validate = ajv.compile(load('standards', 'odcs', 'main', 'schema', 'odcs-json-schema-v3.1.0.json'));
    const invalid = contracts.flatMap((c) =>
      validate(c.doc) ? [] : [`${c.file}: ${ajv.errorsText(validate.errors)}`],
    );
    expect(invalid).toEqual([]);
  });

  it('every product is valid ODPS v1.0.0', () => {
    const validate = ajv.compile(load('standards', 'odps', 'schema', 'odps-json-schema-v1.0.0.json'));
    const invalid = products.flatMap((p) =>
      validate(p.doc) ? [] : [`${p.file}: ${ajv.errorsText(validate.errors)}`],
    );
    expect(invalid).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The data files, read with DuckDB
// ---------------------------------------------------------------------------------------------------

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let regenerated: GeneratedFile[];
let regeneratedDir: string;

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const fileOf = (contract: Contract): string => join(examplesDir, contract.path);

async function scalar(sql: string): Promise<number | null> {
  const reader = await connection.runAndReadAll(sql);
  const value = reader.getRowsJS()[0]?.[0];
  return value === null || value === undefined ? null : Number(value);
}

beforeAll(async () => {
  regeneratedDir = mkdtempSync(join(tmpdir(), 'charter-demo-test-'));
  regenerated = await generateDemoData(regeneratedDir);
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const contract of contracts) {
    await connection.run(
      `CREATE TABLE ${ident(contract.table)} AS SELECT * FROM ${literal(fileOf(contract))}`,
    );
  }
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  if (regeneratedDir) rmSync(regeneratedDir, { recursive: true, force: true });
});

const INTEGER_TYPES = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];

/** The DuckDB type a Parquet column written from this physical type reads back as. */
function duckDbType(physicalType: string): string {
  const upper = physicalType.toUpperCase().replace(/\s+/g, '');
  return upper.startsWith('VARCHAR') ? 'VARCHAR' : upper;
}

/** CSV types are sniffed, so a CSV column only has to fit its logical type. */
function fitsLogicalType(logicalType: string, type: string): boolean {
  switch (logicalType) {
    case 'string':
      return true;
    case 'integer':
      return INTEGER_TYPES.includes(type);
    case 'number':
      return (
        INTEGER_TYPES.includes(type) || type === 'DOUBLE' || type === 'FLOAT' || type.startsWith('DECIMAL')
      );
    case 'boolean':
      return type === 'BOOLEAN';
    case 'date':
      return type === 'DATE';
    case 'timestamp':
      return type.startsWith('TIMESTAMP');
    default:
      return false;
  }
}

describe('the demo data files', () => {
  it('hold every contract column, in order, with matching types', async () => {
    const problems: string[] = [];
    for (const contract of contracts) {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${literal(fileOf(contract))}`);
      const actual = reader
        .getRowObjectsJS()
        .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
      const expected = contract.properties.map(columnName);
      if (actual.map((c) => c.name).join(',') !== expected.join(',')) {
        problems.push(`${contract.ref}: columns [${actual.map((c) => c.name)}], contract [${expected}]`);
        continue;
      }
      contract.properties.forEach((p, i) => {
        const type = actual[i]!.type;
        const ok =
          contract.format === 'parquet'
            ? type === duckDbType(p.physicalType!)
            : fitsLogicalType(p.logicalType!, type);
        if (!ok) problems.push(`${contract.ref}.${p.name}: ${type} for ${p.logicalType} ${p.physicalType}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('have the rows the generator writes, never none', async () => {
    const expected = new Map(regenerated.map((f) => [f.path, f.rows]));
    for (const contract of contracts) {
      const rows = await scalar(`SELECT COUNT(*) FROM ${ident(contract.table)}`);
      expect.soft(rows, contract.ref).toBe(expected.get(contract.path));
      expect.soft(rows, contract.ref).toBeGreaterThan(0);
    }
    expect(regenerated.map((f) => f.path).sort()).toEqual(contracts.map((c) => c.path).sort());
  });

  it('regenerate from the fixed seed: CSV byte for byte, Parquet row for row, nothing stale left over', async () => {
    const committed = filesUnder(dataDir).map((f) => relative(examplesDir, f));
    const fresh = filesUnder(join(regeneratedDir, 'data')).map((f) => relative(regeneratedDir, f));
    expect(committed).toEqual(fresh);
    const csv = committed.filter((f) => f.endsWith('.csv'));
    expect(csv.length).toBeGreaterThan(10);
    const differing = csv.filter(
      (f) => !readFileSync(join(examplesDir, f)).equals(readFileSync(join(regeneratedDir, f))),
    );
    // Parquet bytes carry the writer's version, so compare what they hold: schema and every row, in order.
    for (const f of committed.filter((x) => x.endsWith('.parquet'))) {
      const [a, b] = [literal(join(examplesDir, f)), literal(join(regeneratedDir, f))];
      const describe = async (file: string): Promise<string> =>
        JSON.stringify((await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${file}`)).getRowsJS());
      const numbered = (file: string): string => `SELECT row_number() OVER () AS n, * FROM ${file}`;
      const mismatched = await scalar(
        `SELECT COUNT(*) FROM ((${numbered(a)} EXCEPT ALL ${numbered(b)}) UNION ALL (${numbered(b)} EXCEPT ALL ${numbered(a)}))`,
      );
      if ((await describe(a)) !== (await describe(b)) || mismatched !== 0) differing.push(f);
    }
    expect(differing).toEqual([]);
  });

  it('stay small', () => {
    const bytes = filesUnder(dataDir).reduce((sum, f) => sum + readFileSync(f).length, 0);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
  });

  it('fail exactly the planted quality checks and pass every other one', async () => {
    const failures: string[] = [];
    let evaluated = 0;
    for (const contract of contracts) {
      for (const check of checksOf(contract)) {
        evaluated++;
        const value = await scalar(check.sql);
        if (!check.passes(value)) failures.push(`${contract.ref} ${check.key}`);
      }
    }
    expect(evaluated).toBeGreaterThan(300);
    expect(failures.sort()).toEqual([...PLANTED_FAILURES].sort());
  });

  it('are all documented in examples/README.md', () => {
    const readme = readFileSync(join(examplesDir, 'README.md'), 'utf8');
    const undocumented = PLANTED_FAILURES.filter((failure) => {
      const [dataset, check] = failure.split(' ') as [string, string];
      const subject = check.slice(check.indexOf(':') + 1);
      const named =
        check.startsWith('quality:') || check.startsWith('freshness:') ? readme.includes(subject) : true;
      return !readme.includes(`\`${dataset}\``) || !named;
    });
    expect(undocumented).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// A small evaluator for the ODCS checks the demo contracts use (the real engine lives in src/quality)
// ---------------------------------------------------------------------------------------------------

interface Check {
  key: string;
  sql: string;
  passes: (value: number | null) => boolean;
}

const OPERATORS: Record<string, (value: number, bound: unknown) => boolean> = {
  mustBe: (v, b) => v === Number(b),
  mustNotBe: (v, b) => v !== Number(b),
  mustBeGreaterThan: (v, b) => v > Number(b),
  mustBeGreaterOrEqualTo: (v, b) => v >= Number(b),
  mustBeLessThan: (v, b) => v < Number(b),
  mustBeLessOrEqualTo: (v, b) => v <= Number(b),
  mustBeBetween: (v, b) => v >= Number((b as number[])[0]) && v <= Number((b as number[])[1]),
  mustNotBeBetween: (v, b) => v < Number((b as number[])[0]) || v > Number((b as number[])[1]),
};

function comparison(rule: QualityRule): (value: number | null) => boolean {
  const operators = Object.keys(OPERATORS).filter((op) => op in rule);
  if (operators.length !== 1) throw new Error(`Rule '${rule.id}' needs exactly one operator`);
  const op = operators[0]!;
  return (value) => value !== null && OPERATORS[op]!(value, rule[op]);
}

function sqlValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : literal(String(value));
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 };

function checksOf(contract: Contract): Check[] {
  const table = ident(contract.table);
  const checks: Check[] = [];
  const ratio = (rule: QualityRule, count: string): string =>
    rule.unit === 'percent' ? `100.0 * ${count} / COUNT(*)` : count;
  const rule = (r: QualityRule, column?: string): void => {
    if (r.type === 'text') return;
    if (!r.id) throw new Error(`${contract.ref} has a quality rule without an id`);
    let sql: string;
    if (r.type === 'sql') {
      sql = r
        .query!.replace(/\$?\{(object|table|model)\}/g, table)
        .replace(/\$?\{(property|column|field)\}/g, column ?? '');
    } else {
      const col = column ?? '';
      switch (r.metric) {
        case 'rowCount':
          sql = `SELECT COUNT(*) FROM ${table}`;
          break;
        case 'nullValues':
          sql = `SELECT ${ratio(r, `COUNT(*) FILTER (WHERE ${col} IS NULL)`)} FROM ${table}`;
          break;
        case 'duplicateValues':
          sql = r.arguments?.properties
            ? `SELECT COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT ${r.arguments.properties.map(ident).join(', ')} FROM ${table})) FROM ${table}`
            : `SELECT ${ratio(r, `COUNT(${col}) - COUNT(DISTINCT ${col})`)} FROM ${table}`;
          break;
        case 'invalidValues': {
          const valid = r.arguments?.validValues;
          const invalid = valid
            ? `${col} NOT IN (${valid.map(sqlValue).join(', ')})`
            : `NOT regexp_matches(CAST(${col} AS VARCHAR), ${literal(r.arguments!.pattern!)})`;
          sql = `SELECT ${ratio(r, `COUNT(*) FILTER (WHERE ${col} IS NOT NULL AND ${invalid})`)} FROM ${table}`;
          break;
        }
        default:
          throw new Error(
            `${contract.ref} rule '${r.id}' uses metric '${r.metric}' this test cannot evaluate`,
          );
      }
    }
    checks.push({ key: `quality:${r.id}`, sql, passes: comparison(r) });
  };
  for (const r of contract.quality) rule(r);
  for (const p of contract.properties) {
    const col = ident(columnName(p));
    const at = `${contract.table}.${columnName(p)}`;
    for (const r of p.quality ?? []) rule(r, col);
    const zero = (value: number | null): boolean => value === 0;
    if (p.required)
      checks.push({
        key: `required:${at}`,
        sql: `SELECT COUNT(*) FILTER (WHERE ${col} IS NULL) FROM ${table}`,
        passes: zero,
      });
    if (p.unique)
      checks.push({
        key: `unique:${at}`,
        sql: `SELECT COUNT(${col}) - COUNT(DISTINCT ${col}) FROM ${table}`,
        passes: zero,
      });
    const options = p.logicalTypeOptions ?? {};
    const bound = (value: unknown): string =>
      p.logicalType === 'date' ? `DATE ${literal(String(value))}` : String(value);
    const range: [string, string][] = [
      ['minimum', '<'],
      ['exclusiveMinimum', '<='],
      ['maximum', '>'],
      ['exclusiveMaximum', '>='],
    ];
    for (const [option, violates] of range) {
      if (options[option] === undefined) continue;
      checks.push({
        key: `${option}:${at}`,
        sql: `SELECT COUNT(*) FILTER (WHERE ${col} ${violates} ${bound(options[option])}) FROM ${table}`,
        passes: zero,
      });
    }
    if (options.format === 'uuid') {
      const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
      checks.push({
        key: `format:${at}`,
        sql: `SELECT COUNT(*) FILTER (WHERE NOT regexp_matches(${col}, ${literal(uuid)})) FROM ${table}`,
        passes: zero,
      });
    }
  }
  const snapshot = Date.parse(SNAPSHOT);
  for (const sla of (contract.doc.slaProperties ?? []) as {
    property: string;
    value: number;
    unit: string;
    element?: string;
  }[]) {
    const property = sla.property.toLowerCase();
    if (!sla.element || (property !== 'freshness' && property !== 'retention')) continue;
    const column = ident(sla.element.slice(sla.element.indexOf('.') + 1));
    const unit = UNIT_MS[sla.unit];
    if (!unit) throw new Error(`${contract.ref} SLA unit '${sla.unit}' is unknown`);
    const limit = sla.value * unit;
    const edge = property === 'freshness' ? 'MAX' : 'MIN';
    checks.push({
      key: `${property}:${sla.element}`,
      sql: `SELECT epoch_ms(${edge}(CAST(${column} AS TIMESTAMP))) FROM ${table}`,
      passes: (value) => value !== null && value <= snapshot && snapshot - value <= limit,
    });
  }
  return checks;
}
