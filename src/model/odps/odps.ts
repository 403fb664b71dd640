/**
 * ODPS v1.0.0 data products: validation and Charter's model of a product and its ports. Ports link
 * products to ODCS contracts (`contractId`). The validator is compiled once, on first use.
 */
import { compileSchema, type Validator } from '../schema-validator.js';
import type { ValidationIssue } from '../validation.js';
import { odpsSchemaV1 } from './odps-schema-v1.js';

export interface OdpsCustomProperty {
  property: string;
  value: unknown;
  description?: string;
}

export interface OdpsAuthoritativeDefinition {
  /** e.g. businessDefinition, data_dictionary */
  type: string;
  /** an absolute URI */
  url: string;
  description?: string;
}

interface OdpsExtensible {
  tags?: string[];
  customProperties?: OdpsCustomProperty[];
  authoritativeDefinitions?: OdpsAuthoritativeDefinition[];
}

/** A contract the product consumes. */
export interface OdpsInputPort extends OdpsExtensible {
  name: string;
  version: string;
  contractId: string;
}

/** A contract the product publishes, with the contracts it is derived from. */
export interface OdpsOutputPort extends OdpsExtensible {
  name: string;
  version: string;
  contractId?: string;
  description?: string;
  /** e.g. tables */
  type?: string;
  sbom?: { type?: string; url: string }[];
  inputContracts?: { id: string; version: string }[];
}

/** How the product is observed, discovered or controlled. */
export interface OdpsManagementPort extends OdpsExtensible {
  name: string;
  /** e.g. discoverability, observability, control, dictionary */
  content: string;
  /** e.g. rest, topic */
  type?: string;
  url?: string;
  channel?: string;
  description?: string;
}

export interface OdpsSupportChannel extends OdpsExtensible {
  channel: string;
  url: string;
  description?: string;
  tool?: string;
  scope?: string;
  invitationUrl?: string;
}

export interface OdpsTeamMember extends OdpsExtensible {
  username: string;
  name?: string;
  description?: string;
  role?: string;
  dateIn?: string;
  dateOut?: string;
  replacedByUsername?: string;
}

export interface OdpsTeam extends OdpsExtensible {
  name?: string;
  description?: string;
  members?: OdpsTeamMember[];
}

export interface OdpsProduct extends OdpsExtensible {
  apiVersion: 'v1.0.0' | 'v0.9.0';
  kind: 'DataProduct';
  id: string;
  /** e.g. proposed, draft, active, deprecated, retired */
  status: string;
  name?: string;
  /** Not required by the standard, but highly recommended. */
  version?: string;
  domain?: string;
  tenant?: string;
  description?: {
    purpose?: string;
    limitations?: string;
    usage?: string;
    customProperties?: OdpsCustomProperty[];
    authoritativeDefinitions?: OdpsAuthoritativeDefinition[];
  };
  inputPorts?: OdpsInputPort[];
  outputPorts?: OdpsOutputPort[];
  managementPorts?: OdpsManagementPort[];
  support?: OdpsSupportChannel[];
  team?: OdpsTeam;
  productCreatedTs?: string;
}

let rules: Validator | undefined;

/** Validates an ODPS data product (apiVersion v1.0.0, or v0.9.0 as the v1.0.0 schema allows). */
export function validateOdps(doc: unknown): ValidationIssue[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return [{ path: '', message: 'must be an object (an ODPS data product)' }];
  }
  rules ??= compileSchema(odpsSchemaV1);
  return rules(doc);
}
