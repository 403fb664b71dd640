/**
 * Validation results as data: a document is checked and every problem is reported with the JSON
 * path of the offending value and what was expected, never thrown one at a time.
 */

export interface ValidationIssue {
  /** JSON path into the document, e.g. `schema[0].properties[3].logicalType`; empty for the root. */
  path: string;
  message: string;
  /** The line of the source text `path` points at, when the document was read from text. */
  line?: number;
}

/** Joins path segments the way people read them: `a.b[2].c`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Reads a path written by formatPath (`schema[0].properties[2]["odd key"]`) back into segments. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  let rest = path;
  while (rest.length > 0) {
    if (rest.startsWith('.')) rest = rest.slice(1);
    const index = /^\[(\d+)\]/.exec(rest);
    const quoted = index ? undefined : /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    const name = index || quoted ? undefined : /^[^.[]+/.exec(rest);
    const match = index ?? quoted ?? name;
    if (!match) break;
    segments.push(index ? Number(index[1]) : quoted ? (JSON.parse(quoted[1]!) as string) : match[0]);
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/** Converts a JSON pointer (`/schema/0/name`) into a readable path (`schema[0].name`). */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return formatPath(segments);
}
