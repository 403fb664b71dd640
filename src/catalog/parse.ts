/**
 * Parsing manifests: YAML (one or many documents) or JSON (one object or an array), with the
 * problems of each document reported by file, index and line instead of thrown.
 *
 * YAML is read by js-yaml, five to ten times faster, whenever a file keeps to what both read alike
 * under the YAML 1.2 core schema; anything else (directives, `...` markers, anchors, explicit tags,
 * complex or empty keys, under-indented flow continuations, a syntax error) is read by the `yaml`
 * package, whose messages name the line of a problem.
 */
import { FAILSAFE_SCHEMA, load as loadYaml, Type } from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { parsePath, type ValidationIssue } from '../model/validation.js';

export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface SourceDoc {
  source: string;
  /** 0-based index of the document in its source. */
  index: number;
  line?: number;
  doc: unknown;
}

export interface ParseProblem {
  source: string;
  index: number;
  line?: number;
  message: string;
}

export interface Parsed {
  docs: SourceDoc[];
  problems: ParseProblem[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseManifests(input: string | Uint8Array, source: string): Parsed {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > MAX_MANIFEST_BYTES) {
    return {
      docs: [],
      problems: [
        {
          source,
          index: 0,
          message: `is ${(size / 1024 / 1024).toFixed(1)} MB; a manifest file may be at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MB (split it into several files)`,
        },
      ],
    };
  }
  let text: string;
  try {
    text = typeof input === 'string' ? input : decoder.decode(input);
  } catch {
    return {
      docs: [],
      problems: [{ source, index: 0, message: 'is not UTF-8 text (binary data?); expected YAML or JSON' }],
    };
  }
  if (text.includes('\u0000')) {
    return {
      docs: [],
      problems: [{ source, index: 0, message: 'contains NUL bytes (binary data?); expected YAML or JSON' }],
    };
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const value = JSON.parse(text) as unknown;
      const list = Array.isArray(value) ? value : [value];
      return { docs: list.map((doc, index) => ({ source, index, doc })), problems: [] };
    } catch (error) {
      // Not JSON after all: YAML flow style is a superset, so fall through to YAML.
      if (!source.endsWith('.yaml') && !source.endsWith('.yml') && source.endsWith('.json')) {
        return {
          docs: [],
          problems: [{ source, index: 0, message: `is not valid JSON: ${(error as Error).message}` }],
        };
      }
    }
  }
  return parseYamlFast(text, source) ?? parseYaml(text, source);
}

/** YAML 1.2's core schema for js-yaml, resolving plain scalars as the `yaml` package does. */
const core = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:~|[Nn]ull|NULL)?$/.test(data),
      construct: () => null,
    }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(data),
      construct: (data: string) => data[0] === 't' || data[0] === 'T',
    }),
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
      construct: (data: string) =>
        data.startsWith('0o')
          ? Number.parseInt(data.slice(2), 8)
          : data.startsWith('0x')
            ? Number.parseInt(data.slice(2), 16)
            : Number.parseInt(data, 10),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (data: string) =>
        /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(
          data,
        ),
      construct: (data: string) => {
        const tail = data.slice(-3).toLowerCase();
        if (tail === 'nan') return Number.NaN;
        if (tail === 'inf') return data[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        return Number.parseFloat(data);
      },
    }),
  ],
});

/**
 * What makes a line send its file to the full parser, where a node may start (at the start of a
 * line, after `- `, `: `, `? `, `[`, `{` or `,`): an anchor or a tag (`a && !b` inside a plain scalar
 * is text), or a complex key (`? `). Anywhere: a directive, a document end marker, or an empty or
 * null key (`~:`, or a flow mapping's entry `{a, ~}`), which js-yaml names `null` and the `yaml`
 * package ``. The lines of a block scalar are text and are not tested.
 */
