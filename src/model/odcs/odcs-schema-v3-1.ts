/**
 * Charter's JSON Schema (draft 2019-09) for ODCS v3.1.0 data contracts, written from the standard's
 * documented structure. It accepts and refuses the same documents as the official schema; it is
 * organised so that each mistake yields one precise issue (see odcs-schema-parts.ts).
 */
import {
  anyObject,
  closedObject,
  date,
  dateTime,
  decimal,
  elementKeys,
  exactlyOneOperator,
  known,
  listOf,
  logicalTypeBranches,
  logicalTypeOptionsV31,
  logicalTypesV31,
  operatorNames,
  propertyKeys,
  qualityDimensions,
  qualityMetrics,
  qualityTypes,
  quietWhenUnknown,
  ref,
  referencePattern,
  scalar,
  serverBranches,
  serverLayoutsV31,
  serverTypesV31,
  stableIdPattern,
  text,
  when,
  whenIs,
} from './odcs-schema-parts.js';

/** The keys every server has, whatever its type. */
export const serverCommonKeysV31 = {
  id: ref('StableId'),
  server: text,
  type: { enum: serverTypesV31 },
  description: text,
  environment: text,
  roles: listOf(ref('Role')),
  customProperties: ref('CustomProperties'),
};

/** The keys every quality rule has, whatever its type. */
export const qualityCommonKeysV31 = {
  id: ref('StableId'),
  name: text,
  description: text,
  type: { enum: qualityTypes },
  dimension: { enum: qualityDimensions },
  method: text,
  severity: text,
  businessImpact: text,
  unit: text,
  schedule: text,
  scheduler: text,
  tags: ref('Tags'),
  customProperties: ref('CustomProperties'),
  authoritativeDefinitions: ref('AuthoritativeDefinitions'),
};

/** Keys a library rule adds (with one operator); `rule` is the deprecated v3.0 name of `metric`. */
export const libraryKeysV31 = { metric: { enum: qualityMetrics }, rule: text, arguments: anyObject };
export const sqlKeysV31 = { query: text };
export const customKeysV31 = { engine: text, implementation: { type: ['string', 'object'] } };

/** A rule is a library rule when its type says so or when it names a metric. */
const isLibrary = { anyOf: [whenIs('type', 'library'), { required: ['metric'] }] };
const isSql = whenIs('type', 'sql');
const isCustom = whenIs('type', 'custom');
const takesOperator = { anyOf: [whenIs('type', ['library', 'sql']), { required: ['metric'] }] };

const relationshipEnd = {
  type: ['string', 'array'],
  ...when(
    { type: 'string' },
    { pattern: referencePattern },
    { minItems: 1, items: { type: 'string', pattern: referencePattern } },
  ),
};

