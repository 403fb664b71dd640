/**
 * The read-only guard for contract `sql` rules: a small tokenizer (strings, quoted identifiers,
 * dollar quotes and comments are understood, so keywords inside them do not count) and a few rules
 * on the tokens. A rule must be one SELECT (or WITH … SELECT) that writes nothing, reads no file but
 * the dataset's, and calls no function that reaches outside the database. Engines add a second
 * layer (a read-only transaction or connection, DuckDB's parser and file sandbox).
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Words are lower-cased; strings hold their unescaped content. */
  text: string;
  pos: number;
}

export class SqlTokenError extends Error {}

/** Splits SQL into tokens, dropping whitespace and comments. Throws on an unterminated string or comment. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      // PostgreSQL nests block comments; treating every dialect that way is the safe reading.
      let depth = 0;
      do {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < n);
      if (depth > 0) throw new SqlTokenError('a /* comment is not closed');
      continue;
    }
    if (c === "'" || ((c === 'e' || c === 'E') && sql[i + 1] === "'")) {
      const escapes = c !== "'";
      const start = i;
      i += escapes ? 2 : 1;
      let text = '';
      for (;;) {
        if (i >= n) throw new SqlTokenError('a string literal is not closed');
        const ch = sql[i]!;
        if (escapes && ch === '\\') {
          text += sql[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (ch === "'") {
          if (sql[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += ch;
        i++;
      }
      out.push({ kind: 'string', text, pos: start });
      continue;
    }
    if (c === '"' || c === '`') {
      const start = i;
      i++;
      let text = '';
      for (;;) {
        if (i >= n) throw new SqlTokenError('a quoted identifier is not closed');
        const ch = sql[i]!;
        if (ch === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += ch;
        i++;
      }
      out.push({ kind: 'quoted', text, pos: start });
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end < 0) throw new SqlTokenError('a $$-quoted string is not closed');
        out.push({ kind: 'string', text: sql.slice(i + tag[0].length, end), pos: i });
        i = end + tag[0].length;
        continue;
      }
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.)/.exec(sql.slice(i))!;
      out.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))!;
      out.push({ kind: 'word', text: m[0].toLowerCase(), pos: i });
      i += m[0].length;
      continue;
    }
    out.push({ kind: 'punct', text: c, pos: i });
    i++;
  }
  return out;
}

/** Words that make a statement write, lock or reach outside; they may not appear unquoted anywhere. */
const FORBIDDEN_WORDS = new Set([
  'insert',
  'update',
  'delete',
  'merge',
  'upsert',
  'into',
  'create',
  'drop',
  'alter',
  'truncate',
  'grant',
  'revoke',
  'copy',
  'attach',
  'detach',
  'pragma',
  'vacuum',
  'install',
  'load',
  'export',
  'import',
  'call',
  'execute',
  'prepare',
  'checkpoint',
]);

/** Functions that read or write files, run other SQL, change settings or reveal the environment. */
const FORBIDDEN_FUNCTIONS = new Set([
  'glob',
  'query',
  'query_table',
  'sniff_csv',
  'getenv',
  'current_setting',
  'set_config',
  'nextval',
  'setval',
  'load_extension',
  'readfile',
  'writefile',
  'edit',
  'fts3_tokenizer',
  'which_secret',
  'duckdb_secrets',
  'pg_sleep',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_stat_file',
  'pg_read_file',
  'pg_read_binary_file',
]);
const FORBIDDEN_PREFIXES = ['read_', 'write_', 'parquet_', 'pragma_', 'pg_ls_', 'lo_', 'dblink', 'copy_'];
const FILE_READERS = (name: string) => name.startsWith('read_') || name.endsWith('_scan');

const CLAUSES = new Set([
  'select',
  'from',
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'qualify',
  'window',
  'union',
  'except',
  'intersect',
  'on',
  'using',
]);

/** Words before a parenthesis that opens a subquery or a list rather than a function's arguments. */
const NOT_CALLS = new Set([
  ...CLAUSES,
  'join',
  'in',
  'as',
  'exists',
  'and',
  'or',
  'not',
  'any',
  'all',
  'some',
  'lateral',
  'values',
  'then',
  'else',
  'when',
  'by',
]);

export interface GuardOptions {
  /** File paths (as written in the contract) that `read_*(…)`/`FROM '…'` may name: the dataset's own. */
  allowedPaths?: readonly string[];
}

/**
 * Returns why `sql` is not a single read-only SELECT, or undefined when it is.
 * The message names the offending word so the contract's author can fix the rule.
 */