const NOT_FAST =
  /^%|^\.\.\.(?:[ \t\r]|$)|(?:^[ \t]*|[-:?][ \t]+|[[{,][ \t]*)[&!]|(?:^[ \t]*|[-:?][ \t]+|[[{,][ \t]*)\?(?:[ \t\r]|$)|(?:^|[\s{,[?-])(?:~|[Nn]ull|NULL)?:(?=[ \t\r]|$)|(?:^|[{,])[ \t]*(?:~|[Nn]ull|NULL)[ \t]*(?=[,}]|$)/;
const FLOW_OR_QUOTE = /[{["']/;
const COLON_NEXT = /^[ \t]*:/;
const LONE_CR = /\r(?!\n)/;
const FLOW_MARK = '[]{},';

/** A line ending in a block scalar's header (`key: |`, `- >-`, `|2+`), its comment aside. */
const BLOCK_HEADER = /(?:^|[ \t:-])[|>][0-9+-]*[ \t]*(?:#.*)?\r?$/;
/**
 * How far a line's content is indented: spaces and sequence dashes before its first key or value.
 * YAML indents with spaces only; a tab ends the indentation.
 */
const INDENT = /^ *(?:-[ \t]+)*/;

/** The spaces a line starts with (its indentation; a tab is not indentation). */
function leadingSpaces(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

/**
 * Whether js-yaml may read the text and give what the `yaml` package would: no line outside a block
 * scalar holds what NOT_FAST names, and every flow collection and quoted scalar that spans lines is
 * indented past the line it opens on, or at least as far as that line when it starts with the bracket
 * or quote (js-yaml accepts continuations indented too little, which the `yaml` package rejects). A quote or bracket inside a plain scalar (`it's`, `a[0]`) opens nothing, a
 * comment ends the line, and the lines of a block scalar (`|`, `>`) are text: a policy's CEL rule
 * written as one (`!has(field.x) && ...`) holds no tag or anchor.
 */
function fastPathSafe(text: string): boolean {
  // A lone CR breaks a line for both parsers, though not here.
  if (LONE_CR.test(text)) return false;
  let block = -1;
  /** The open flow collections, innermost last (`{` or `[`). */
  const flows: string[] = [];
  /** Inside a flow collection: the last character that was not space or comment. */
  let last = '';
  let quote = '';
  /** While a flow collection or quoted scalar is open: the indentation its lines must exceed. */
  let open = -1;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const blank = !line.trim();
    if (open >= 0) {
      if (!blank && leadingSpaces(line) <= open) return false;
    } else if (block >= 0) {
      if (blank || INDENT.exec(line)![0].length > block) continue;
      block = -1;
    }
    if (NOT_FAST.test(line)) return false;
    if (open < 0 && !FLOW_OR_QUOTE.test(line)) {
      if (BLOCK_HEADER.test(line)) block = INDENT.exec(line)![0].length;
      continue;
    }
    let comment = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') quote = '';
        if (!quote && line[i + 1] === '#') return false;
        continue;
      }
      if (quote === "'") {
        if (c === "'" && line[i + 1] === "'") i++;
        else if (c === "'") quote = '';
        if (!quote && line[i + 1] === '#') return false;
        continue;
      }
      const before = i === 0 ? ' ' : line[i - 1]!;
      const boundary =
        before === ' ' || before === '\t' || before === '[' || before === '{' || before === ',';
      if (c === '#' && (before === ' ' || before === '\t')) {
        comment = true;
        break;
      }
      // A `#` right after a closing quote, or after a bracket or comma of a flow collection, is
      // a comment to js-yaml and an error to the `yaml` package.
      if (line[i + 1] === '#' && FLOW_MARK.includes(c) && (flows.length > 0 || boundary)) return false;
      if ((c === '"' || c === "'") && (boundary || before === ':')) quote = c;
      else if ((c === '{' || c === '[') && (boundary || flows.length > 0)) {
        // A collection where a flow mapping's entry starts is a key (`{a: 1, [b]: c}`, `{k, {x: 1}}`),
        // which js-yaml and the `yaml` package turn into different strings.
        if (flows.at(-1) === '{' && (last === '{' || last === ',')) return false;
        flows.push(c);
      } else if ((c === '}' || c === ']') && flows.length > 0) {
        flows.pop();
        // A collection followed by `:` is a key too (`[a, b]: c`).
        if (COLON_NEXT.test(line.slice(i + 1))) return false;
      }
      if (c !== ' ' && c !== '\t') last = c;
    }
    if (quote || flows.length) {
      if (open < 0) {
        // A line that starts with the bracket or quote (`legal:` then `{` on the next line) holds
        // the node itself, which may close at the same indentation.
        const indent = leadingSpaces(line);
        open = FLOW_OR_QUOTE.test(line[indent] ?? '') ? indent - 1 : indent;
      }
    } else {
      open = -1;
      last = '';
      if (!comment && BLOCK_HEADER.test(line)) block = INDENT.exec(line)![0].length;
    }
  }
  return open < 0;
}

const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
const CONTENT_LINE = /^[ \t]*[^ \t\r\n#]/m;

/**
 * The documents of a stream cut at its `---` lines (which end any scalar, so they always start a
 * document), each read by js-yaml; undefined when the stream needs the full parser or one of its
 * documents is not valid YAML, so that the `yaml` package reports the problem.
 */
export function parseYamlFast(stream: string, source: string): Parsed | undefined {
  const text = withoutBom(stream);
  const chunks = documentChunks(text);
  if (!chunks) return undefined;
  const docs: SourceDoc[] = [];
  for (const [index, { text: chunk, line }] of chunks.entries()) {
    let value: unknown;
    try {
      value = loadYaml(chunk, { schema: core });
    } catch {
      return undefined;
    }
    if (value === null || value === undefined) continue;
    docs.push({ source, index, line: line + contentLine(chunk), doc: value });
  }
  return { docs, problems: [] };
}

/** A byte order mark is not content (and would hide a first `---`). */
const withoutBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * The documents of a stream the fast path may read, cut at its `---` lines, each with the line it
 * starts on; undefined when the stream needs the full parser.
 */
function documentChunks(text: string): { text: string; line: number }[] | undefined {
  if (!fastPathSafe(text)) return undefined;
  const starts = [...text.matchAll(DOCUMENT_START)].map((m) => m.index);
  // Text before the first `---` is a document only when it holds more than comments.
  if (!starts.length || starts[0] !== 0) {
    const prelude = text.slice(0, starts[0] ?? text.length);
    if (CONTENT_LINE.test(prelude) || !starts.length) starts.unshift(0);
  }
  let line = 1;
  let at = 0;
  return starts.map((start, index) => {
    line += countLines(text, at, start);
    at = start;
    return { text: text.slice(start, starts[index + 1] ?? text.length), line };
  });
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Lines from a document's first line to its content: past a bare `---`, blank and comment lines. */
function contentLine(chunk: string): number {
  const body = chunk.startsWith('---') ? chunk.slice(3) : chunk;
  const match = CONTENT_LINE.exec(body);
  if (!match) return 0;
  const offset = match.index + (chunk.length - body.length);
  return countLines(chunk, 0, offset);
}

/** What usually causes some of the `yaml` package's errors, for the people who wrote the file. */
const YAML_HINTS: [RegExp, string][] = [
  [
    /^Nested mappings are not allowed in compact mappings/,
    ` (a value that holds ": " must be quoted: key: "text: more")`,
  ],
  [
    /^Implicit keys need to be on a single line/,
    ' (a key must be on one line; a value that holds ": " or " #" must be quoted)',
  ],
  [
    /^All (mapping|sequence) items must start at the same column/,
    ' (indent the items of one list or mapping to the same column, with spaces)',
  ],
  [/^Tabs are not allowed as indentation/, ' (YAML indents with spaces, not tabs)'],
];

const yamlHint = (message: string) => YAML_HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? '';

/** The full parser (the `yaml` package): every YAML feature, and a line for every problem. */
export function parseYaml(text: string, source: string): Parsed {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const start = document.contents?.range?.[0] ?? document.range?.[0] ?? 0;
    const line = lineCounter.linePos(start).line;
    if (document.errors.length) {
      const error = document.errors[0]!;
      const pos = error.linePos?.[0];
      problems.push({
        source,
        index,
        line: pos?.line ?? line,
        message: `is not valid YAML: ${error.message.split('\n')[0]!.replace(/:$/, '')}${yamlHint(error.message)}`,
      });
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      problems.push({ source, index, line, message: `could not be read: ${(error as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // an empty document between separators
    docs.push({ source, index, line, doc: value });
  });
  return { docs, problems };
}

/** A document's result as `placeIssues` reads it (an apply's DocumentResult). */
export interface PlaceableResult {
  source: string;
  index: number;
  issues: ValidationIssue[];
  warnings: ValidationIssue[];
}

/**
 * Gives each issue and warning of a document read from text the line its path points at (the line
 * of the deepest key or item of the path that the text holds), by reading that document's source
 * again with the full parser. Only sources with an issue or warning that has a path are read
 * again, so an apply with nothing to say costs nothing more. `text` returns a source's text, or
 * undefined when it was not text (documents sent as JSON values).
 */
export function placeIssues(
  results: readonly PlaceableResult[],
  text: (source: string) => string | undefined,
) {
  const located = new Map<string, Locator | null>();
  for (const r of results) {
    const all = [...r.issues, ...r.warnings].filter((i) => i.path && i.line === undefined);
    if (!all.length) continue;
    let locate = located.get(r.source);
    if (locate === undefined) {
      locate = locator(text(r.source));
      located.set(r.source, locate);
    }
    const doc = locate?.(r.index);
    if (!doc) continue;
    for (const issue of all) {
      const line = lineOf(doc.root, parsePath(issue.path), doc.line);
      if (line !== undefined) issue.line = line;
    }
  }
}

/** The text of each named source, for placeIssues (undefined for one that is not UTF-8). */
export function sourceTexts(
  files: readonly { name: string; content: string | Uint8Array }[],
): (source: string) => string | undefined {
  const byName = new Map(files.map((f) => [f.name, f.content]));
  return (source) => {
    const content = byName.get(source);
    if (typeof content !== 'object') return content;
    try {
      return decoder.decode(content);
    } catch {
      return undefined;
    }
  };
}

/** A document of a source read again with positions: its root node, and the file line of an offset in it. */
type Locator = (index: number) => { root: Node; line: (offset: number) => number } | undefined;

/**
 * Reads a source again for the lines of its nodes: only the document asked for when the stream can be
 * cut at its `---` lines (a large file with one bad document is not read whole again), else all of it.
 */
function locator(source: string | undefined): Locator | null {
  if (source === undefined || Buffer.byteLength(source) > MAX_MANIFEST_BYTES) return null;
  const text = withoutBom(source);
  // A JSON file holding an array of manifests: document i is item i of the one document.
  const list = text.trimStart().startsWith('[');
  const chunks = list ? undefined : documentChunks(text);
  if (chunks) {
    return (index) => {
      const chunk = chunks[index];
      if (!chunk) return undefined;
      const lines = new LineCounter();
      const root = parseAllDocuments(chunk.text, { lineCounter: lines });
      const document = Array.isArray(root) ? root[0] : undefined;
      if (!document?.contents) return undefined;
      return { root: document.contents as Node, line: (at) => chunk.line + lines.linePos(at).line - 1 };
    };
  }
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines });
  const documents = Array.isArray(parsed) ? parsed : [parsed];
  let roots = documents.map((d) => d.contents as Node | null);
  const first = roots[0];
  if (list && documents.length === 1 && isSeq(first)) roots = first.items as Node[];
  const line = (at: number) => lines.linePos(at).line;
  return (index) => {
    const root = roots[index];
    return root ? { root, line } : undefined;
  };
}

/** The line of the deepest node along `path` (the key of a mapping's pair, an item of a sequence). */
function lineOf(
  root: Node,
  path: readonly (string | number)[],
  lineAt: (offset: number) => number,
): number | undefined {
  let node: unknown = root;
  let line: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const at = (pair.key as Node).range?.[0];
      if (at !== undefined) line = lineAt(at);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      const at = item?.range?.[0];
      if (!item || at === undefined) break;
      line = lineAt(at);
      node = item;
    } else break;
  }
  return line;
}

/** Parses several named sources into one apply's documents and problems. */
export function parseSources(
  files: readonly { name: string; content: string | Uint8Array }[],
  onProgress?: (done: number, total: number, stage: string) => void,
): Parsed {
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  for (const [i, file] of files.entries()) {
    onProgress?.(i, files.length, 'reading files');
    const parsed = parseManifests(file.content, file.name);
    for (const doc of parsed.docs) docs.push(doc);
    for (const problem of parsed.problems) problems.push(problem);
  }
  onProgress?.(files.length, files.length, 'reading files');
  return { docs, problems };
}
