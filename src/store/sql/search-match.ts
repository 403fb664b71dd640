/**
 * What both stores' full-text search shares: the words a text is indexed and queried by
 * (`searchTokens`), how a broad query's bounded ranking keeps its name and title matches
 * (`strongestFirst`), and why a hit matched: the first indexed text (name, title, fields, tags,
 * description, in that order) that contains a query term, cut to a short window with the matched
 * words between « and ». Computed for the handful of hits shown, so the ranked query stays lean.
 */

export interface IndexedText {
  name: string;
  title: string;
  fields: string;
  tags: string;
  description: string;
}

const WINDOW = 60;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * The words of a text as search indexes and queries see them: lower case, accents dropped, split at
 * anything that is not a letter or a digit (`payment_id` is `payment` and `id`). Queries are cut
 * into terms this way on both stores, and PostgreSQL's index is built from them too, so a word
 * matches whatever accents or case either side wrote.
 */
export function searchTokens(text: string): string[] {
  return normalise(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function termRegex(term: string, prefix: boolean): RegExp {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Word starts only, like the full-text index: `tracking` matches "tracking_id", not "backtracking".
  return new RegExp(
    `(?<![\\p{L}\\p{N}])${escaped}${prefix ? '[\\p{L}\\p{N}]*' : '(?![\\p{L}\\p{N}])'}`,
    'gu',
  );
}

/** The column that contains the most query terms (name first on ties), as a short highlighted excerpt. */
export function matchExcerpt(text: IndexedText, terms: readonly string[]): string {
  const patterns = terms.map((t, i) => termRegex(t, i === terms.length - 1));
  let best: { column: string; positions: [number, number][]; distinct: number } | undefined;
  for (const column of [text.name, text.title, text.fields, text.tags, text.description]) {
    if (!column) continue;
    const lower = normalise(column);
    const positions: [number, number][] = [];
    let distinct = 0;
    for (const re of patterns) {
      let found = false;
      for (const m of lower.matchAll(re)) {
        positions.push([m.index!, m.index! + m[0].length]);
        found = true;
      }
      if (found) distinct += 1;
    }
    if (distinct > (best?.distinct ?? 0)) best = { column, positions, distinct };
  }
  if (!best) return '';
  const { column, positions } = best;
  positions.sort((a, b) => a[0] - b[0]);
  const start = Math.max(0, positions[0]![0] - 20);
  const end = Math.min(column.length, start + WINDOW);
  let out = '';
  let at = start;
  for (const [s, e] of positions) {
    if (s < at || e > end) continue;
    out += `${column.slice(at, s)}«${column.slice(s, e)}»`;
    at = e;
  }
  out += column.slice(at, end);
  return `${start > 0 ? '…' : ''}${out.replace(/\s+/g, ' ')}${end < column.length ? '…' : ''}`;
}

/** Matches of one query ranked by a dialect; an id of -1 marks that more matched than it ranked. */
export interface RankedMatch {
  id: number;
  score: number;
}

/**
 * A dialect's ranked rows as matches: `n` is how many of the first `bound + 1` in index order
 * matched, and the marker (id -1, never shown) says the bound was reached.
 */
export function toRankedMatches(
  rows: readonly { id: number | string; score: number | string; n: number | string }[],
  bound: number,
): RankedMatch[] {
  const top = rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
  if (rows.length && Number(rows[0]!.n) > bound) top.push({ id: -1, score: Number.NEGATIVE_INFINITY });
  return top;
}

/** Matches a dialect ranks per query, in index order; past that, name and title matches first. */
export const RANKED_MATCHES = 2000;

/**
 * The best `limit` matches of a query whose ranked matches (`ranked`, with the marker when the
 * bound was reached) may leave out stronger ones: a broad query ranks the assets whose name or
 * title match (`titled`) first, so those are never lost to the bound.
 */
export async function strongestFirst(
  ranked: readonly RankedMatch[],
  titled: () => Promise<RankedMatch[]>,
  limit: number,
): Promise<RankedMatch[]> {
  let top = ranked;
  if (ranked.some((t) => t.id < 0)) {
    const first = await titled();
    const seen = new Set(first.map((t) => t.id));
    top = [...first, ...ranked.filter((t) => !seen.has(t.id))];
  }
  return top.filter((t) => t.id >= 0).slice(0, limit);
}
