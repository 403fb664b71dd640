/**
 * Generators of malformed and hostile requests for the bad-input proof: documents with SQL and CEL
 * injection attempts, prototype-pollution keys, deep nesting, path traversal, invalid UTF-8, wrong
 * content types, and the same at search, lineage ingestion, quality runs and the other routes.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export const CANARY = `canary-${process.pid}-7f3a9c`;

/** Strings an attacker tries first. */
export const NASTY = [
  "'; DROP TABLE assets; --",
  "Robert'); DELETE FROM versions; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  "' UNION SELECT hash, principal FROM tokens --",
  '1; UPDATE audit_log SET actor = $$mallory$$',
  '%',
  '_',
  '\\',
  "\\'",
  '$1',
  '$$',
  '?',
  ':name',
  '../../etc/passwd',
  '../../../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '/etc/passwd',
  'file:///etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
  '<script>alert(1)</script>',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, meant literally
  '${process.env.PATH}',
  '#{1+1}',
  '\u0000',
  'a\u0000b',
  '\u202e\u0041',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  'ｄａｔａ',
  '𝔡𝔞𝔱𝔞',
  '🤖💥',
  'NEAR(a b)',
  '"unterminated',
  'a OR b',
  'a AND NOT b',
  '*',
  '-x',
  '^',
  'col:val',
  '(',
  ')',
  '&&',
  '||',
  '!',
  '@@',
  ':*',
  "'",
  '"',
  '`',
  '\t\n\r',
  'user:',
  'dataset:',
  'dataset:/',
  'domain:../..',
  'user:office',
  'domain:payments',
  'dataset:payments/ledger',
  'x'.repeat(300),
  'y'.repeat(5000),
];

export const CEL_ATTACKS = [
  'true',
  'false',
  'true) || (true',
  '1/0 == 1',
  'asset.__proto__.polluted == 1',
  'asset["__proto__"]["constructor"]',
  'asset.constructor.constructor("return process")()',
  'has(asset.spec) && asset.spec.x.y.z.w',
  '"a" + 1',
  'size(asset) > 0 ; drop',
  '[1,2,3].all(a, [1,2,3].all(b, [1,2,3].all(c, [1,2,3].all(d, [1,2,3].all(e, true)))))',
  'asset.spec.description.matches("(a+)+$")',
  'dyn(asset).exists(k, k == "x")',
  'int("99999999999999999999999") > 0',
  '2 * 9223372036854775807 > 0',
  'timestamp("not a time") > timestamp("2020-01-01T00:00:00Z")',
  `${'('.repeat(200)}true${')'.repeat(200)}`,
  `${'!'.repeat(5000)}true`,
  Array.from({ length: 3000 }, () => '1').join(' + '),
  `${'['.repeat(500)}${']'.repeat(500)}`,
  '\u0000',
  "'unterminated",
  '{{ref}}',
];

export const SQL_ATTACKS = [
  'SELECT 1',
  'DROP TABLE assets',
  'SELECT 1; DROP TABLE assets',
  'SELECT COUNT(*) FROM {object}; DELETE FROM versions; --',
  "SELECT COUNT(*) FROM read_csv('/etc/passwd')",
  "SELECT COUNT(*) FROM read_text('../../etc/passwd')",
  "SELECT COUNT(*) FROM '/etc/passwd'",
  "SELECT getenv('PATH')",
  "SELECT current_setting('data_directory')",
  "SELECT pg_read_file('/etc/passwd')",
  "ATTACH '/tmp/x.db' AS x",
  "COPY (SELECT 1) TO '/tmp/pwned.csv'",
  'INSTALL httpfs; LOAD httpfs',
  'PRAGMA database_list',
  "SELECT COUNT(*) FROM {object} WHERE id = '' OR 1=1 --",
  'WITH x AS (DELETE FROM assets RETURNING 1) SELECT COUNT(*) FROM x',
  "SELECT COUNT(*) FROM glob('/*')",
  'SELECT $$ ; DROP TABLE assets; $$',
  '/* */ SELECT 1 /* ; DROP TABLE assets */',
  "SELECT COUNT(*) FROM {object} WHERE id LIKE '%\\'",
];

