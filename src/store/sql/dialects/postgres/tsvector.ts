/**
 * PostgreSQL's search vectors and queries, written as `tsvector` and `tsquery` text from the words
 * `searchTokens` finds, instead of by `to_tsvector`: the same words both stores index (accents
 * dropped, split at every non-letter), and a fraction of the database's time (its text parser
 * took about 50 µs per contract).
 */
import { searchTokens } from '../../search-match.js';

/** The weight of a part of the text in `ts_rank`: A counts most. */
export type Weight = 'A' | 'B' | 'C' | 'D';

/**
 * What PostgreSQL keeps: positions up to 16,383, words up to 2,046 bytes, and at most 1,048,575
 * bytes in one vector: its words (each aligned to 2 bytes) and their positions (2 bytes each, and
 * 2 for their count). A word met at most costs its bytes and 5 more (`WORD_COST`), which bounds both.
 */
const MAX_POSITION = 16_383;
const MAX_WORD_BYTES = 2_046;
const MAX_VECTOR_BYTES = 1_048_575;
const WORD_COST = 5;

/** Whether PostgreSQL keeps this word in a vector (and takes it in a query). */
export function indexable(word: string): boolean {
  return word.length * 3 <= MAX_WORD_BYTES || Buffer.byteLength(word) <= MAX_WORD_BYTES;
}

function quoted(word: string): string {
  return /['\\]/.test(word) ? `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${word}'`;
}

/**
 * The `tsvector` text of these parts, in order: every word at its position, numbered across the
 * parts as `to_tsvector(a) || to_tsvector(b)` numbers them, marked with its part's weight. A word
 * met again is written again: PostgreSQL merges them on input (keeping 256 positions a word). Words
 * past what one vector holds (about a megabyte of text) are left out, where `to_tsvector` refused
 * the whole text.
 */
export function tsvectorText(parts: readonly (readonly [text: string, weight: Weight])[]): string {
  const out: string[] = [];
  let position = 0;
  // What the words so far could cost at most, counted in code units (3 bytes each at most) until
  // that could pass the limit, and in bytes from then on.
  let units = 0;
  let bytes = -1;
  for (const [text, weight] of parts) {
    const mark = weight === 'D' ? '' : weight;
    for (const word of searchTokens(text)) {
      if (position < MAX_POSITION) position += 1;
      if (!indexable(word)) continue;
      units += word.length * 3 + WORD_COST;
      if (units > MAX_VECTOR_BYTES) {
        if (bytes < 0)
          bytes = out.reduce(
            (n, entry) => n + Buffer.byteLength(entry.slice(1, entry.lastIndexOf("'"))) + WORD_COST,
            0,
          );
        bytes += Buffer.byteLength(word) + WORD_COST;
        if (bytes > MAX_VECTOR_BYTES) return out.join(' ');
      }
      out.push(`'${word}':${position}${mark}`);
    }
  }
  return out.join(' ');
}

/** The `tsquery` text that matches every term, the last as a prefix (`'daily' & 'track':*`). */
export function tsqueryText(terms: readonly string[]): string {
  return terms.map((t, i) => `${quoted(t)}${i === terms.length - 1 ? ':*' : ''}`).join(' & ');
}
