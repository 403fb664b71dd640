/**
 * What every kind of manifest provides: its validation, its identity (ref), the refs it points at
 * (relations, recorded in pairs), the text search indexes, and its fields. One small object per
 * kind keeps the apply pipeline generic.
 */
import type { RefKind } from '../ref.js';
import type { ValidationIssue } from '../validation.js';

/** Outgoing relation types; each has an inverse recorded with it. */
export const relationInverse = {
  inDomain: 'contains',
  childOf: 'parentOf',
  ownedBy: 'ownerOf',
  stewardedBy: 'stewardOf',
  hasRole: 'holdsRole',
  hasMember: 'memberOf',
  usesTerm: 'termUsedBy',
  relatedTo: 'relatedTo',
  exposes: 'exposedBy',
  consumes: 'consumedBy',
  waives: 'waivedBy',
  waivesFor: 'hasWaiver',
  usesData: 'dataUsedBy',
  producesData: 'producedBy',
  usesModel: 'modelUsedBy',
} as const;

export type RelationType = keyof typeof relationInverse;

export interface Relation {
  type: RelationType;
  /** A ref, or `id:<uid>` to resolve by an ODCS/ODPS id. */
  target: string;
  /** Where in the document the reference is written, for error messages. */
  path: string;
  /** For `hasRole`: the ownership type (e.g. `technical-owner`). */
  role?: string;
  /** Unresolved optional relations become warnings rather than errors (e.g. external contract ids). */
  optional?: boolean;
}

export interface FieldInfo {
  /** Position-independent path: `table.column` or `table.parent.child` for nested properties. */
  path: string;
  /** JSON path of the property in the document, e.g. `schema[0].properties[3]`. */
  docPath: string;
  table: string;
  name: string;
  logicalType?: string;
  physicalType?: string;
  classification?: string;
  description?: string;
  required?: boolean;
  tags: string[];
  terms: string[];
}

export interface SearchText {
  name: string;
  title: string;
  description: string;
  fields: string;
  tags: string;
}

export interface KindContext {
  /** The charter's ownership types (lower-case); `owner` and `steward` are always present. */
  ownershipTypes: readonly string[];
}

export interface Identity {
  domain?: string;
  name: string;
  /** External id carried by the document (ODCS/ODPS `id`), used to resolve port references. */
  uid?: string;
}

export interface KindDefinition<Doc = unknown> {
  /** `kind` as written in the manifest. */
  kind: string;
  refKind: RefKind;
  /** Whether assets of this kind live inside a domain (and their ref carries it). */
  domainScoped: 'required' | 'optional' | 'never';
  validate(doc: unknown): ValidationIssue[];
  /** Things worth telling about a valid document (it is still accepted). */
  warnings?(doc: unknown): ValidationIssue[];
  /** Brings a valid document to the internal model (e.g. ODCS v3.0 → v3.1). Must not mutate. */
  normalize(doc: unknown): Doc;
  identify(doc: Doc): Identity | ValidationIssue[];
  relations(doc: Doc, ctx: KindContext): Relation[];
  /**
   * The relations that name owners, stewards and other ownership roles: those of `relations`, in
   * its order, for readers that need no other (a policy sweep reading every stored contract). Set
   * where `relations` derives much more (a contract's glossary links walk every field).
   */
  ownership?(doc: Doc, ctx: KindContext): Relation[];
  summary(doc: Doc): { title: string; description: string };
  searchText(doc: Doc): SearchText;
  fields(doc: Doc): FieldInfo[];
}