/** File paths a contract's server might name to escape the data root. */
export const TRAVERSALS = [
  '../outside.csv',
  '../../outside.csv',
  '../outside/*.csv',
  `${'../'.repeat(12)}etc/passwd`,
  '/etc/passwd',
  'ledger.csv/../../outside.csv',
  './../outside.csv',
  '..%2foutside.csv',
  '{model}/../../outside.csv',
  '~/.ssh/id_rsa',
  '\u0000ledger.csv',
];

export const KINDS = ['Charter', 'User', 'Domain', 'Team', 'GlossaryTerm', 'Policy', 'Waiver', 'DataProduct'];

const nasty = fc.constantFrom(...NASTY);

/** Text: hostile constants, random strings of every kind, and mixtures. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.tuple(nasty, fc.string({ maxLength: 8 }), nasty).map((p) => p.join('')) },
);

/** A name: mostly valid-looking, sometimes hostile. */
export const name: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/) },
  { weight: 2, arbitrary: text },
);

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineSetter__', 'valueOf');

/** A JSON value with prototype-pollution keys sprinkled in (as own properties). */
export const pollutedJson: fc.Arbitrary<unknown> = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), protoKey, fc.jsonValue({ maxDepth: 2 }))
  .map(([base, key, value]) => {
    const out: Record<string, unknown> =
      base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as object) } : { base };
    Object.defineProperty(out, key, { value: { polluted: 'yes', ...(value as object) }, enumerable: true });
    return out;
  });

/** Nested arrays or objects `depth` deep, as JSON text (too deep for naive recursion). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const deep = fc
  .tuple(fc.integer({ min: 20, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
  .map(([d, k]) => JSON.parse(deepJsonSafe(d, k)) as unknown);

/** JSON.parse of very deep text may itself overflow the stack; cap what the generator builds. */
function deepJsonSafe(depth: number, kind: 'array' | 'object') {
  return deepJson(Math.min(depth, 3000), kind);
}

const ref = fc.oneof(
  fc.constantFrom(
    'dataset:payments/ledger',
    'domain:payments',
    'user:office',
    'glossary:payments/chargeback',
    'policy:described',
    'charter:acme',
  ),
  fc
    .tuple(fc.constantFrom('dataset', 'domain', 'user', 'team', 'glossary', 'product', 'policy', 'x'), text)
    .map(([k, n]) => `${k}:${n}`),
  text,
);

const metadata = fc.record(
  { name, domain: fc.oneof(name, fc.constant('payments'), fc.constant('cards')), parent: name },
  { requiredKeys: ['name'] },
);

/** An envelope document of a known (or unknown) kind whose values are hostile. */
const envelope = fc
  .record({
    apiVersion: fc.oneof(fc.constant('charter/v1'), text),
    kind: fc.oneof(fc.constantFrom(...KINDS), text),
    metadata,
    spec: fc.record(
      {
        title: text,
        description: text,
        definition: text,
        displayName: text,
        email: text,
        owners: fc.array(ref, { maxLength: 3 }),
        members: fc.array(ref, { maxLength: 3 }),
        stewards: fc.array(ref, { maxLength: 3 }),
        extra: fc.oneof(pollutedJson, deep, fc.jsonValue({ maxDepth: 3 })),
      },
      { requiredKeys: [] },
    ),
  })
  .map((d) => d as Record<string, unknown>);

