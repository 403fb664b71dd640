/**
 * The fast YAML path (js-yaml, cut at `---` lines) against the full parser (the `yaml` package):
 * wherever the fast path answers, it must give the same documents, indices and lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceDir, repoRoot } from '../../test/support/reference.js';
import { parseManifests, parseYaml, parseYamlFast, placeIssues, sourceTexts } from './parse.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Asserts the two paths agree on `text`; returns whether the fast path answered. */
function agree(text: string, source = 'x.yaml'): boolean {
  const fast = parseYamlFast(text, source);
  if (fast) expect(fast, source).toEqual(parseYaml(text, source));
  return fast !== undefined;
}

describe('YAML parsing: the fast path reads what the full parser reads', () => {
  it('agrees on every YAML file of the examples and test fixtures', () => {
    const files = [
      ...yamlFiles(join(repoRoot, 'examples')),
      ...yamlFiles(join(repoRoot, 'test', 'fixtures')),
    ];
    const fast = files.filter((f) => agree(readFileSync(f, 'utf8'), f));
    expect(files.length).toBeGreaterThan(20);
    // Most manifests take the fast path; those with anchors or errors take the full one.
    expect(fast.length).toBeGreaterThan(files.length / 2);
  });

  it('agrees on every YAML file of the reference standards', () => {
    const dir = referenceDir();
    if (!dir) return;
    const files = yamlFiles(dir);
    const fast = files.filter((f) => agree(readFileSync(f, 'utf8'), f));
    expect(files.length).toBeGreaterThan(50);
    expect(fast.length).toBeGreaterThan(files.length / 2);
  });

  it('reads policies whose CEL rules are block scalars or plain scalars holding ! and &&', () => {
    const dir = join(repoRoot, 'examples', 'org', 'policies');
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) expect(agree(readFileSync(f, 'utf8'), f), f).toBe(true);
    const rule = 'kind: Policy\nspec:\n  rule: >-\n    !has(asset.x) &&\n    &y\n  other: a && !b\n';
    expect(agree(rule)).toBe(true);
    // The same characters where a node starts are a tag or an anchor: the full parser reads them.
    for (const text of ['a: !b c\n', 'a: &b c\n', 'a:\n  - !\n', 'a: [x, &y z]\n', 'a: |\n  text\n!b: c\n'])
      expect(parseYamlFast(text, 'x.yaml'), text).toBeUndefined();
  });

  it('agrees where js-yaml reads differently: collection and null keys, # after a token, a lone CR', () => {
    const texts = [
      'input: { kind: Model, { stage: production } }\n',
      'match: { kinds: ,[DataContract] }\n',
      'a: { [b]: c }\n',
      '[a, b]: c\n',
      'a: {x: 1, ~}\n',
      'a: {x: 1, null}\n',
      'url: "https://x.example"#\n',
      "url: 'x'#\n",
      'a: {\n    b: c,#\n  }\n',
      'a: [x]#\n',
      'a: b\rc: d\n',
      'a: [\n  ? x\n]\n',
    ];
    for (const text of texts) {
      const full = parseYaml(text, 'x.yaml');
      const fast = parseYamlFast(text, 'x.yaml');
      expect(fast === undefined || JSON.stringify(fast) === JSON.stringify(full), JSON.stringify(text)).toBe(
        true,
      );
    }
  });

  it('agrees on broken variants of the examples wherever it answers (seeded mutations)', () => {
    const texts = yamlFiles(join(repoRoot, 'examples')).map((f) => readFileSync(f, 'utf8'));
    // Insertions of YAML's syntax characters, deletions and repeated lines, from a fixed seed.
    const pieces = [
      ': ',
      '- ',
      '\n',
      '  ',
      '#',
      '"',
      "'",
      '---\n',
      '{',
      '}',
      '[',
      ']',
      ',',
      '|',
      '>',
      '~',
      '\t',
      '\r',
      '?',
      '-',
      '!',
      '&',
      '*',
      '\n{',
      '\n  }',
      '\n  "',
      '|-\n',
    ];
    // mulberry32: every bit of the draw varies (an LCG's low bits repeat with a short period).
    let seed = 20261128;
    const next = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    let answered = 0;
    for (let i = 0; i < 2000; i++) {
      let text = texts[next(texts.length)]!;
      for (let k = 0; k <= next(3); k++) {
        const at = next(text.length + 1);
        const op = next(3);
        if (op === 0) text = text.slice(0, at) + pieces[next(pieces.length)] + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + next(5));
        else {
          const lines = text.split('\n');
          lines.splice(next(lines.length), 0, lines[next(lines.length)]!);
          text = lines.join('\n');
        }
      }
      if (agree(text, `variant ${i}`)) answered++;
    }
    expect(answered).toBeGreaterThan(500);
  });

  it('resolves plain scalars as the YAML 1.2 core schema does', () => {
    const scalars = [
      '1_000',
      '0o17',
      '0O17',
      '017',
      '0x1F',
      '0X1F',
      '0b101',
      '+12',
      '-0',
      '1e3',
      '1E3',
      '1.',
      '.5',
      '-.5',
      '+.5e-3',
      '.inf',
      '-.inf',
      '+.inf',
      '.Inf',
      '.NAN',
      '.nan',
      '-.nan',
      '~',
      'null',
      'Null',
      'NULL',
      'nUll',
      '',
      'true',
      'True',
      'TRUE',
      'tRue',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      '2024-01-01',
      '2024-01-01T10:00:00Z',
      '12:30',
      '1:20:30',
      '0.1.2',
      '1,000',
      '0x',
      '0o',
      '0o8',
      '<<',
      '"a\\tb"',
      "'it''s'",
      '1e400',
      '12345678901234567890',
      '0.0000001',

      '"\\u00e9"',
    ];
    for (const scalar of scalars) {
      expect(agree(`k: ${scalar}\nlist: [${scalar}]\n`), scalar).toBe(true);
    }
  });

  it('numbers documents and their lines as the full parser does', () => {
    const streams = [
      'a: 1\n',
      '---\na: 1\n---\nb: 2\n',
      '# a comment\n\n---\na: 1\n',
      'a: 1\n---\n---\n# only a comment\n---\nb: 2\n---\n',
      '--- {a: 1}\n--- # note\n\nb: [1, 2]\n',
      '--- |\n  text\n---\n- x\n- y\n',
      'a: 1\r\n---\r\nb: |\r\n  two\r\n  lines\r\n',
      'a: "--- not a marker"\nb: >\n  folded ---\n',
      '',
      '\n\n',
      'key: value # trailing comment\nnested:\n  deep:\n    - {x: 1, y: [a, b]}\n',
      '\uFEFF---\na: 1\n---\nb: 2\n',
      '\uFEFFa: 1\n',
    ];
    for (const text of streams) expect(agree(text), JSON.stringify(text)).toBe(true);
  });

  it('leaves anchors, tags, directives, end markers and errors to the full parser', () => {
    expect(parseYamlFast('a: &x {k: 1}\nb: *x\n', 'x.yaml')).toBeUndefined();
    expect(parseYamlFast('%YAML 1.2\n---\na: 1\n', 'x.yaml')).toBeUndefined();
    expect(parseYamlFast('a: 1\n...\n', 'x.yaml')).toBeUndefined();
    expect(parseYamlFast('a: !!float 1\n', 'x.yaml')).toBeUndefined();
    expect(parseYamlFast('a: 1\na: 2\n', 'x.yaml')).toBeUndefined();
    expect(parseYamlFast('a: [1\n', 'x.yaml')).toBeUndefined();
    // …which reports them by line, as before.
    const dup = parseManifests('---\nok: 1\n---\na: 1\na: 2\n', 'x.yaml');
    expect(dup.docs.map((d) => d.index)).toEqual([0]);
    expect(dup.problems).toEqual([
      { source: 'x.yaml', index: 1, line: 5, message: expect.stringContaining('is not valid YAML') },
    ]);
  });

  it('says what usually causes a YAML error', () => {
    const colon = parseManifests(
      'kind: Policy\nremediation: Add an entry {property: freshness}.\n',
      'p.yaml',
    );
    expect(colon.problems).toEqual([
      {
        source: 'p.yaml',
        index: 0,
        line: 2,
        message:
          'is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 14 (a value that holds ": " must be quoted: key: "text: more")',
      },
    ]);
    const tab = parseManifests('spec:\n\ttitle: x\n', 't.yaml');
    expect(tab.problems[0]!.message).toMatch(
      /Tabs are not allowed as indentation .*\(YAML indents with spaces, not tabs\)$/,
    );
  });

  it('keeps a __proto__ key as data', () => {
    expect(agree('__proto__: {polluted: 1}\nk: 2\n')).toBe(true);
    const [doc] = parseManifests('__proto__: {polluted: 1}\n', 'x.yaml').docs;
    expect(Object.getPrototypeOf(doc!.doc)).toBe(Object.prototype);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });
});

