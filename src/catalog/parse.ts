/**
 * Parsing manifests: YAML (one or many documents) or JSON (one object or an array), with the
 * problems of each document reported by file, index and line instead of thrown.
 */
import { LineCounter, parseAllDocuments } from 'yaml';

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
        message: `is not valid YAML: ${error.message.split('\n')[0]}`,
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

/** Parses several named sources into one apply's documents and problems. */
export function parseSources(files: readonly { name: string; content: string | Uint8Array }[]): Parsed {
  const docs: SourceDoc[] = [];
  const problems: ParseProblem[] = [];
  for (const file of files) {
    const parsed = parseManifests(file.content, file.name);
    docs.push(...parsed.docs);
    problems.push(...parsed.problems);
  }
  return { docs, problems };
}