export const odcsSchemaV31 = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  title: 'ODCS v3.1.0 data contract (Charter)',
  type: 'object',
  required: ['apiVersion', 'kind', 'id', 'version', 'status'],
  additionalProperties: false,
  properties: {
    apiVersion: { enum: ['v3.1.0'] },
    kind: { enum: ['DataContract'] },
    id: text,
    version: text,
    status: text,
    name: text,
    tenant: text,
    domain: text,
    dataProduct: text,
    tags: ref('Tags'),
    description: {
      type: 'object',
      properties: {
        usage: text,
        purpose: text,
        limitations: text,
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
        customProperties: ref('CustomProperties'),
      },
    },
    schema: listOf(ref('SchemaObject')),
    servers: listOf(ref('Server')),
    support: listOf(ref('SupportItem')),
    price: ref('Pricing'),
    team: when({ type: 'array' }, { items: ref('TeamMember') }, ref('Team')),
    roles: listOf(ref('Role')),
    slaDefaultElement: text,
    slaProperties: listOf(ref('SlaProperty')),
    authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    customProperties: ref('CustomProperties'),
    contractCreatedTs: dateTime,
  },
  $defs: {
    StableId: { type: 'string', pattern: stableIdPattern },
    Tags: listOf(text),
    AuthoritativeDefinitions: listOf(
      closedObject({ id: ref('StableId'), url: text, type: text, description: text }, ['url', 'type']),
    ),
    CustomProperties: listOf(
      closedObject({ id: ref('StableId'), property: text, value: true, description: text }, [
        'property',
        'value',
      ]),
    ),
    SupportItem: closedObject(
      {
        id: ref('StableId'),
        channel: text,
        url: text,
        description: text,
        tool: text,
        scope: text,
        invitationUrl: text,
        customProperties: ref('CustomProperties'),
      },
      ['channel'],
    ),
    Pricing: closedObject({
      id: ref('StableId'),
      priceAmount: decimal,
      priceCurrency: text,
      priceUnit: text,
    }),
    Team: closedObject({
      id: ref('StableId'),
      name: text,
      description: text,
      members: listOf(ref('TeamMember')),
      tags: ref('Tags'),
      customProperties: ref('CustomProperties'),
      authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    }),
    TeamMember: closedObject(
      {
        id: ref('StableId'),
        username: text,
        name: text,
        description: text,
        role: text,
        dateIn: date,
        dateOut: date,
        replacedByUsername: text,
        tags: ref('Tags'),
        customProperties: ref('CustomProperties'),
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
      },
      ['username'],
    ),
    Role: closedObject(
      {
        id: ref('StableId'),
        role: text,
        description: text,
        access: text,
        firstLevelApprovers: text,
        secondLevelApprovers: text,
        customProperties: ref('CustomProperties'),
      },
      ['role'],
    ),
    SlaProperty: closedObject(
      {
        id: ref('StableId'),
        property: text,
        value: scalar,
        valueExt: scalar,
        unit: text,
        element: text,
        driver: text,
        description: text,
        scheduler: text,
        schedule: text,
      },
      ['property', 'value'],
    ),
    Server: {
      type: 'object',
      required: ['server', 'type'],
      properties: serverCommonKeysV31,
      allOf: serverBranches(serverLayoutsV31, serverCommonKeysV31, true),
    },
    SchemaObject: closedObject(
      {
        ...elementKeys(true),
        logicalType: { enum: ['object'] },
        physicalName: text,
        dataGranularityDescription: text,
        properties: listOf(ref('Property')),
        relationships: listOf(ref('SchemaRelationship')),
        quality: ref('QualityRules'),
      },
      ['name'],
    ),
    Property: {
      type: 'object',
      required: ['name'],
      properties: {
        ...elementKeys(true),
        ...propertyKeys(logicalTypesV31),
        relationships: listOf(ref('PropertyRelationship')),
      },
      allOf: logicalTypeBranches(logicalTypesV31, logicalTypeOptionsV31, 'Property', 'ArrayItem'),
      unevaluatedProperties: false,
    },
    /** The `items` of an array property: a property whose name is optional. */
    ArrayItem: {
      type: 'object',
      properties: {
        ...elementKeys(true),
        ...propertyKeys(logicalTypesV31),
        relationships: listOf(ref('PropertyRelationship')),
      },
      allOf: logicalTypeBranches(logicalTypesV31, logicalTypeOptionsV31, 'Property', 'ArrayItem'),
      unevaluatedProperties: false,
    },
    /** On a property the property itself is the source, so only `to` is given. */
    PropertyRelationship: closedObject(
      { type: { enum: ['foreignKey'] }, to: relationshipEnd, customProperties: ref('CustomProperties') },
      ['to'],
    ),
    /** On a schema object both ends are given: two references, or two lists (a composite key). */
    SchemaRelationship: {
      ...closedObject(
        {
          type: { enum: ['foreignKey'] },
          from: relationshipEnd,
          to: relationshipEnd,
          customProperties: ref('CustomProperties'),
        },
        ['from', 'to'],
      ),
      allOf: [
        when({ properties: { from: { type: 'string' } }, required: ['from'] }, { properties: { to: text } }),
        when(
          { properties: { from: { type: 'array' } }, required: ['from'] },
          { properties: { to: { type: 'array' } } },
        ),
      ],
    },
    QualityRules: listOf(ref('QualityRule')),
    QualityRule: {
      type: 'object',
      properties: qualityCommonKeysV31,
      allOf: [
        when(isLibrary, known(Object.keys(libraryKeysV31))),
        when(isLibrary, { required: ['metric'], properties: libraryKeysV31 }),
        when(isSql, known(Object.keys(sqlKeysV31))),
        when(isSql, { required: ['query'], properties: sqlKeysV31 }),
        when(isCustom, known(Object.keys(customKeysV31))),
        when(isCustom, { required: ['engine', 'implementation'], properties: customKeysV31 }),
        when(takesOperator, known(operatorNames)),
        when(takesOperator, exactlyOneOperator),
        quietWhenUnknown('type', qualityTypes),
      ],
      unevaluatedProperties: false,
    },
  },
} as const;
