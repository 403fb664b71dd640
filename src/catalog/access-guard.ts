/**
 * What the catalog asks of access control, without knowing how roles work: may this caller write
 * these assets, read this one, which domains can it see. The access capability implements it.
 */

export interface GuardTarget {
  ref: string;
  kind: string;
  domain: string | null;
  parent?: string | null;
}

/** An asset whose data values (failing-row samples) someone asks to see. */
export interface ValuesTarget {
  ref: string;
  domain: string | null;
  /** Every classification the asset carries: declared on it, its tables and fields, or inherited. */
  classifications: readonly string[];
}

export interface AccessGuard {
  /** The data office (or the local administrator): sees and may do everything. */
  readonly isAdmin: boolean;
  /** Throws NotAllowedError naming the missing permission for each target it may not write. */
  requireWrite(targets: readonly GuardTarget[]): void;
  canWrite(target: GuardTarget): boolean;
  canRead(target: GuardTarget): boolean;
  /** Throws NotAllowedError naming the missing permission. */
  requireRead(target: GuardTarget): void;
  /** Domains whose assets the caller may read; undefined: all. */
  readableDomains(): Set<string> | undefined;
  requireDataOffice(what: string): void;
  /**
   * Why the caller may not see the asset's data values: a classification above its role's
   * clearance in the asset's domain. Undefined when it may (metadata needs only `canRead`).
   */
  valuesWithheld(target: ValuesTarget): string | undefined;
}