/** A policy whose rule and message are injection attempts. */
const policy = fc
  .record({
    name,
    rule: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...CEL_ATTACKS) }, { weight: 1, arbitrary: text }),
    message: text,
    enforcement: fc.constantFrom('audit', 'warn', 'audit', 'bogus', ''),
    kinds: fc.subarray(['DataContract', 'Domain', 'User', 'Team', 'Nope']),
  })
  .map(
    (p) =>
      ({
        apiVersion: 'charter/v1',
        kind: 'Policy',
        metadata: { name: p.name },
        spec: { match: { kinds: p.kinds }, rule: p.rule, message: p.message, enforcement: p.enforcement },
      }) as Record<string, unknown>,
  );

/** An ODCS contract with hostile names, quality SQL and server paths. */
export const contract = fc
  .record({
    id: text,
    name,
    domain: fc.oneof({ weight: 3, arbitrary: fc.constant('payments') }, { weight: 1, arbitrary: text }),
    purpose: text,
    column: name,
    sql: fc.constantFrom(...SQL_ATTACKS),
    path: fc.oneof(fc.constantFrom(...TRAVERSALS), fc.constant('ledger.csv'), text),
    format: fc.constantFrom('csv', 'json', 'parquet', 'sqlite', 'csv'),
    type: fc.constantFrom('local', 'local', 'duckdb', 'postgres', text as unknown as string),
    pattern: fc.oneof(fc.constant('(a+)+$'), fc.constant('['), text),
  })
  .map(
    (c) =>
      ({
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: c.id,
        name: c.name,
        version: '1.0.0',
        status: 'active',
        domain: c.domain,
        description: { purpose: c.purpose },
        servers: [
          {
            server: 'local',
            type: c.type,
            format: c.format,
            path: c.path,
            database: c.path,
            host: '127.0.0.1',
            port: 1,
          },
        ],
        schema: [
          {
            name: 'ledger',
            properties: [
              { name: 'id', logicalType: 'string', logicalTypeOptions: { pattern: c.pattern } },
              { name: c.column, logicalType: 'string', logicalTypeOptions: { maxLength: 1 } },
            ],
            quality: [{ type: 'sql', query: c.sql, mustBe: 0 }],
          },
        ],
      }) as Record<string, unknown>,
  );

export const documents = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: envelope },
    { weight: 2, arbitrary: policy },
    { weight: 3, arbitrary: contract },
    { weight: 1, arbitrary: pollutedJson },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  ),
  { minLength: 1, maxLength: 4 },
);

/** YAML text attacks written by hand: alias bombs, tags, broken syntax, pollution keys. */
export const RAW_YAML = [
  `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n`,
  'apiVersion: charter/v1\nkind: User\nmetadata: {name: !!js/function "function(){return process}"}\nspec: {}\n',
  'apiVersion: charter/v1\nkind: User\nmetadata: {name: x}\nspec: !!binary aGVsbG8=\n',
  'apiVersion: charter/v1\nkind: User\n__proto__: {polluted: yes}\nmetadata: {name: x, __proto__: {polluted: yes}}\nspec: {constructor: {prototype: {polluted: yes}}}\n',
  'apiVersion: charter/v1\nkind: User\nmetadata:\n  name: x\n  <<: {__proto__: {polluted: yes}}\nspec: {}\n',
  'apiVersion: charter/v1\nkind: User\nmetadata: {name: x\n',
  '\tapiVersion: charter/v1\n\tkind: User\n',
  '---\n---\n---\n',
  '...\n',
  '? [a, b]\n: c\n',
  '!<tag:yaml.org,2002:python/object/apply:os.system> ["ls"]\n',
  `${'- '.repeat(2000)}x\n`,
  `${'a:\n '.repeat(500)}b\n`,
  `${'['.repeat(5000)}`,
  `${'{'.repeat(3000)}${'}'.repeat(3000)}`,
  'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: ../../etc}\nspec: {}\n',
  'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: "x\'; DROP TABLE assets; --"}\nspec: {}\n',
  '%YAML 9.9\n---\na: 1\n',
  '%TAG ! tag:evil.example,2000:\n---\n!x {}\n',
  'a: 1\na: 2\n',
  '\ufeffapiVersion: charter/v1\nkind: User\nmetadata: {name: bom}\nspec: {}\n',
];

