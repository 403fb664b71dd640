/**
 * Whether a column's engine type can hold a contract's logical type. Engine types are read from the
 * engine (DuckDB's DESCRIBE, SQLite's declared types, PostgreSQL's information_schema); nested
 * DuckDB types (STRUCT(…), T[]) are checked member by member.
 */
import type { ColumnSpec } from './contract-checks.js';

const FAMILIES: Record<string, RegExp> = {
  string:
    /^(VARCHAR|TEXT|CHAR|CHARACTER|CHARACTER VARYING|BPCHAR|STRING|UUID|ENUM|NAME|CITEXT|NVARCHAR|NCHAR|CLOB)\b/,
  integer:
    /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT2|INT4|INT8|SERIAL|BIGSERIAL|SMALLSERIAL|MEDIUMINT)\b|^(DECIMAL|NUMERIC)\(\d+,\s*0\)$/,
  number:
    /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT2|INT4|INT8|SERIAL|BIGSERIAL|MEDIUMINT|DECIMAL|NUMERIC|REAL|DOUBLE|DOUBLE PRECISION|FLOAT|FLOAT4|FLOAT8|MONEY)\b/,
  boolean: /^(BOOLEAN|BOOL)\b/,
  // A timestamp holds a date; ODCS contracts often declare date columns stored as timestamps.
  date: /^(DATE|TIMESTAMP|DATETIME)\b/,
  timestamp: /^(TIMESTAMP|DATETIME|TIMESTAMPTZ)\b/,
  time: /^(TIME|TIMETZ)\b/,
  object: /^(STRUCT|JSON|JSONB|MAP|RECORD|UNION)\b/,
  array: /(\[\d*\])$|^(LIST|ARRAY)\b/,
};

/** SQLite stores dates as text or numbers and booleans as integers; its declared types are advisory. */
const SQLITE_EXTRA: Record<string, RegExp> = {
  date: /^(TEXT|VARCHAR|NUMERIC|INTEGER|REAL)\b/,
  timestamp: /^(TEXT|VARCHAR|NUMERIC|INTEGER|REAL)\b/,
  time: /^(TEXT|VARCHAR)\b/,
  boolean: /^(INTEGER|INT|NUMERIC|TINYINT)\b/,
  object: /^(TEXT|BLOB)\b/,
  array: /^(TEXT|BLOB)\b/,
};

/** Splits a DuckDB nested type: `STRUCT(a INTEGER, "b c" VARCHAR)` and `INTEGER[]`. */
export function parseNestedType(type: string): { items?: string; fields?: { name: string; type: string }[] } {
  const t = type.trim();
  if (/\[\d*\]$/.test(t)) return { items: t.replace(/\[\d*\]$/, '') };
  const m = /^STRUCT\((.*)\)$/is.exec(t);
  if (!m) return {};
  const fields: { name: string; type: string }[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  const push = () => {
    const part = current.trim();
    current = '';
    if (!part) return;
    const nm = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/s.exec(part);
    if (nm) fields.push({ name: nm[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'), type: nm[2]!.trim() });
  };
  for (const ch of m[1]!) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') push();
    else current += ch;
  }
  push();
  return { fields };
}

function familyOf(column: ColumnSpec): string | undefined {
  if (column.logicalType) return column.logicalType.toLowerCase();
  const p = (column.physicalType ?? '').toUpperCase();
  for (const [family, re] of Object.entries(FAMILIES)) if (re.test(p)) return family;
  return undefined;
}

/**
 * Problems with a column's type, as "path is TYPE, not logical" phrases; empty when compatible.
 * `engine` picks the engine's leniencies (SQLite's advisory types).
 */
export function typeProblems(
  column: ColumnSpec,
  actual: string,
  engine: string,
  path = column.name,
): string[] {
  const family = familyOf(column);
  const type = actual.toUpperCase().trim();
  if (!family) return [];
  if (engine === 'sqlite' && type === '') return [];
  const re = FAMILIES[family];
  if (!re) return [];
  const ok = re.test(type) || (engine === 'sqlite' && SQLITE_EXTRA[family]?.test(type));
  if (!ok) return [`${path} is ${actual}, not ${family}`];
  const problems: string[] = [];
  const nested = parseNestedType(actual.trim());
  if (family === 'array' && column.items && nested.items)
    problems.push(...typeProblems(column.items, nested.items, engine, `${path}[]`));
  if (family === 'object' && column.nested && nested.fields) {
    for (const child of column.nested) {
      const found =
        nested.fields.find((f) => f.name === child.name) ??
        nested.fields.find((f) => f.name.toLowerCase() === child.name.toLowerCase());
      if (!found) {
        if (child.required) problems.push(`${path}.${child.name} is absent`);
        continue;
      }
      problems.push(...typeProblems(child, found.type, engine, `${path}.${child.name}`));
    }
  }
  return problems;
}
