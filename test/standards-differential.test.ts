/**
 * Differential test: Charter's own ODCS and ODPS validators against the official JSON Schemas, which
 * serve only as the oracle here. Every official example, negative test and datacontract-cli fixture,
 * plus thousands of seeded mutations of the valid ones, must get the same verdict from both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { upgradeOdcs, validateOdcs } from '../src/model/odcs/odcs.js';
import { validateOdps } from '../src/model/odps/odps.js';
import { pointerToPath, type ValidationIssue } from '../src/model/validation.js';
import { referenceDir, referencePath } from './support/reference.js';

const reference = referenceDir();

// A deeper local run: CHARTER_DIFFERENTIAL_VARIANTS=50000 CHARTER_DIFFERENTIAL_SEED=7 npx vitest run test/standards-…
const variantCount = Number(process.env.CHARTER_DIFFERENTIAL_VARIANTS ?? 3000);
const variantSeed = Number(process.env.CHARTER_DIFFERENTIAL_SEED ?? 20260601);

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2019) => void;

type Json = Record<string, unknown>;
type Segment = string | number;

function loadYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'), { version: '1.2', schema: 'core' });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    })
    .sort();
}

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface Oracle {
  v31: ValidateFunction;
  v302: ValidateFunction;
  odps: ValidateFunction;
}

function officialOracle(): Oracle {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const load = (file: string) => JSON.parse(readFileSync(referencePath(file), 'utf8')) as object;
  return {
    v31: ajv.compile(load('standards/odcs/main/schema/odcs-json-schema-v3.1.0.json')),
    v302: ajv.compile(load('standards/odcs/main/schema/odcs-json-schema-v3.0.2.json')),
    odps: ajv.compile(load('standards/odps/schema/odps-json-schema-v1.0.0.json')),
  };
}

const v30Versions = ['v3.0.0', 'v3.0.1', 'v3.0.2'];

/** Each server type's fields, read from the official v3.1.0 schema so mutations build plausible servers. */
const officialServerLayouts: Record<string, { fields: string[]; required: string[] }> = {};
if (reference) {
  const schema = JSON.parse(
    readFileSync(referencePath('standards/odcs/main/schema/odcs-json-schema-v3.1.0.json'), 'utf8'),
  ) as {
    $defs: {
      Server: { allOf: Json[] };
      ServerSource: Record<string, { properties?: Json; required?: string[] }>;
    };
  };
  for (const branch of schema.$defs.Server.allOf) {
    const type = ((branch.if as Json).properties as Record<string, { const: string }>).type!.const;
    const source =
      schema.$defs.ServerSource[
        String((branch.then as Json).$ref)
          .split('/')
          .at(-1)!
      ]!;
    officialServerLayouts[type] = {
      fields: Object.keys(source.properties ?? {}),
      required: source.required ?? [],
    };
  }
}

/** The official schema a document's apiVersion selects (v3.1.0 for anything not v3.0.x). */
function officialFor(oracle: Oracle, doc: unknown): ValidateFunction {
  const apiVersion = isRecord(doc) ? doc.apiVersion : undefined;
  return v30Versions.includes(apiVersion as string) ? oracle.v302 : oracle.v31;
}

/** ODCS v2.x: the official v3 schemas still list it; Charter refuses it on purpose. */
const isV2 = (doc: unknown): boolean => isRecord(doc) && /^v2\./.test(String(doc.apiVersion));

// ---------------------------------------------------------------------------------------------
// Seeded mutations

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Node {
  path: Segment[];
  value: unknown;
}

function collect(value: unknown, path: Segment[] = [], out: Node[] = []): Node[] {
  out.push({ path, value });
  if (Array.isArray(value)) for (const [i, item] of value.entries()) collect(item, [...path, i], out);
  else if (isRecord(value))
    for (const [key, item] of Object.entries(value)) collect(item, [...path, key], out);
  return out;
}

function at(doc: unknown, path: readonly Segment[]): unknown {
  let current = doc;
  for (const segment of path) current = (current as Record<string, unknown>)[segment as string];
  return current;
}

function setAt(doc: unknown, path: readonly Segment[], value: unknown): void {
  const parent = at(doc, path.slice(0, -1)) as Record<string, unknown>;
  parent[path.at(-1) as string] = value;
}

const operators = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
];
const operatorSamples: Record<string, unknown[]> = {
  mustBe: [0, 'x', null],
  mustNotBe: [5, 'y'],
  mustBeGreaterThan: [1, '1'],
  mustBeGreaterOrEqualTo: [0, true],
  mustBeLessThan: [10, [1]],
  mustBeLessOrEqualTo: [100, null],
  mustBeBetween: [[0, 10], [10], [1, 1], [0, 'a'], 5],
  mustNotBeBetween: [
    [5, 6],
    [1, 2, 3],
  ],
};