export interface HostileRequest {
  label: string;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  /** A request that only reads: 2xx or not, nothing may change. */
  readOnly?: boolean;
}

/** Percent-encodes anything, lone surrogates included (as the UTF-8 bytes Node would send). */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const CONTENT_TYPES = [
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'text/html',
  'application/json; charset=utf-16',
  'application/yaml; charset=latin1',
  'image/png',
  '',
  ';;;',
  'application/json\u0000',
];

/** Invalid UTF-8: lone continuation bytes, overlongs, surrogates, truncated sequences. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom(
      [0xff],
      [0xfe, 0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0x80],
      [0xf5, 0x80, 0x80, 0x80],
    ),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([bad, rest]) =>
    Buffer.concat([
      Buffer.from('apiVersion: charter/v1\nkind: User\nmetadata: {name: x'),
      Buffer.from(bad),
      Buffer.from(rest),
      Buffer.from('}\nspec: {}\n'),
    ]),
  );

const expectParam = fc.oneof(
  fc.constant(''),
  fc
    .tuple(ref, fc.oneof(fc.nat(5), fc.integer(), fc.constant(-1)))
    .map(([r, v]) => `&expect=${enc(`${r}@${v}`)}`),
  text.map((t) => `&expect=${enc(t)}`),
);

function yamlOf(docs: unknown[]): string {
  return docs
    .map((d) => {
      try {
        return stringify(d, { lineWidth: 0 });
      } catch {
        return JSON.stringify(d);
      }
    })
    .join('---\n');
}

const applyRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc.tuple(documents, expectParam, fc.boolean()).map(([docs, expect, dry]) => ({
    label: 'apply yaml documents',
    method: 'POST' as const,
    url: `/api/v1/apply?dryRun=${dry}${expect}`,
    headers: { 'content-type': 'application/yaml' },
    payload: yamlOf(docs),
  })),
  fc
    .tuple(
      documents,
      fc.constantFrom('array', 'documents', 'files', 'base64'),
      fc.oneof(text, fc.constantFrom(...TRAVERSALS)),
    )
    .map(([docs, form, file]) => ({
      label: `apply json ${form}`,
      method: 'POST' as const,
      url: '/api/v1/apply',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(
        form === 'array'
          ? docs
          : form === 'documents'
            ? { documents: docs, expectedVersions: { [String(file)]: 1 } }
            : {
                files: [
                  {
                    name: file,
                    content: form === 'base64' ? Buffer.from(yamlOf(docs)).toString('base64') : yamlOf(docs),
                    ...(form === 'base64' ? { encoding: 'base64' } : {}),
                  },
                ],
              },
      ),
    })),
  fc.constantFrom(...RAW_YAML).map((payload) => ({
    label: 'apply raw yaml',
    method: 'POST' as const,
    url: '/api/v1/apply',
    headers: { 'content-type': 'application/yaml' },
    payload,
  })),
  fc
    .constantFrom(
      '{"__proto__": {"polluted": "yes"}, "documents": [{"__proto__": {"polluted": "yes"}, "apiVersion": "charter/v1", "kind": "User", "metadata": {"name": "p"}, "spec": {}}]}',
      '{"constructor": {"prototype": {"polluted": "yes"}}, "documents": []}',
      '[{"apiVersion":"charter/v1","kind":"User","metadata":{"name":"q","constructor":{"prototype":{"polluted":"yes"}}},"spec":{"__proto__":{"polluted":"yes"}}}]',
      '{"files": [{"name": "../../etc/passwd", "content": "a: 1", "encoding": "base64"}]}',
      '{"files": [{"name": 1, "content": null}]}',
      '{"files": "nope"}',
      '{"documents": "nope"}',
      '{"documents": [null, 1, "x", true]}',
      '{"expectedVersions": {"dataset:payments/ledger": "one"}, "documents": []}',
      '{"expectedVersions": [1, 2], "documents": [{}]}',
      'null',
      '1',
      '"string"',
      'true',
      '{}',
      '[]',
      '{"a":1,}',
      '{"a":',
      deepJson(50_000, 'array'),
      deepJson(50_000, 'object'),
    )
    .map((payload) => ({
      label: 'apply raw json',
      method: 'POST' as const,
      url: '/api/v1/apply',
      headers: { 'content-type': 'application/json' },
      payload,
    })),
  // Deeper YAML is refused too, but costs seconds of parsing each (see docs/reliability.md).
  fc
    .tuple(fc.integer({ min: 500, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
    .map(([depth, kind]) => ({
      label: `apply deep ${kind} in yaml`,
      method: 'POST' as const,
      url: '/api/v1/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: `apiVersion: charter/v1\nkind: User\nmetadata: {name: deep}\nspec: {x: ${deepJson(depth, kind)}}\n`,
    })),
  invalidUtf8.map((payload) => ({
    label: 'apply invalid utf-8',
    method: 'POST' as const,
    url: '/api/v1/apply',
    headers: { 'content-type': 'application/yaml' },
    payload,
  })),
  fc
    .tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(documents.map(yamlOf), text))
    .map(([type, payload]) => ({
      label: `apply as ${type || 'no content type'}`,
      method: 'POST' as const,
      url: '/api/v1/apply',
      headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
      payload,
    })),
);

/** Mostly absent or valid, sometimes hostile: the hostile query text should reach the index. */
const sometimes = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: valid },
    { weight: 1, arbitrary: text },
  );

const searchRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    q: text,
    kind: sometimes(fc.constantFrom('datasets', 'users', 'domains', 'glossary', 'teams', 'policies')),
    domain: sometimes(fc.constantFrom('payments', 'cards')),
    limit: sometimes(fc.integer({ min: -5, max: 500 }).map(String)),
  })
  .map((p) => ({
    label: 'search',
    method: 'GET' as const,
    readOnly: true,
    url: `/api/v1/search?q=${enc(p.q)}${p.kind !== undefined ? `&kind=${enc(p.kind)}` : ''}${p.domain !== undefined ? `&domain=${enc(p.domain)}` : ''}${p.limit !== undefined ? `&limit=${enc(p.limit)}` : ''}`,
  }));

const readRequest: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    ref,
    fc.constantFrom(
      '',
      '/describe',
      '/history',
      '/diff',
      '/diff?from=0&to=-1',
      '/diff?from=x',
      '/diff?from=99&to=1',
    ),
    fc.boolean(),
  )
  .map(([r, suffix, raw]) => ({
    label: `read asset${suffix}`,
    method: 'GET' as const,
    readOnly: true,
    url: `/api/v1/assets/${raw ? r.replace(/[?#\s%]/g, '') : enc(r)}${suffix}`,
  }));

const otherReads: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom(
      '/api/v1/assets?kind=',
      '/api/v1/assets?kind=datasets&domain=',
      '/api/v1/assets?kind=users&name=',
      '/api/v1/assets?limit=-1&kind=',
      '/api/v1/audit?ref=',
      '/api/v1/audit?limit=0&ref=',
      '/api/v1/audit?after=-5&ref=',
      '/api/v1/export?format=json&kind=',
      '/api/v1/export?format=json&domain=',
      '/api/v1/export?format=xml&kind=',
      '/api/v1/export?withHistory=maybe&domain=',
      '/api/v1/incidents?domain=',
      '/api/v1/approvals?ref=',
      '/api/v1/waivers?ref=',
      '/api/v1/outcomes?ref=',
      '/api/v1/webhooks/deliveries?state=',
      '/api/v1/compliance?ref=',
      '/api/v1/quality/runs?ref=',
      '/api/v1/quality/runs/',
      '/api/v1/quality/scores/',
      '/api/v1/incidents?assignee=',
      '/api/v1/trace/',
      '/api/v1/impact/',
      '/api/v1/lineage/datasets?namespace=',
      '/api/v1/tokens?for=',
      '/api/v1/stats?x=',
    ),
    text,
  )
  .map(([path, value]) => ({
    label: `read ${path}`,
    method: 'GET' as const,
    readOnly: true,
    url: `${path}${enc(value)}`,
  }));

