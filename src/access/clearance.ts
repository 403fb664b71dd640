/**
 * Clearance: how far up the charter's classification levels each domain role may see data values
 * (failing-row samples). Metadata is governed by the read permission alone; values also need a
 * clearance at or above every classification the asset carries. The data office is cleared for
 * everything; each role at least as high as the roles below it.
 */
import { type CharterSpec, CLEARANCE_ROLES, type ClearanceRole } from '../model/kinds/charter-kind.js';
import type { DomainRole } from './roles.js';

/** The levels assumed when there is no charter (or it lists none). */
export const DEFAULT_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;

export interface ClearanceRules {
  /** Lowest to highest sensitivity. */
  levels: string[];
  /** Index into `levels` of the highest level each role may see values of. */
  byRole: Record<ClearanceRole, number>;
}

export function clearanceRules(spec: Pick<CharterSpec, 'classificationLevels' | 'clearance'> | undefined) {
  const levels = spec?.classificationLevels.map((l) => l.name) ?? [];
  if (!levels.length) levels.push(...DEFAULT_LEVELS);
  const top = levels.length - 1;
  const internal = levels.indexOf('internal');
  const defaults: Record<ClearanceRole, number> = {
    viewer: Math.max(internal, 0),
    contributor: Math.max(internal, 0),
    steward: top,
    'domain-owner': top,
  };
  const byRole = {} as Record<ClearanceRole, number>;
  let floor = 0;
  for (const role of CLEARANCE_ROLES) {
    const named = spec?.clearance?.[role];
    const at = named === undefined ? -1 : levels.indexOf(named);
    floor = Math.max(floor, at >= 0 ? at : defaults[role]);
    byRole[role] = floor;
  }
  return { levels, byRole } satisfies ClearanceRules;
}

/**
 * A classification's rank. One the charter does not name (a typo, `pii`) ranks as the highest
 * level: values are withheld when in doubt.
 */
export function rankOf(rules: ClearanceRules, classification: string): number {
  const at = rules.levels.indexOf(classification);
  return at >= 0 ? at : rules.levels.length - 1;
}

/**
 * Why a caller holding `role` may not see the values of an asset carrying these classifications, or
 * undefined when it may. A caller who reads without a role (an asset outside any domain) is cleared
 * as a viewer.
 */
export function valuesWithheldReason(
  rules: ClearanceRules,
  role: DomainRole | undefined,
  target: { ref: string; domain: string | null; classifications: readonly string[] },
): string | undefined {
  if (!target.classifications.length) return undefined;
  const highest = target.classifications.reduce((a, b) => (rankOf(rules, b) > rankOf(rules, a) ? b : a));
  const cleared = rules.byRole[role ?? 'viewer'];
  if (rankOf(rules, highest) <= cleared) return undefined;
  const holder = `${role ?? 'viewer'}${target.domain ? ` on domain:${target.domain}` : ''} is cleared to ${rules.levels[cleared]}`;
  return `${target.ref} is classified ${highest}, above the caller's clearance (${holder}): sample values are withheld`;
}