/** Values per key that exercise the schemas' discriminators and enums: some valid, some not. */
const enumSamples: Record<string, unknown[]> = {
  logicalType: [
    'string',
    'integer',
    'number',
    'boolean',
    'date',
    'timestamp',
    'time',
    'object',
    'array',
    'strin',
    'map',
    7,
  ],
  type: [
    'postgres',
    'postgresql',
    'snowflake',
    'bigquery',
    's3',
    'sftp',
    'azure',
    'kafka',
    'local',
    'custom',
    'duckdb',
    'hive',
    'zen',
    'athena',
    'api',
    'trino',
    'mongodb',
    'library',
    'sql',
    'text',
    'foreignKey',
    'primaryKey',
    'unknown',
  ],
  dimension: ['accuracy', 'completeness', 'timeliness', 'validity', 'cp'],
  metric: [
    'nullValues',
    'missingValues',
    'invalidValues',
    'duplicateValues',
    'rowCount',
    'duplicateCount',
    'nulls',
  ],
  kind: ['DataContract', 'DataProduct', 'DataModel'],
  apiVersion: ['v3.1.0', 'v3.0.2', 'v3.0.0', 'v3.2.0', 'v4.0.0', '3.1.0', 'v1.0.0', 'v0.9.0'],
  format: ['i32', 'f64', 'u8', 'parquet', 'csv', 'avro', 'date-time', 'i7'],
  delimiter: ['new_line', 'array', ';'],
  unit: ['rows', 'percent'],
};

/** Keys that matter somewhere; added where they may or may not belong. */
const borrowedKeys: Record<string, unknown> = {
  host: 'db.example.com',
  port: 5432,
  database: 'db',
  schema: 'public',
  location: 's3://bucket/path',
  stream: 'events',
  query: 'SELECT COUNT(*) FROM t',
  metric: 'nullValues',
  rule: 'nullValues',
  engine: 'soda',
  implementation: 'checks: []',
  arguments: { validValues: ['a'] },
  validValues: ['a', 'b'],
  mustBe: 0,
  items: { logicalType: 'string' },
  properties: [{ name: 'nested', logicalType: 'string' }],
  logicalTypeOptions: { maxLength: 10 },
  from: 'orders.id',
  to: 'customers.id',
  relationships: [{ to: 'customers.id' }],
  id: 'stable_id-1',
  examples: ['x'],
  members: [],
  username: 'alice',
  description: 'text',
  customProperties: [{ property: 'p', value: 1 }],
  tags: ['t'],
  element: 'orders.id',
  xCharterUnknown: 'surprise',
};

const requiredKeys = new Set([
  'apiVersion',
  'kind',
  'id',
  'version',
  'status',
  'name',
  'server',
  'type',
  'host',
  'port',
  'database',
  'schema',
  'location',
  'format',
  'project',
  'dataset',
  'account',
  'catalog',
  'path',
  'stagingDir',
  'serviceName',
  'metric',
  'rule',
  'query',
  'engine',
  'implementation',
  'property',
  'value',
  'url',
  'channel',
  'role',
  'username',
  'to',
  'from',
  'contractId',
  'content',
  ...operators,
]);

const malformed: Record<string, unknown[]> = {
  dateIn: ['2022-13-45', 'yesterday'],
  dateOut: ['02/08/2022'],
  contractCreatedTs: ['2022-11-15', 'now'],
  productCreatedTs: ['2022-11-15T10:00'],
  location: ['not a uri', 'ftp://x/y', 'sftp://host/dir'],
  url: ['not a uri', 'https://example.com/x'],
  id: ['bad id!', 'ok_id-2', ''],
  to: ['orders', 'orders.id.x', 'schema/orders/properties/id', ['a.b'], []],
  from: ['orders.id', ['a.b', 'c.d'], 'x'],
  version: [1, 1.5, '1.0.0'],
  endpointUrl: ['http://localhost:9000', 'localhost'],
};

/** Plausible values for the fields servers of some type need, valid or not for another type. */
const serverFieldSamples: Record<string, unknown[]> = {
  host: ['db.example.com'],
  port: [5432, '5432'],
  database: ['sales'],
  schema: ['public', 3],
  catalog: ['main'],
  account: ['acme-eu'],
  project: ['acme-analytics'],
  dataset: ['sales'],
  location: [
    's3://bucket/orders/',
    'sftp://files.example.com/orders',
    'https://example.com/api',
    'abfss://c@a.dfs.core.windows.net/p',
  ],
  endpointUrl: ['https://minio.example.com'],
  stagingDir: ['s3://athena-results/', 'results'],
  path: ['./data/orders.csv'],
  format: ['parquet', 'csv', 'avro'],
  delimiter: ['new_line', ';'],
  serviceName: ['ORCL'],
  region: ['eu-west-1'],
  regionName: ['eu-west-1'],
  warehouse: ['COMPUTE_WH'],
  stream: ['orders-stream'],
};

const logicalTypeOptionSamples: unknown[] = [
  {},
  { maxLength: 10 },
  { minLength: -1 },
  { pattern: '^[A-Z]+$', format: 'email' },
  { format: 'i32', minimum: 0 },
  { format: 'f64', exclusiveMaximum: 100 },
  { exclusiveMaximum: true, maximum: 10 },
  { exclusiveMinimum: false },
  { minimum: '2020-01-01', exclusiveMaximum: '2030-01-01' },
  { timezone: true, defaultTimezone: 'Etc/UTC' },
  { required: ['a'], maxProperties: 3 },
  { required: [] },
  { minItems: 1, uniqueItems: true },
  { multipleOf: 0 },
  { anything: 1 },
];

const relationshipSamples: unknown[] = [
  { type: 'foreignKey', to: 'customers.id' },
  { to: ['customers.id', 'customers.tenant'] },
  { from: 'orders.customer_id', to: 'customers.id' },
  { from: ['orders.a', 'orders.b'], to: ['customers.a', 'customers.b'] },
  { from: 'orders.a', to: ['customers.a'] },
  { from: ['orders.a'], to: 'customers.a' },
  { from: [], to: [] },
  { to: 'schema/customers/properties/id' },
  { to: 'other.yaml#/schema/customers/properties/id', customProperties: [{ property: 'p', value: 1 }] },
  { to: 'customers' },
  { type: 'primaryKey', to: 'customers.id' },
];

