/**
 * Upgrades an ODCS v3.0.x contract to v3.1.0, the shape Charter stores. Beyond the documented
 * renames it settles what v3.0.x allowed and v3.1.0 does not, without losing data: keys that have no
 * place in v3.1.0 (v3.0.x left most objects open) move into the nearest `customProperties`, named by
 * their path from there, so an author can still find them.
 *
 * Decisions the standard leaves open (Charter's, documented here):
 * - a library rule without an operator meant "count and report"; v3.1.0 needs one, so counting
 *   metrics get `mustBe: 0` and `rowCount` gets `mustBeGreaterThan: 0`; an sql rule gets `mustBe: 0`;
 * - a rule with several operators becomes one rule per operator (all of them had to hold);
 * - a library `rule` name v3.1.0 has no metric for becomes a `text` rule, its settings kept in
 *   customProperties;
 * - exclusive-bound flags become bound values (`exclusiveMaximum: true, maximum: 9` → `exclusiveMaximum: 9`);
 * - a team member without a username gets their name (or `unknown-<n>`), since v3.1.0 requires one.
 */

import { InputError } from '../errors.js';
import { copyJson } from '../json-copy.js';
import { compileSchema, type Validator } from '../schema-validator.js';
import {
  type OperatorName,
  operatorNames,
  operatorValues,
  qualityMetrics,
  serverLayoutsV31,
} from './odcs-schema-parts.js';
import {
  customKeysV31,
  libraryKeysV31,
  odcsSchemaV31,
  qualityCommonKeysV31,
  serverCommonKeysV31,
  sqlKeysV31,
} from './odcs-schema-v3-1.js';
import type { OdcsContract } from './odcs-types.js';

type Json = Record<string, unknown>;
type KeySchemas = Record<string, unknown>;

const upgradable = ['v3.0.0', 'v3.0.1', 'v3.0.2', 'v3.1.0'];

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Returns a new v3.1.0 contract from a valid v3.0.x or v3.1.0 one; the input is left unchanged.
 *  Throws an InputError for a document that is not an ODCS v3.0/v3.1 contract at all. */
export function upgradeOdcs(doc: unknown): OdcsContract {
  if (!isRecord(doc)) throw new InputError('An ODCS contract must be an object');
  if (!upgradable.includes(doc.apiVersion as string)) {
    throw new InputError(`An ODCS contract can be upgraded from apiVersion ${upgradable.join(', ')} only`);
  }
  const contract = copyJson(doc);
  if (contract.apiVersion !== 'v3.1.0') upgradeFromV30(contract);
  if (Array.isArray(contract.team)) contract.team = { members: contract.team };
  return contract as unknown as OdcsContract;
}

// ---------------------------------------------------------------------------------------------
// Where keys without a place go

/** The object whose customProperties receive displaced keys, and their path from it. */
interface Sink {
  owner: Json;
  prefix: string;
}

const own = (owner: Json): Sink => ({ owner, prefix: '' });
const under = (sink: Sink, path: string): Sink => ({ owner: sink.owner, prefix: `${sink.prefix}${path}.` });

function park(sink: Sink, name: string, value: unknown): void {
  const list = sink.owner.customProperties;
  const entry = { property: `${sink.prefix}${name}`, value: value === undefined ? null : value };
  if (Array.isArray(list)) list.push(entry);
  else sink.owner.customProperties = [entry];
}

const defs = odcsSchemaV31.$defs;
const keysOf = (def: unknown): KeySchemas => (def as { properties: KeySchemas }).properties;
const itemKeysOf = (def: unknown): KeySchemas => keysOf((def as { items: unknown }).items);

const customPropertyKeys = itemKeysOf(defs.CustomProperties);
const authoritativeDefinitionKeys = itemKeysOf(defs.AuthoritativeDefinitions);

const fitters = new WeakMap<object, Validator>();

/** Whether a value is valid for the given v3.1.0 key schema (compiled once per schema). */
function fits(schema: unknown, value: unknown): boolean {
  if (schema === true) return true;
  if (!isRecord(schema)) return false;
  let validate = fitters.get(schema);
  if (!validate) {
    validate = compileSchema({ $defs: defs, ...schema });
    fitters.set(schema, validate);
  }
  return validate(value).length === 0;
}