describe('placeIssues: the line of a problem in its source', () => {
  const issue = (path: string) => ({ path, message: 'm' });
  const result = (source: string, index: number, paths: string[], warnings: string[] = []) => ({
    source,
    index,
    issues: paths.map(issue),
    warnings: warnings.map(issue),
  });

  // The stream is cut at its `---` lines and only the document read again; a stream the fast path
  // leaves to the full parser (here an anchor) is read whole. Both give the same lines.
  it.each([
    ['one document read again', 'kind: User'],
    ['the whole stream read again', 'kind: &who User'],
  ])('finds the deepest key or item of each path, in any document of a YAML stream (%s)', (_, second) => {
    const text = [
      '# users first', // 1
      second, // 2
      '---', // 3
      'kind: DataContract', // 4
      'schema:', // 5
      '  - name: orders', // 6
      '    properties:', // 7
      '      - {name: id, logicalType: string}', // 8
      '      - name: total', // 9
      '        "odd key": 1', // 10
      '        logicalType: money', // 11
      'team: {members: [{username: nobody}]}', // 12
    ].join('\n');
    const r = result(
      'a.yaml',
      1,
      [
        'schema[0].properties[1].logicalType',
        'schema[0].properties[0].logicalType',
        'schema[0].properties[1]["odd key"]',
        'team.members[0].username',
        'domain',
        'schema[0].properties[7].name',
        '',
      ],
      ['schema[0].name'],
    );
    placeIssues([r], sourceTexts([{ name: 'a.yaml', content: new TextEncoder().encode(text) }]));
    expect(r.issues.map((i) => (i as { line?: number }).line)).toEqual([
      11,
      8,
      10,
      12,
      undefined, // not in the text: the document's line stands
      7, // the item is missing: the deepest part there is
      undefined, // the whole document
    ]);
    expect((r.warnings[0] as { line?: number }).line).toBe(6);
    expect(parseYamlFast(text, 'a.yaml') !== undefined).toBe(second === 'kind: User');
  });

  it('reads a JSON array of manifests item by item, and leaves documents sent as values alone', () => {
    const json = '[\n  {"kind": "User"},\n  {"kind": "User",\n   "spec": {"age": 3}}\n]\n';
    const fromText = result('list.json', 1, ['spec.age']);
    const fromValues = result('request', 0, ['spec.age']);
    placeIssues([fromText, fromValues], (source) => (source === 'list.json' ? json : undefined));
    expect(fromText.issues[0]).toEqual({ path: 'spec.age', message: 'm', line: 4 });
    expect(fromValues.issues[0]).toEqual({ path: 'spec.age', message: 'm' });
  });
});