/** Changes the document in place; says whether it found something to change. */
type Mutation = (doc: Json, nodes: Node[], rnd: () => number) => boolean;

function pick<T>(rnd: () => number, list: readonly T[]): T | undefined {
  return list.length ? list[Math.floor(rnd() * list.length)] : undefined;
}

/** Picks a node evenly by path shape first (`schema[*].properties[*].name`), so the one `price` of a
 *  contract is as likely a target as its thousand property names. */
function pickNode(rnd: () => number, nodes: readonly Node[]): Node | undefined {
  const shapes = new Map<string, Node[]>();
  for (const node of nodes) {
    const shape = node.path.map((s) => (typeof s === 'number' ? '*' : s)).join('.');
    const group = shapes.get(shape);
    if (group) group.push(node);
    else shapes.set(shape, [node]);
  }
  const group = pick(rnd, [...shapes.values()]);
  return group && pick(rnd, group);
}

const keyed = (nodes: Node[], keys: (key: Segment | undefined) => boolean) =>
  nodes.filter((n) => n.path.length > 0 && keys(n.path.at(-1)));

function otherType(value: unknown, rnd: () => number): unknown {
  const choices: unknown[] =
    typeof value === 'string'
      ? [42, true, null, [value], { value }]
      : typeof value === 'number'
        ? [String(value), null, [value]]
        : typeof value === 'boolean'
          ? [String(value), 1]
          : Array.isArray(value)
            ? [{}, 'x', value.length]
            : isRecord(value)
              ? [[], 'x', 3]
              : ['x', 0];
  return pick(rnd, choices);
}

const isQualityRule = (n: Node) => isRecord(n.value) && n.path.at(-2) === 'quality';
const isServer = (n: Node) => isRecord(n.value) && n.path.at(-2) === 'servers';

const mutations: Record<string, Mutation> = {
  'delete a required key': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      keyed(nodes, (k) => requiredKeys.has(k as string)),
    );
    if (!node) return false;
    delete (at(doc, node.path.slice(0, -1)) as Json)[node.path.at(-1) as string];
    return true;
  },
  'delete any key': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      keyed(nodes, (k) => typeof k === 'string'),
    );
    if (!node) return false;
    delete (at(doc, node.path.slice(0, -1)) as Json)[node.path.at(-1) as string];
    return true;
  },
  "change a value's type": (doc, nodes, rnd) => {
    const node = pickNode(rnd, nodes.slice(1));
    if (!node) return false;
    setAt(doc, node.path, otherType(node.value, rnd));
    return true;
  },
  'add a key at some depth': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      nodes.filter((n) => isRecord(n.value)),
    );
    const key = pick(rnd, Object.keys(borrowedKeys));
    if (!node || !key || key in (node.value as Json)) return false;
    (at(doc, node.path) as Json)[key] = structuredClone(borrowedKeys[key]);
    return true;
  },
  "borrow another object's key": (doc, nodes, rnd) => {
    const target = pickNode(
      rnd,
      nodes.filter((n) => isRecord(n.value)),
    );
    const donor = pickNode(
      rnd,
      keyed(nodes, (k) => typeof k === 'string'),
    );
    const key = donor?.path.at(-1) as string | undefined;
    if (!target || !donor || !key || key in (target.value as Json)) return false;
    (at(doc, target.path) as Json)[key] = structuredClone(donor.value);
    return true;
  },
  'set an enum to another value': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      keyed(nodes, (k) => typeof k === 'string' && k in enumSamples),
    );
    if (!node) return false;
    const value = pick(rnd, enumSamples[node.path.at(-1) as string]!);
    if (value === node.value) return false;
    setAt(doc, node.path, value);
    return true;
  },
  'give a quality rule operators': (doc, nodes, rnd) => {
    const rule = pickNode(rnd, nodes.filter(isQualityRule));
    if (!rule) return false;
    const target = at(doc, rule.path) as Json;
    const roll = rnd();
    if (roll < 0.5) {
      const op = pick(
        rnd,
        operators.filter((o) => !(o in target)),
      )!;
      target[op] = structuredClone(pick(rnd, operatorSamples[op]!));
    } else if (roll < 0.7) {
      for (const op of operators) delete target[op];
    } else {
      const op = pick(rnd, operators)!;
      target[op] = structuredClone(pick(rnd, operatorSamples[op]!));
    }
    return true;
  },
  "break a server's fields": (doc, nodes, rnd) => {
    const server = pickNode(rnd, nodes.filter(isServer));
    if (!server) return false;
    const target = at(doc, server.path) as Json;
    if (rnd() < 0.5) {
      const key = pick(
        rnd,
        Object.keys(target).filter((k) => k !== 'server'),
      );
      if (!key) return false;
      delete target[key];
    } else {
      target.type = pick(rnd, enumSamples.type!);
    }
    return true;
  },
  "switch a server's type": (doc, nodes, rnd) => {
    const server = pickNode(rnd, nodes.filter(isServer));
    const type = pick(rnd, Object.keys(officialServerLayouts));
    if (!server || !type) return false;
    const target = at(doc, server.path) as Json;
    const { fields, required } = officialServerLayouts[type]!;
    for (const key of Object.keys(target))
      if (!['server', 'type', 'description', 'environment'].includes(key)) delete target[key];
    target.type = type;
    for (const field of fields) {
      if (required.includes(field) ? rnd() < 0.92 : rnd() < 0.4) {
        target[field] = pick(rnd, serverFieldSamples[field] ?? ['x']);
      }
    }
    if (rnd() < 0.1) target[pick(rnd, Object.keys(serverFieldSamples))!] = 'stray';
    return true;
  },
  "switch a property's logical type": (doc, nodes, rnd) => {
    const property = pickNode(
      rnd,
      nodes.filter((n) => isRecord(n.value) && (n.path.at(-2) === 'properties' || n.path.at(-1) === 'items')),
    );
    if (!property) return false;
    const target = at(doc, property.path) as Json;
    if (rnd() < 0.8) target.logicalType = pick(rnd, enumSamples.logicalType!);
    else delete target.logicalType;
    if (rnd() < 0.7) target.logicalTypeOptions = structuredClone(pick(rnd, logicalTypeOptionSamples));
    if (rnd() < 0.2) target.items = { logicalType: pick(rnd, ['string', 'object', 'array']) };
    if (rnd() < 0.2) target.properties = [{ name: 'nested', logicalType: 'string' }];
    return true;
  },
  'add a relationship': (doc, nodes, rnd) => {
    const owner = pickNode(
      rnd,
      nodes.filter(
        (n) => isRecord(n.value) && (n.path.at(-2) === 'schema' || n.path.at(-2) === 'properties'),
      ),
    );
    if (!owner) return false;
    (at(doc, owner.path) as Json).relationships = [structuredClone(pick(rnd, relationshipSamples))];
    return true;
  },
  'empty an array': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      nodes.filter((n) => Array.isArray(n.value) && n.path.length > 0),
    );
    if (!node) return false;
    setAt(doc, node.path, []);
    return true;
  },
  'empty an object': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      nodes.filter((n) => isRecord(n.value) && n.path.length > 0),
    );
    if (!node) return false;
    setAt(doc, node.path, {});
    return true;
  },
  'malform a formatted value': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      keyed(nodes, (k) => typeof k === 'string' && k in malformed),
    );
    if (!node) return false;
    setAt(doc, node.path, structuredClone(pick(rnd, malformed[node.path.at(-1) as string]!)));
    return true;
  },
  'copy a value from elsewhere': (doc, nodes, rnd) => {
    const target = pickNode(rnd, nodes.slice(1));
    const donor = pickNode(rnd, nodes.slice(1));
    if (!target || !donor || donor.path.join('/').startsWith(target.path.join('/'))) return false;
    setAt(doc, target.path, structuredClone(donor.value));
    return true;
  },
  'misspell a key': (doc, nodes, rnd) => {
    const node = pickNode(
      rnd,
      keyed(nodes, (k) => typeof k === 'string'),
    );
    if (!node) return false;
    const parent = at(doc, node.path.slice(0, -1)) as Json;
    const key = node.path.at(-1) as string;
    parent[key.slice(0, -1)] = parent[key];
    delete parent[key];
    return true;
  },
};