/** Keeps the keys v3.1.0 knows with values it accepts; parks the rest. `trusted` keys were
 *  upgraded already and are not re-checked. */
function fitKeys(element: Json, allowed: KeySchemas, sink: Sink, trusted: readonly string[] = []): void {
  for (const key of Object.keys(element)) {
    if (trusted.includes(key) || (sink.owner === element && key === 'customProperties')) continue;
    if (key in allowed && fits(allowed[key], element[key])) continue;
    const value = element[key];
    delete element[key];
    park(sink, key, value);
  }
}

/** v3.0.x custom properties had no required keys and allowed any other; v3.1.0 closes them. */
function upgradeCustomProperties(owner: Json): void {
  const list = owner.customProperties;
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    owner.customProperties = [{ property: 'customProperties', value: list }];
    return;
  }
  const sink = own(owner);
  const original = list.length;
  for (let i = 0; i < original; i++) {
    const entry = list[i];
    if (!isRecord(entry)) {
      list[i] = { property: `customProperties[${i}]`, value: entry ?? null };
      continue;
    }
    if (typeof entry.property !== 'string') {
      if ('property' in entry) park(sink, `customProperties[${i}].property`, entry.property);
      entry.property = 'unnamed';
    }
    if (!('value' in entry)) entry.value = null;
    fitKeys(entry, customPropertyKeys, under(sink, `customProperties[${i}]`), ['value']);
  }
}

function upgradeAuthoritativeDefinitions(owner: Json, sink: Sink): void {
  records(owner.authoritativeDefinitions).forEach((definition, i) => {
    fitKeys(definition, authoritativeDefinitionKeys, under(sink, `authoritativeDefinitions[${i}]`));
  });
}

/** The extension points every element shares. */
function upgradeExtensions(element: Json, sink: Sink): void {
  if (sink.owner === element) upgradeCustomProperties(element);
  upgradeAuthoritativeDefinitions(element, sink);
}

// ---------------------------------------------------------------------------------------------
// The contract, part by part

function upgradeFromV30(contract: Json): void {
  contract.apiVersion = 'v3.1.0';
  const root = own(contract);
  upgradeExtensions(contract, root);

  if (isRecord(contract.description)) upgradeExtensions(contract.description, own(contract.description));
  for (const server of records(contract.servers)) upgradeServer(server);
  for (const object of records(contract.schema)) upgradeSchemaObject(object);
  for (const role of records(contract.roles)) upgradeRole(role);
  records(contract.support).forEach((item) => {
    upgradeExtensions(item, own(item));
    fitKeys(item, keysOf(defs.SupportItem), own(item));
  });
  if (isRecord(contract.price)) fitKeys(contract.price, keysOf(defs.Pricing), under(root, 'price'));
  records(contract.slaProperties).forEach((sla, i) => {
    fitKeys(sla, keysOf(defs.SlaProperty), under(root, `slaProperties[${i}]`));
  });

  const team = contract.team;
  const members = Array.isArray(team) ? team : isRecord(team) ? team.members : undefined;
  records(members).forEach(upgradeTeamMember);
}

function upgradeTeamMember(member: Json, index: number): void {
  const sink = own(member);
  upgradeCustomProperties(member);
  fitKeys(member, keysOf(defs.TeamMember), sink);
  if (typeof member.username !== 'string') {
    member.username = typeof member.name === 'string' && member.name ? member.name : `unknown-${index + 1}`;
  }
}

function upgradeRole(role: Json): void {
  upgradeCustomProperties(role);
  fitKeys(role, keysOf(defs.Role), own(role));
}

function upgradeServer(server: Json): void {
  const sink = own(server);
  upgradeCustomProperties(server);
  for (const role of records(server.roles)) upgradeRole(role);
  // v3.0.x typed a duckdb schema as an integer (a slip); v3.1.0 names it.
  if (server.type === 'duckdb' && typeof server.schema === 'number') server.schema = String(server.schema);
  const layout = serverLayoutsV31[server.type as keyof typeof serverLayoutsV31];
  fitKeys(server, { ...serverCommonKeysV31, ...layout?.fields }, sink, ['roles']);
}