/** Paths a static file server might resolve outside its folder. */
const traversalRequest: fc.Arbitrary<HostileRequest> = fc
  .constantFrom(
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/..%5c..%5c..%5cetc%5cpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
    '/%E0%A4%A',
    '/%',
    '/api/v1/assets/%',
    '/api/v1/assets/%E0%A4%A/history',
    '/docs/../../../../etc/passwd',
    '/docs/static/..%2f..%2f..%2fpackage.json',
    '/index.html%00.png',
    '/..;/..;/etc/passwd',
    `/${'../'.repeat(40)}etc/passwd`,
    `/${'a/'.repeat(2000)}`,
    '/api/v1/../../etc/passwd',
    '//etc/passwd',
    '/\\..\\..\\etc\\passwd',
  )
  .map((url) => ({ label: 'static traversal', method: 'GET' as const, readOnly: true, url }));

const lineageEvent = fc
  .record({
    eventType: fc.oneof(fc.constantFrom('START', 'COMPLETE', 'FAIL'), text),
    eventTime: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), text),
    producer: fc.oneof(fc.constant('https://example.com/p'), text),
    schemaURL: fc.oneof(fc.constant('https://openlineage.io/spec/2-0-2/OpenLineage.json'), text),
    run: fc.oneof(fc.record({ runId: fc.oneof(fc.uuid(), text), facets: pollutedJson }), text),
    job: fc.record({ namespace: text, name: text, facets: fc.oneof(pollutedJson, deep) }),
    inputs: fc.array(fc.record({ namespace: text, name: text, facets: pollutedJson }), { maxLength: 3 }),
    outputs: fc.array(fc.record({ namespace: text, name: text }), { maxLength: 3 }),
  })
  .map((e) => e as Record<string, unknown>);

const lineageRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc.oneof(lineageEvent, pollutedJson, fc.jsonValue({ maxDepth: 3 })).map((e) => ({
    label: 'lineage event',
    method: 'POST' as const,
    url: '/api/v1/lineage',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(e) ?? 'null',
  })),
  fc
    .tuple(
      fc.array(fc.oneof(lineageEvent, fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([events, nd, atomic]) => ({
      label: `lineage batch ${nd ? 'ndjson' : 'json'}`,
      method: 'POST' as const,
      url: `/api/v1/lineage/batch?atomic=${atomic}`,
      headers: { 'content-type': nd ? 'application/x-ndjson' : 'application/json' },
      payload: nd ? events.map((e) => JSON.stringify(e) ?? 'null').join('\n') : JSON.stringify(events),
    })),
  fc
    .tuple(
      fc.constantFrom('/api/v1/lineage', '/api/v1/lineage/batch'),
      fc.constantFrom(...CONTENT_TYPES),
      text,
    )
    .map(([url, type, payload]) => ({
      label: 'lineage wrong content',
      method: 'POST' as const,
      url,
      headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
      payload,
    })),
  fc
    .constantFrom(
      deepJson(50_000, 'array'),
      deepJson(50_000, 'object'),
      '{"job": {"namespace": "a", "name": "b"}, "run": {"runId": "x", "facets": {"__proto__": {"polluted": "yes"}}}}',
    )
    .map((payload) => ({
      label: 'lineage raw',
      method: 'POST' as const,
      url: '/api/v1/lineage',
      headers: { 'content-type': 'application/json' },
      payload,
    })),
);

/** A well-formed RunEvent whose namespaces and names are hostile: it must be stored or refused, never crash. */
const hostileNamedEvent = fc
  .record({
    runId: fc.uuid(),
    job: fc.record({ namespace: text, name: text }),
    inputs: fc.array(fc.record({ namespace: text, name: text }), { maxLength: 2 }),
    outputs: fc.array(fc.record({ namespace: text, name: text }), { maxLength: 2 }),
  })
  .map((e) => ({
    eventType: 'COMPLETE',
    eventTime: '2026-01-01T00:00:00Z',
    producer: 'https://example.com/producer',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: e.runId, facets: {} },
    job: { ...e.job, facets: {} },
    inputs: e.inputs,
    outputs: e.outputs,
  }));