interface Variant {
  seed: string;
  mutations: string[];
  doc: Json;
}

function* variants(seeds: { name: string; doc: Json }[], total: number, seed: number): Generator<Variant> {
  const rnd = random(seed);
  const names = Object.keys(mutations);
  const indexed = seeds.map((s) => ({ ...s, nodes: collect(s.doc) }));
  let produced = 0;
  let attempts = 0;
  while (produced < total && attempts < total * 20) {
    attempts++;
    const base = indexed[produced % indexed.length]!;
    const doc = structuredClone(base.doc);
    const applied: string[] = [];
    const steps = rnd() < 0.75 ? 1 : rnd() < 0.7 ? 2 : 3;
    for (let i = 0; i < steps; i++) {
      const name = pick(rnd, names)!;
      const nodes = i === 0 ? base.nodes : collect(doc);
      if (mutations[name]!(doc, nodes, rnd)) applied.push(name);
    }
    if (applied.length === 0) continue;
    produced++;
    yield { seed: base.name, mutations: applied, doc };
  }
}

// ---------------------------------------------------------------------------------------------
// Systematic variants: catalogues of samples placed into one small example, under both versions

const qualityBodies: Json[] = [
  {},
  { metric: 'nullValues' },
  { metric: 'invalidValues', arguments: { validValues: ['a'] } },
  { metric: 'rowCount', arguments: 'x' },
  { metric: 'bogus' },
  { rule: 'nullValues' },
  { rule: 'duplicateCount', validValues: ['a'] },
  { query: 'SELECT COUNT(*) FROM t' },
  { engine: 'soda', implementation: 'checks: []' },
  { engine: 'soda', implementation: { checks: [] } },
  { engine: 'soda', implementation: 3 },
  { description: 'free text', element: 'orders.id' },
];
const operatorSets: Json[] = [
  {},
  { mustBe: 0 },
  { mustBeGreaterThan: 'x' },
  { mustBe: 0, mustNotBe: 1 },
  { mustBeBetween: [0, 10] },
  { mustBeBetween: [1, 1] },
  { mustBeGreaterOrEqualTo: 1, mustBeLessOrEqualTo: 9 },
];

