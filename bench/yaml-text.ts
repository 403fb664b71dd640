/**
 * Renders generated documents as block-style YAML, the way people write manifests, quickly enough
 * for 100,000 contracts. Only plain JSON values occur; strings that YAML could read as something
 * else are double-quoted (a JSON string is a valid YAML double-quoted scalar).
 */
import type { SourceDoc } from '../src/catalog/parse.js';

const PLAIN = /^[A-Za-z_][A-Za-z0-9_ .,()/'-]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    return PLAIN.test(value) && !value.endsWith(' ') && !RESERVED.test(value) ? value : JSON.stringify(value);
  }
  if (value === null || value === undefined) return 'null';
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function flowList(items: unknown[]): string | undefined {
  return items.every(isScalar) ? `[${items.map(scalar).join(', ')}]` : undefined;
}

function emitMapping(obj: Record<string, unknown>, indent: string, out: string[], firstPrefix?: string) {
  let first = true;
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    if (isScalar(value)) out.push(`${lead}${key}: ${scalar(value)}`);
    else if (Array.isArray(value)) {
      const flow = flowList(value);
      if (flow !== undefined) out.push(`${lead}${key}: ${flow}`);
      else {
        out.push(`${lead}${key}:`);
        emitSequence(value, `${indent}  `, out);
      }
    } else if (Object.keys(value as Record<string, unknown>).length === 0) out.push(`${lead}${key}: {}`);
    else {
      out.push(`${lead}${key}:`);
      emitMapping(value as Record<string, unknown>, `${indent}  `, out);
    }
  }
}

function emitSequence(items: unknown[], indent: string, out: string[]) {
  for (const item of items) {
    if (isScalar(item)) out.push(`${indent}- ${scalar(item)}`);
    else if (Array.isArray(item)) throw new Error('nested sequences are not generated');
    else emitMapping(item as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
  }
}

export function toYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  emitMapping(doc, '', out);
  return out.join('\n');
}

/** Groups documents by source into YAML multi-document files, in order. */
export function toYamlFiles(docs: readonly SourceDoc[]): { name: string; content: string }[] {
  const files = new Map<string, string[]>();
  for (const d of docs) {
    const list = files.get(d.source) ?? [];
    list.push(toYaml(d.doc as Record<string, unknown>));
    files.set(d.source, list);
  }
  return [...files].map(([name, parts]) => ({ name, content: `${parts.join('\n---\n')}\n` }));
}