const namedLineageRequest: fc.Arbitrary<HostileRequest> = fc
  .tuple(fc.array(hostileNamedEvent, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([events, one]) => ({
    label: one ? 'lineage hostile names' : 'lineage hostile names batch',
    method: 'POST' as const,
    url: one ? '/api/v1/lineage' : '/api/v1/lineage/batch',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(one ? events[0] : events),
  }));

/** The AI-use gate: hostile questions, and reads of what it recorded. */
const aiRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc
    .record(
      {
        dataset: fc.oneof(ref, text),
        use: fc.oneof(fc.constantFrom('training', 'fine_tuning', 'rag_retrieval', 'prompt_context'), text),
        for: fc.oneof(fc.constantFrom('model:payments/scorer', 'app:payments/bot'), text),
        purpose: fc.oneof(fc.constantFrom('dpv:CustomerCare', 'dpv:FraudPreventionAndDetection'), text),
        extra: text,
      },
      { requiredKeys: [] },
    )
    .map((body) => ({
      label: 'ai decision',
      method: 'POST' as const,
      url: '/api/v1/ai/decisions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })),
  fc.oneof(pollutedJson, fc.jsonValue({ maxDepth: 3 })).map((body) => ({
    label: 'ai decision raw',
    method: 'POST' as const,
    url: '/api/v1/ai/decisions',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body) ?? 'null',
  })),
  fc
    .tuple(
      fc.constantFrom('/api/v1/ai/decisions?dataset=', '/api/v1/ai/decisions/', '/api/v1/context/'),
      fc.oneof(ref, text),
    )
    .map(([path, value]) => ({
      label: `read ${path}`,
      method: 'GET' as const,
      readOnly: true,
      url: `${path}${enc(value)}`,
    })),
);

const otherWrites: fc.Arbitrary<HostileRequest> = fc.oneof(
  // Deleting the charter or the caller's own user is allowed and would end the data office's rights.
  fc
    .tuple(
      ref.filter((r) => r !== 'user:office' && r !== 'charter:acme'),
      fc.boolean(),
    )
    .map(([r, raw]) => ({
      label: 'delete asset',
      method: 'DELETE' as const,
      url: `/api/v1/assets/${raw ? r.replace(/[?#\s%]/g, '') : enc(r)}`,
    })),
  fc.oneof(pollutedJson, fc.jsonValue({ maxDepth: 3 })).map((body) => ({
    label: 'import backup',
    method: 'POST' as const,
    url: '/api/v1/import/backup',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body) ?? 'null',
  })),
  fc
    .record({
      for: fc.oneof(ref, text),
      name: text,
      expires: fc.oneof(text, fc.constant('-1d'), fc.constant('30d')),
    })
    .map((body) => ({
      label: 'create token',
      method: 'POST' as const,
      url: '/api/v1/tokens',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })),
  fc
    .tuple(fc.array(policy, { maxLength: 2 }), fc.oneof(pollutedJson, fc.constant(undefined)))
    .map(([docs, charter]) => ({
      label: 'policy tests',
      method: 'POST' as const,
      url: '/api/v1/policies/test',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ documents: docs, ...(charter ? { charter } : {}) }),
    })),
  fc.oneof(text, fc.constant('a'.repeat(100))).map((id) => ({
    label: 'approve',
    method: 'POST' as const,
    url: `/api/v1/approvals/${enc(id)}/approve`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ reason: id }),
  })),
  fc
    .record(
      {
        ref: fc.oneof(ref, text),
        product: text,
        domain: fc.constantFrom('cards', 'nowhere', '../..', "'; DROP TABLE quality_runs; --"),
        samples: fc.oneof(fc.integer({ min: -5, max: 200 }), text as fc.Arbitrary<unknown>),
        server: text,
        extra: text,
      },
      { requiredKeys: [] },
    )
    .map((body) => ({
      label: 'quality run',
      method: 'POST' as const,
      url: '/api/v1/quality/runs',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })),
  fc
    .tuple(fc.constantFrom('Bearer ', 'Basic ', '', 'Bearer chtr_', 'bearer '), text)
    .map(([scheme, value]) => ({
      label: 'hostile authorization',
      method: 'GET' as const,
      readOnly: true,
      url: '/api/v1/assets/dataset%3Apayments%2Fledger',
      headers: { authorization: `${scheme}${value}`.replace(/[^\x20-\x7e]/g, '?') },
    })),
);