function* systematicVariants(base: Json): Generator<{ label: string; doc: Json }> {
  const withFirstObject = (edit: (object: Json) => void) => {
    const doc = structuredClone(base);
    edit((doc.schema as Json[])[0]!);
    return doc;
  };
  for (const apiVersion of ['v3.0.2', 'v3.1.0']) {
    const inVersion = (label: string, doc: Json) => ({
      label: `${apiVersion} ${label}`,
      doc: { ...doc, apiVersion },
    });

    for (const [type, { fields, required }] of Object.entries(officialServerLayouts).concat([
      ['mongodb', { fields: ['host'], required: [] }],
    ])) {
      const full = Object.fromEntries(fields.map((f) => [f, serverFieldSamples[f]?.[0] ?? 'x']));
      const last = Object.fromEntries(fields.map((f) => [f, serverFieldSamples[f]?.at(-1) ?? 'x']));
      const servers: [string, Json][] = [
        ['all fields', full],
        ['all fields, other samples', last],
        ['required fields', Object.fromEntries(required.map((f) => [f, full[f]]))],
        ['a stray field', { ...full, warehouse: 'WH', stream: 's' }],
        ['an unknown field', { ...full, xCharterUnknown: 1 }],
        ...required.map((f): [string, Json] => [`no ${f}`, { ...full, [f]: undefined }]),
      ];
      for (const [what, fieldsOf] of servers) {
        const server = JSON.parse(JSON.stringify({ server: 'main', type, ...fieldsOf })) as Json;
        yield inVersion(`${type} server with ${what}`, { ...base, servers: [server] });
      }
    }

    for (const type of [undefined, 'library', 'sql', 'custom', 'text', 'bogus']) {
      for (const body of qualityBodies) {
        for (const ops of operatorSets) {
          const rule = { ...(type ? { type } : {}), ...body, ...ops };
          const label = `quality ${JSON.stringify(rule)}`;
          yield inVersion(
            `${label} on a table`,
            withFirstObject((o) => (o.quality = [rule])),
          );
          yield inVersion(
            `${label} on a column`,
            withFirstObject((o) => (o.properties = [{ name: 'c', logicalType: 'string', quality: [rule] }])),
          );
        }
      }
    }

    for (const logicalType of [...enumSamples.logicalType!, undefined]) {
      for (const options of logicalTypeOptionSamples) {
        for (const nested of [{}, { items: { logicalType: 'string' } }, { properties: [{ name: 'n' }] }]) {
          const property = {
            name: 'c',
            ...(logicalType === undefined ? {} : { logicalType }),
            logicalTypeOptions: options,
            ...nested,
          };
          yield inVersion(
            `property ${JSON.stringify(property)}`,
            withFirstObject((o) => (o.properties = [property])),
          );
        }
      }
      const item = { logicalType: 'array', items: { logicalType, properties: [{ name: 'n' }] } };
      yield inVersion(
        `array items ${JSON.stringify(item)}`,
        withFirstObject((o) => (o.properties = [{ name: 'c', ...item }])),
      );
    }

    for (const relationship of relationshipSamples) {
      const label = `relationship ${JSON.stringify(relationship)}`;
      yield inVersion(
        `${label} on a table`,
        withFirstObject((o) => (o.relationships = [relationship])),
      );
      yield inVersion(
        `${label} on a column`,
        withFirstObject((o) => (o.properties = [{ name: 'c', relationships: [relationship] }])),
      );
    }

    const member = { username: 'alice', role: 'owner', dateIn: '2024-01-02' };
    const elements: [string, Json][] = [
      ['team as a list', { team: [member] }],
      ['team as an object', { team: { name: 't', members: [member] } }],
      ['team member without username', { team: [{ name: 'Alice' }] }],
      ['team member with an unknown key', { team: [{ ...member, xCharterUnknown: 1 }] }],
      ['team member with tags and an id', { team: [{ ...member, id: 'm1', tags: ['a'] }] }],
      ['team member with a bad date', { team: [{ ...member, dateOut: '2024-13-01' }] }],
      ['support without url', { support: [{ channel: '#data' }] }],
      [
        'support with an unknown key',
        { support: [{ channel: '#data', url: 'https://x', xCharterUnknown: 1 }] },
      ],
      [
        'support with custom properties',
        { support: [{ channel: '#d', url: 'u', customProperties: [{ property: 'p', value: 1 }] }] },
      ],
      ['price with an unknown key', { price: { priceAmount: 1, priceCurrency: 'EUR', xCharterUnknown: 1 } }],
      ['price with a text amount', { price: { priceAmount: '1' } }],
      [
        'SLA with a description',
        { slaProperties: [{ property: 'latency', value: 4, unit: 'd', description: 'x' }] },
      ],
      ['SLA with an object value', { slaProperties: [{ property: 'latency', value: { d: 4 } }] }],
      ['SLA with an unknown key', { slaProperties: [{ property: 'latency', value: 4, xCharterUnknown: 1 }] }],
      ['role with an unknown key', { roles: [{ role: 'r', access: 'read', xCharterUnknown: 1 }] }],
      ['custom property without value', { customProperties: [{ property: 'p' }] }],
      [
        'custom property with an unknown key',
        { customProperties: [{ property: 'p', value: 1, xCharterUnknown: 1 }] },
      ],
      [
        'authoritative definition with an unknown key',
        { authoritativeDefinitions: [{ url: 'u', type: 't', xCharterUnknown: 1 }] },
      ],
      ['authoritative definition without type', { authoritativeDefinitions: [{ url: 'u' }] }],
      ['description with an unknown key', { description: { purpose: 'p', xCharterUnknown: 1 } }],
      ['a data product', { dataProduct: 'sales' }],
      ['a creation time without zone', { contractCreatedTs: '2024-01-02T10:00:00' }],
      ['version as a number', { version: 1 }],
    ];
    for (const [label, patch] of elements) yield inVersion(label, { ...base, ...patch });
  }
}