function upgradeSchemaObject(object: Json): void {
  upgradeExtensions(object, own(object));
  for (const property of records(object.properties)) upgradeProperty(property, false);
  if (Array.isArray(object.quality)) object.quality = upgradeRules(object.quality);
}

const boundedTypes = ['date', 'integer', 'number'];

function upgradeProperty(property: Json, isItem: boolean): void {
  upgradeExtensions(property, own(property));
  const options = property.logicalTypeOptions;
  if (isRecord(options) && boundedTypes.includes(property.logicalType as string)) {
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof options[exclusive] !== 'boolean') continue;
      if (options[exclusive] && options[bound] !== undefined) {
        options[exclusive] = options[bound];
        delete options[bound];
      } else {
        delete options[exclusive];
      }
    }
  }
  for (const child of records(property.properties)) upgradeProperty(child, false);
  if (isRecord(property.items)) upgradeProperty(property.items, true);
  if (Array.isArray(property.quality)) property.quality = upgradeRules(property.quality);
  // v3.0.x let array items carry nested properties whatever their logical type; v3.1.0 only for objects.
  const nests = property.logicalType === undefined || property.logicalType === 'object';
  if (isItem && 'properties' in property && !nests) {
    const nested = property.properties;
    delete property.properties;
    park(own(property), 'properties', nested);
  }
}

// ---------------------------------------------------------------------------------------------
// Quality rules

const metricOfRule: Record<string, string> = {
  ...Object.fromEntries(qualityMetrics.map((metric) => [metric, metric])),
  duplicateCount: 'duplicateValues',
  validValues: 'invalidValues',
};

const isMetric = (value: unknown): boolean => (qualityMetrics as readonly unknown[]).includes(value);

function upgradeRules(rules: unknown[]): unknown[] {
  return rules.flatMap((rule) => (isRecord(rule) ? upgradeRule(rule) : [rule]));
}

function upgradeRule(rule: Json): Json[] {
  const sink = own(rule);
  upgradeExtensions(rule, sink);
  const type = rule.type;
  // v3.0.x read a rule without a type as a library rule.
  let library = type === undefined || type === 'library';
  const sql = type === 'sql';

  if (library && !isMetric(rule.metric)) {
    const metric = typeof rule.rule === 'string' ? metricOfRule[rule.rule] : undefined;
    if (metric === undefined) {
      // No v3.1.0 metric says what this rule checks: keep it as documentation.
      rule.type = 'text';
      library = false;
    } else {
      if ('metric' in rule) park(sink, 'metric', rule.metric);
      rule.metric = metric;
      delete rule.rule;
    }
  }

  if (library) {
    if ('arguments' in rule && !isRecord(rule.arguments)) {
      park(sink, 'arguments', rule.arguments);
      delete rule.arguments;
    }
    if (rule.metric === 'invalidValues' && 'validValues' in rule) {
      rule.arguments = { ...(rule.arguments as Json | undefined), validValues: rule.validValues };
      delete rule.validValues;
    }
  }

  const operators: OperatorName[] = [];
  if (library || sql) {
    for (const name of operatorNames) {
      if (!(name in rule)) continue;
      if (fits(operatorValues[name], rule[name])) {
        operators.push(name);
      } else {
        park(sink, name, rule[name]);
        delete rule[name];
      }
    }
    if (operators.length === 0) {
      const name: OperatorName = rule.metric === 'rowCount' ? 'mustBeGreaterThan' : 'mustBe';
      rule[name] = 0;
      operators.push(name);
    }
  }

  const allowed: KeySchemas = {
    ...qualityCommonKeysV31,
    ...(library ? libraryKeysV31 : {}),
    ...(sql ? sqlKeysV31 : {}),
    ...(type === 'custom' ? customKeysV31 : {}),
    ...Object.fromEntries(operators.map((name) => [name, true])),
  };
  fitKeys(rule, allowed, sink, ['authoritativeDefinitions']);

  if (operators.length <= 1) return [rule];
  // Several operators all had to hold: one rule each.
  return operators.map((kept, n) => {
    const copy = structuredClone(rule);
    for (const other of operators) if (other !== kept) delete copy[other];
    if (n > 0 && typeof copy.id === 'string') copy.id = `${copy.id}-${n + 1}`;
    return copy;
  });
}