export function readOnlyProblem(sql: string, options: GuardOptions = {}): string | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    return `the query cannot be read: ${(error as Error).message}`;
  }
  // One trailing semicolon is harmless; anything after a semicolon is a second statement.
  while (tokens.length && tokens[tokens.length - 1]!.text === ';') tokens.pop();
  if (!tokens.length) return 'the query is empty';
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';'))
    return 'the query holds several statements (a ";" inside it); a rule must be one SELECT';
  const first = tokens.find((t) => !(t.kind === 'punct' && t.text === '('));
  if (first?.kind !== 'word' || (first.text !== 'select' && first.text !== 'with'))
    return `the query starts with '${first?.text ?? ''}'; a rule must be a SELECT (or WITH … SELECT)`;
  const allowed = new Set(options.allowedPaths ?? []);
  const clause: string[] = ['select'];
  // Whether each open parenthesis belongs to a function call: `extract(epoch FROM '…')` and
  // `substring(x FROM '…')` hold a FROM that reads no table.
  const call: boolean[] = [false];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'punct') {
      if (t.text === '(') {
        clause[++depth] = 'select';
        call[depth] = prev?.kind === 'word' && !NOT_CALLS.has(prev.text);
      } else if (t.text === ')') depth = Math.max(0, depth - 1);
      continue;
    }
    if (t.kind === 'word') {
      const qualified = prev?.kind === 'punct' && prev.text === '.';
      if (CLAUSES.has(t.text) && !qualified) clause[depth] = t.text;
      const isCall = next?.kind === 'punct' && next.text === '(';
      if (isCall) {
        const name = t.text;
        if (FILE_READERS(name)) {
          const arg = tokens[i + 2];
          const after = tokens[i + 3];
          const own =
            arg?.kind === 'string' && allowed.has(arg.text) && (after?.text === ',' || after?.text === ')');
          if (!own)
            return `the query calls ${name}(), which reads files; use {object} to read the dataset itself`;
          continue;
        }
        if (FORBIDDEN_FUNCTIONS.has(name) || FORBIDDEN_PREFIXES.some((p) => name.startsWith(p)))
          return `the query calls ${name}(), which is not allowed in a quality rule`;
      }
      if (FORBIDDEN_WORDS.has(t.text) && !qualified)
        return `the query uses ${t.text.toUpperCase()}; a rule must be a read-only SELECT (quote a column named "${t.text}")`;
      continue;
    }
    if (t.kind === 'string') {
      const fromPosition =
        !call[depth] &&
        ((prev?.kind === 'word' && (prev.text === 'from' || prev.text === 'join')) ||
          (prev?.text === ',' && clause[depth] === 'from'));
      if (fromPosition && !allowed.has(t.text))
        return `the query reads the file '${t.text}'; use {object} to read the dataset itself`;
    }
  }
  return undefined;
}

/** Identifier placeholders of ODCS and datacontract-cli: `{object}` or `${object}` and their synonyms. */
export const PLACEHOLDERS = [
  'model',
  'table',
  'object',
  'schema',
  'dataset',
  'project',
  'catalog',
  'database',
  'field',
  'column',
  'property',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/**
 * Replaces placeholders with the given SQL fragments (already quoted by the engine). Returns the
 * resolved query, or the name of a placeholder that has no value here.
 */
export function resolvePlaceholders(
  query: string,
  values: Partial<Record<Placeholder, string>>,
): { sql: string } | { missing: string } {
  let missing: string | undefined;
  const sql = query.replace(/\$?\{\s*([A-Za-z_]+)\s*\}/g, (whole, name: string) => {
    const key = name.toLowerCase() as Placeholder;
    if (!PLACEHOLDERS.includes(key)) return whole;
    const value = values[key];
    if (value === undefined) {
      missing ??= name;
      return whole;
    }
    return value;
  });
  return missing ? { missing } : { sql };
}

/** Words that would turn a row filter into more than a condition on the table's own columns. */
const FILTER_CLAUSES = new Set([...CLAUSES, 'with', 'join', 'exists', 'lateral', 'values', 'returning']);

/**
 * Returns why `predicate` is not a plain row condition (`order_id <= 2`, `created_at >= DATE
 * '2024-01-01' AND region = 'EU'`), or undefined when it is. A filter goes into the checks' WHERE
 * clauses, so it may hold no statement of its own, no subquery, no clause keyword, no unbalanced
 * parenthesis and nothing the read-only guard refuses in a rule.
 */
export function rowFilterProblem(predicate: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(predicate);
  } catch (error) {
    return `the filter cannot be read: ${(error as Error).message}`;
  }
  if (!tokens.length) return 'the filter is empty';
  // A comment could hide the rest of the statement the filter is placed in.
  if (/--|\/\*/.test(predicate)) return "the filter holds a comment ('--' or '/*'); remove it";
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      if (t.text === ';') return 'the filter holds a ";"; it must be one condition';
      if (t.text === '(') depth++;
      if (t.text === ')' && --depth < 0) return 'the filter closes a parenthesis it did not open';
      continue;
    }
    const qualified = tokens[i - 1]?.kind === 'punct' && tokens[i - 1]!.text === '.';
    if (t.kind === 'word' && FILTER_CLAUSES.has(t.text) && !qualified)
      return `the filter uses ${t.text.toUpperCase()}; it must be a condition on the table's own columns (quote a column named "${t.text}")`;
  }
  if (depth > 0) return 'the filter leaves a parenthesis open';
  const problem = readOnlyProblem(`SELECT 1 WHERE (${predicate}\n)`);
  return problem?.replace(/^the query/, 'the filter');
}