/** ODPS elements, each with one thing right or wrong, placed into the simple example. */
function* systematicProducts(base: Json): Generator<{ label: string; doc: Json }> {
  const port = { name: 'p', version: '1.0.0', contractId: 'c-1' };
  const support = { channel: '#data', url: 'https://chat.example.com/data' };
  const member = { username: 'alice', role: 'owner', dateIn: '2024-01-02' };
  const samples: [string, Json][] = [
    ['input port without contractId', { inputPorts: [{ name: 'p', version: '1' }] }],
    ['input port with a description', { inputPorts: [{ ...port, description: 'x' }] }],
    ['output port without version', { outputPorts: [{ name: 'p' }] }],
    [
      'output port with sbom and input contracts',
      {
        outputPorts: [
          {
            ...port,
            sbom: [{ url: 'https://sbom.example.com/x' }],
            inputContracts: [{ id: 'c', version: '1' }],
          },
        ],
      },
    ],
    [
      'output port with a relative sbom url',
      { outputPorts: [{ ...port, sbom: [{ type: 'external', url: 'sbom.json' }] }] },
    ],
    [
      'output port with an input contract without version',
      { outputPorts: [{ ...port, inputContracts: [{ id: 'c' }] }] },
    ],
    [
      'management port',
      {
        managementPorts: [
          { name: 'm', content: 'observability', type: 'rest', url: 'https://m.example.com' },
        ],
      },
    ],
    ['management port without content', { managementPorts: [{ name: 'm' }] }],
    [
      'management port with a relative url',
      { managementPorts: [{ name: 'm', content: 'control', url: '/x' }] },
    ],
    ['support', { support: [support] }],
    ['support without url', { support: [{ channel: '#data' }] }],
    ['support with a relative url', { support: [{ ...support, url: 'data-channel' }] }],
    ['support with a mailto url', { support: [{ ...support, url: 'mailto:data@example.com' }] }],
    [
      'support with an invitation url',
      { support: [{ ...support, invitationUrl: 'https://join.example.com' }] },
    ],
    ['support with an unknown key', { support: [{ ...support, xCharterUnknown: 1 }] }],
    ['team', { team: { name: 't', members: [member] } }],
    ['team as a list', { team: [member] }],
    ['team member without username', { team: { members: [{ name: 'Alice' }] } }],
    ['team member with a bad date', { team: { members: [{ ...member, dateIn: '2024-13-01' }] } }],
    ['team with an id', { team: { id: 't1', members: [] } }],
    [
      'authoritative definition with a relative url',
      { authoritativeDefinitions: [{ type: 't', url: 'docs/x' }] },
    ],
    [
      'authoritative definition with an id',
      { authoritativeDefinitions: [{ type: 't', url: 'https://x', id: 'a' }] },
    ],
    ['custom property without value', { customProperties: [{ property: 'p' }] }],
    ['custom property with a null value', { customProperties: [{ property: 'p', value: null }] }],
    ['description with an unknown key', { description: { purpose: 'p', xCharterUnknown: 1 } }],
    ['creation time', { productCreatedTs: '2024-01-02T10:00:00Z' }],
    ['creation time without zone', { productCreatedTs: '2024-01-02T10:00:00' }],
    ['apiVersion v1.0.0', { apiVersion: 'v1.0.0' }],
    ['apiVersion v1.1.0', { apiVersion: 'v1.1.0' }],
    ['version as a number', { version: 1 }],
  ];
  for (const [label, patch] of samples) yield { label, doc: { ...base, ...patch } };
}

// ---------------------------------------------------------------------------------------------

interface Tally {
  compared: number;
  agreed: number;
  officialValid: number;
  differences: string[];
}

const newTally = (): Tally => ({ compared: 0, agreed: 0, officialValid: 0, differences: [] });

function compare(
  tally: Tally,
  label: string,
  doc: unknown,
  official: ValidateFunction,
  ours: (d: unknown) => ValidationIssue[],
): { theirs: boolean; issues: ValidationIssue[] } {
  const theirs = official(doc) as boolean;
  const issues = ours(doc);
  tally.compared++;
  if (theirs) tally.officialValid++;
  if (theirs === (issues.length === 0)) tally.agreed++;
  else {
    const why = theirs
      ? `ours: ${JSON.stringify(issues.slice(0, 3))}`
      : `official: ${JSON.stringify(
          (official.errors ?? []).slice(0, 3).map((e: ErrorObject) => [e.instancePath, e.message, e.params]),
        )}`;
    tally.differences.push(
      `${label}: official ${theirs ? 'valid' : 'invalid'}, ours ${issues.length ? 'invalid' : 'valid'}; ${why}`,
    );
  }
  return { theirs, issues };
}

/** How many quality rules a contract has: an upgrade may split rules, never drop them. */
function countRules(doc: unknown): number {
  const rulePath = /^schema\.\d+(\.properties\.\d+|\.items)*\.quality\.\d+$/;
  return collect(doc).filter((n) => rulePath.test(n.path.join('.'))).length;
}