/** One hostile request of any family; lineage and AI requests only when the server has the routes. */
export function hostileRequest(options: { lineage: boolean; ai: boolean }): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    { weight: 8, arbitrary: applyRequest },
    { weight: 3, arbitrary: searchRequest },
    { weight: 2, arbitrary: readRequest },
    { weight: 2, arbitrary: otherReads },
    { weight: 1, arbitrary: traversalRequest },
    { weight: 3, arbitrary: options.lineage ? lineageRequest : searchRequest },
    { weight: 2, arbitrary: options.lineage ? namedLineageRequest : searchRequest },
    { weight: 2, arbitrary: options.ai ? aiRequest : readRequest },
    { weight: 3, arbitrary: otherWrites },
  );
}

/** A contract whose server path escapes the data root, then a quality run with samples of it. */
export const escapeScenario = fc
  .tuple(fc.constantFrom(...TRAVERSALS.slice(0, 7)), fc.constantFrom('csv', 'json'), fc.nat(1000))
  .map(([path, format, n]) => ({ path, format, name: `escape-${n}` }));

/** A valid document whose free text (titles, descriptions, definitions) is hostile: it must be stored verbatim. */
export const hostileText = fc
  .tuple(
    fc.constantFrom('User', 'Domain', 'GlossaryTerm', 'DataContract'),
    fc.stringMatching(/^[a-z][a-z0-9]{2,12}$/),
    text,
    text,
  )
  .map(([kind, slug, title, description]) => {
    const doc: Record<string, unknown> =
      kind === 'User'
        ? { apiVersion: 'charter/v1', kind, metadata: { name: `u-${slug}` }, spec: { displayName: title } }
        : kind === 'Domain'
          ? {
              apiVersion: 'charter/v1',
              kind,
              metadata: { name: `d-${slug}`, parent: 'payments' },
              spec: { title, description },
            }
          : kind === 'GlossaryTerm'
            ? {
                apiVersion: 'charter/v1',
                kind,
                metadata: { name: `g-${slug}`, domain: 'payments' },
                spec: { title, definition: description },
              }
            : {
                apiVersion: 'v3.1.0',
                kind,
                id: `c-${slug}`,
                name: `c-${slug}`,
                version: '1.0.0',
                status: 'active',
                domain: 'payments',
                description: { purpose: description, usage: title },
                schema: [
                  { name: 't', properties: [{ name: 'a', logicalType: 'string', description: title }] },
                ],
              };
    const ref =
      kind === 'User'
        ? `user:u-${slug}`
        : kind === 'Domain'
          ? `domain:d-${slug}`
          : kind === 'GlossaryTerm'
            ? `glossary:payments/g-${slug}`
            : `dataset:payments/c-${slug}`;
    return { doc, ref, title, description };
  });
