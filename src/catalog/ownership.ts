/**
 * Whose an asset is: the rule every view of ownership follows (describe, lists, the `--owner`
 * filter, lineage's directory). The owners (or stewards) an asset names, else those of the nearest
 * domain up its chain that names any.
 */

export interface NearestPeople {
  people: string[];
  /** `declared`, the ref of the domain they come from, or null when no one is named anywhere. */
  from: string | null;
}

/**
 * `own`: the people the asset names; `chain`: domain refs, nearest first (a domain's own chain
 * starts at its parent); `ofDomain`: the people a domain names itself.
 */
export function nearestPeople(
  own: readonly string[],
  chain: readonly string[],
  ofDomain: (domain: string) => readonly string[] | undefined,
): NearestPeople {
  if (own.length) return { people: [...own], from: 'declared' };
  for (const domain of chain) {
    const people = ofDomain(domain);
    if (people?.length) return { people: [...people], from: domain };
  }
  return { people: [], from: null };
}