/** What an upgrade must keep: at least as many rules, and the same schema objects and servers. */
function keptByUpgrade(before: Json, after: Json): boolean {
  const size = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  return (
    countRules(after) >= countRules(before) &&
    size(after.schema) === size(before.schema) &&
    size(after.servers) === size(before.servers)
  );
}

function summarise(name: string, tally: Tally): string {
  return `${name}: ${tally.agreed}/${tally.compared} agreed (${tally.officialValid} valid per the official schema)`;
}

describe.skipIf(!reference)('Charter validators vs the official ODCS and ODPS schemas', () => {
  const oracle = reference ? officialOracle() : (undefined as unknown as Oracle);
  const standards = reference ? referencePath('standards') : '';
  const rel = (path: string) => relative(standards, path);
  const summary: string[] = [];
  afterAll(() => console.info(`Standards differential:\n  ${summary.join('\n  ')}`));

  const examples = reference
    ? yamlFiles(join(standards, 'odcs/main/docs/examples')).map((path) => ({
        path,
        doc: loadYaml(path) as Json,
      }))
    : [];
  const fixtures = reference
    ? yamlFiles(join(standards, 'datacontract-cli-fixtures/tests/fixtures'))
        .map((path) => ({ path, doc: loadYaml(path) }))
        .filter(
          (f): f is { path: string; doc: Json } =>
            isRecord(f.doc) && f.doc.kind === 'DataContract' && /^v3\.[01]\./.test(String(f.doc.apiVersion)),
        )
    : [];
  const products = reference
    ? yamlFiles(join(standards, 'odps/docs/examples')).map((path) => ({ path, doc: loadYaml(path) as Json }))
    : [];

  it('agrees on every official ODCS example', () => {
    const tally = newTally();
    for (const { path, doc } of examples)
      compare(tally, rel(path), doc, officialFor(oracle, doc), validateOdcs);
    summary.push(summarise(`ODCS examples (${examples.length})`, tally));
    expect(examples.length).toBe(18);
    expect(tally.differences).toEqual([]);
  });

  it('agrees on every datacontract-cli ODCS v3.0/v3.1 fixture', () => {
    const tally = newTally();
    for (const { path, doc } of fixtures)
      compare(tally, rel(path), doc, officialFor(oracle, doc), validateOdcs);
    summary.push(summarise(`datacontract-cli fixtures (${fixtures.length})`, tally));
    expect(fixtures.length).toBeGreaterThanOrEqual(24);
    expect(tally.differences).toEqual([]);
  });

  it('refuses the negative tests that v3.1.0 refuses too, pointing at the offending element', () => {
    const dir = join(standards, 'odcs/dev-v3.2.0/src/script/negative-tests');
    const files = yamlFiles(dir);
    const asIs = newTally();
    const relabelled = newTally();
    const record: string[] = [];
    for (const path of files) {
      const doc = loadYaml(path) as Json;
      // As written they declare v3.2.0 (unreleased): both refuse on apiVersion alone.
      const { issues } = compare(asIs, rel(path), doc, oracle.v31, validateOdcs);
      expect(issues).toEqual([
        { path: 'apiVersion', message: expect.stringMatching(/not released|supported/) },
      ]);

      // Declared as v3.1.0 they test the rest of the rules.
      if (doc.apiVersion === 'v4.0.0') continue;
      const v31doc = { ...doc, apiVersion: 'v3.1.0' };
      const verdict = compare(relabelled, `${rel(path)} as v3.1.0`, v31doc, oracle.v31, validateOdcs);
      record.push(
        `${rel(path).split('/').at(-1)}: ${verdict.issues.map((i) => `${i.path} ${i.message}`).join(' | ') || 'valid'}`,
      );
      if (verdict.theirs) continue;
      expect(verdict.issues.length).toBeGreaterThan(0);
      for (const issue of verdict.issues) expect(issue.path).not.toBe('');
      const theirPaths = (oracle.v31.errors ?? []).map((e) => pointerToPath(e.instancePath));
      expect(verdict.issues.some((i) => theirPaths.some((p) => i.path.startsWith(p)))).toBe(true);
    }
    summary.push(summarise(`negative tests as written (${files.length})`, asIs));
    summary.push(summarise('negative tests declared v3.1.0', relabelled));
    console.info(`What Charter says about each negative test (as v3.1.0):\n  ${record.join('\n  ')}`);
    expect(files.length).toBe(28);
    expect(asIs.differences).toEqual([]);
    expect(relabelled.differences).toEqual([]);
  });

  it('agrees on both ODPS examples', () => {
    const tally = newTally();
    for (const { path, doc } of products) compare(tally, rel(path), doc, oracle.odps, validateOdps);
    summary.push(summarise(`ODPS examples (${products.length})`, tally));
    expect(products.length).toBe(2);
    expect(tally.officialValid).toBe(2);
    expect(tally.differences).toEqual([]);
  });

  it('agrees on thousands of seeded mutations of the valid ODCS documents, and upgrades every valid v3.0.x one', () => {
    const seeds = [...examples, ...fixtures]
      .filter(({ doc }) => officialFor(oracle, doc)(doc))
      .map(({ path, doc }) => ({ name: rel(path), doc }));
    // Contracts labelled v3.0.x that only pass as v3.1.0 are good v3.1.0 seeds.
    for (const { path, doc } of [...examples, ...fixtures]) {
      const relabelled = { ...doc, apiVersion: 'v3.1.0' };
      if (doc.apiVersion !== 'v3.1.0' && !oracle.v302(doc) && oracle.v31(relabelled)) {
        seeds.push({ name: `${rel(path)} as v3.1.0`, doc: relabelled });
      }
    }
    const tally = newTally();
    const upgrades = { tried: 0, passed: 0, failures: [] as string[] };
    let skippedV2 = 0;
    for (const variant of variants(seeds, variantCount, variantSeed)) {
      if (isV2(variant.doc)) {
        skippedV2++;
        continue;
      }
      const label = `${variant.seed} [${variant.mutations.join(', ')}]`;
      const { theirs } = compare(tally, label, variant.doc, officialFor(oracle, variant.doc), validateOdcs);
      if (theirs && v30Versions.includes(variant.doc.apiVersion as string)) {
        upgrades.tried++;
        const before = JSON.stringify(variant.doc);
        const upgraded = upgradeOdcs(variant.doc);
        const ok =
          oracle.v31(upgraded) &&
          validateOdcs(upgraded).length === 0 &&
          JSON.stringify(variant.doc) === before &&
          keptByUpgrade(variant.doc, upgraded as unknown as Json);
        if (ok) upgrades.passed++;
        else upgrades.failures.push(`${label}: ${JSON.stringify(oracle.v31.errors?.slice(0, 2))}`);
      }
    }
    summary.push(summarise(`ODCS mutations (${seeds.length} seeds)`, tally));
    summary.push(`ODCS v3.0.x mutations upgraded to a valid v3.1.0: ${upgrades.passed}/${upgrades.tried}`);
    if (skippedV2) summary.push(`mutations naming ODCS v2 (refused by Charter on purpose): ${skippedV2}`);
    expect(tally.compared).toBeGreaterThanOrEqual(Math.min(variantCount, 2500));
    expect(tally.differences.slice(0, 20)).toEqual([]);
    expect(upgrades.failures.slice(0, 10)).toEqual([]);
  });

  it('agrees on systematic samples of every server type, rule shape, logical type and element, in both versions', () => {
    const base = examples.find((e) => e.path.endsWith('schema/table-column.odcs.yaml'))!.doc;
    const tally = newTally();
    const upgrades = { tried: 0, failures: [] as string[] };
    for (const { label, doc } of systematicVariants(base)) {
      const { theirs } = compare(tally, label, doc, officialFor(oracle, doc), validateOdcs);
      if (theirs && doc.apiVersion === 'v3.0.2') {
        upgrades.tried++;
        const upgraded = upgradeOdcs(doc);
        if (!oracle.v31(upgraded) || !keptByUpgrade(doc, upgraded as unknown as Json))
          upgrades.failures.push(`${label}: ${JSON.stringify(oracle.v31.errors?.slice(0, 2))}`);
      }
    }
    summary.push(summarise('ODCS systematic samples', tally));
    summary.push(
      `ODCS v3.0.2 systematic samples upgraded to a valid v3.1.0: ${upgrades.tried - upgrades.failures.length}/${upgrades.tried}`,
    );
    expect(tally.compared).toBeGreaterThan(1500);
    expect(tally.differences.slice(0, 20)).toEqual([]);
    expect(upgrades.failures.slice(0, 10)).toEqual([]);
  });

  it('agrees on seeded mutations of the ODPS examples', () => {
    const seeds = products.map(({ path, doc }) => ({ name: rel(path), doc }));
    const tally = newTally();
    for (const variant of variants(seeds, variantCount, variantSeed + 1)) {
      compare(
        tally,
        `${variant.seed} [${variant.mutations.join(', ')}]`,
        variant.doc,
        oracle.odps,
        validateOdps,
      );
    }
    summary.push(summarise('ODPS mutations', tally));
    const systematic = newTally();
    const simple = products.find((p) => p.path.endsWith('simple-data-product.odps.yaml'))!.doc;
    for (const { label, doc } of systematicProducts(simple))
      compare(systematic, label, doc, oracle.odps, validateOdps);
    summary.push(summarise('ODPS systematic samples', systematic));
    expect(systematic.differences).toEqual([]);
    expect(tally.compared).toBe(variantCount);
    expect(tally.differences.slice(0, 20)).toEqual([]);
  });

  it('upgrades every v3.0.x example and fixture to a contract both validators accept', () => {
    const labelled = [...examples, ...fixtures].filter(({ doc }) =>
      v30Versions.includes(doc.apiVersion as string),
    );
    const passing = labelled.filter(
      ({ doc }) => oracle.v31({ ...doc, apiVersion: 'v3.1.0' }) || oracle.v302(doc),
    );
    for (const { path, doc } of passing) {
      const upgraded = upgradeOdcs(doc);
      expect({ file: rel(path), official: oracle.v31(upgraded), errors: oracle.v31.errors ?? null }).toEqual({
        file: rel(path),
        official: true,
        errors: null,
      });
      expect(validateOdcs(upgraded)).toEqual([]);
      expect(upgraded.apiVersion).toBe('v3.1.0');
      expect(keptByUpgrade(doc, upgraded as unknown as Json)).toBe(true);
    }
    summary.push(
      `v3.0.x examples and fixtures upgraded to a valid v3.1.0: ${passing.length}/${labelled.length} (the others are invalid as input)`,
    );
    expect(passing.length).toBeGreaterThanOrEqual(18);
  });
});
