/**
 * ODCS v3 data contracts: validation by the rules of the document's own apiVersion (v3.0.x or
 * v3.1.0), and the upgrade to v3.1.0, Charter's internal model. Validators are compiled once, on
 * first use; a valid document costs one compiled check.
 */
import { compileSchema, type Validator } from '../schema-validator.js';
import type { ValidationIssue } from '../validation.js';
import { refineIssues } from './odcs-issues.js';
import { logicalTypeOptionsV30, logicalTypeOptionsV31 } from './odcs-schema-parts.js';
import { odcsSchemaV30 } from './odcs-schema-v3-0.js';
import { odcsSchemaV31 } from './odcs-schema-v3-1.js';

export type {
  OdcsArrayItem,
  OdcsAuthoritativeDefinition,
  OdcsContract,
  OdcsCustomProperty,
  OdcsCustomRule,
  OdcsDescription,
  OdcsLibraryRule,
  OdcsLogicalType,
  OdcsLogicalTypeOptions,
  OdcsMetric,
  OdcsOperators,
  OdcsPrice,
  OdcsProperty,
  OdcsPropertyRelationship,
  OdcsQuality,
  OdcsQualityDimension,
  OdcsRole,
  OdcsSchemaObject,
  OdcsSchemaRelationship,
  OdcsServer,
  OdcsServerType,
  OdcsSlaProperty,
  OdcsSqlRule,
  OdcsSupportItem,
  OdcsTeam,
  OdcsTeamMember,
  OdcsTextRule,
} from './odcs-types.js';
export { upgradeOdcs } from './odcs-upgrade.js';

const supportedVersions = ['v3.1.0', 'v3.0.2', 'v3.0.1', 'v3.0.0'] as const;
const supportedList = supportedVersions.join(', ');

let rulesV31: Validator | undefined;
let rulesV30: Validator | undefined;

function validateV31(doc: unknown): ValidationIssue[] {
  rulesV31 ??= compileSchema(odcsSchemaV31);
  return rulesV31(doc);
}

function validateV30(doc: unknown): ValidationIssue[] {
  rulesV30 ??= compileSchema(odcsSchemaV30);
  return rulesV30(doc);
}

/** Validates an ODCS contract by the rules of its apiVersion; returns every issue, or none. */
export function validateOdcs(doc: unknown): ValidationIssue[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return [{ path: '', message: 'must be an object (an ODCS data contract)' }];
  }
  const apiVersion = (doc as Record<string, unknown>).apiVersion;

  if (apiVersion === 'v3.1.0') {
    const issues = validateV31(doc);
    return issues.length === 0
      ? issues
      : refineIssues(issues, doc, { logicalTypeOptions: logicalTypeOptionsV31 });
  }

  if (apiVersion === 'v3.0.2' || apiVersion === 'v3.0.1' || apiVersion === 'v3.0.0') {
    const issues = validateV30(doc);
    if (issues.length === 0) return issues;
    const refined = refineIssues(issues, doc, { logicalTypeOptions: logicalTypeOptionsV30 });
    // Many contracts labelled v3.0.x use v3.1.0 features (a team object, metric, timestamp).
    if (validateV31({ ...doc, apiVersion: 'v3.1.0' }).length === 0) {
      refined.unshift({
        path: 'apiVersion',
        message: `is ${apiVersion}, but the contract uses v3.1.0 features and passes the v3.1.0 rules; declare apiVersion: v3.1.0`,
      });
    }
    return refined;
  }

  return [{ path: 'apiVersion', message: unsupportedVersion(apiVersion) }];
}

function unsupportedVersion(apiVersion: unknown): string {
  if (apiVersion === undefined) return `is required; supported versions: ${supportedList}`;
  if (typeof apiVersion !== 'string') return `must be a version string; supported versions: ${supportedList}`;
  if (/^v?2(\.|$)/.test(apiVersion)) {
    return `names ODCS v2, which is not supported; convert the contract to v3 (supported versions: ${supportedList})`;
  }
  if (/^v?3\.2(\.|$)/.test(apiVersion)) {
    return `names ODCS v3.2, which is not released yet; supported versions: ${supportedList}`;
  }
  return `must be one of the supported versions: ${supportedList}`;
}

/**
 * True for a contract labelled v3.0.x that fails the v3.0 rules but passes v3.1.0 — common in the
 * wild and among the standard's own examples. The catalog reads such a contract as v3.1.0, with a warning.
 */
export function isMislabelledV31(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const apiVersion = (doc as Record<string, unknown>).apiVersion;
  if (apiVersion !== 'v3.0.2' && apiVersion !== 'v3.0.1' && apiVersion !== 'v3.0.0') return false;
  return validateV30(doc).length > 0 && validateV31({ ...doc, apiVersion: 'v3.1.0' }).length === 0;
}
