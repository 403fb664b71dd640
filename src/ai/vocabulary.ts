/**
 * The closed vocabularies an AI section is validated against (AI-METADATA.md §5, §7.1): AI uses,
 * W3C DPV purposes, GDPR Art. 6 legal bases and Art. 9 conditions, DPV `pd:` categories, and
 * SPDX licence ids. Shipped in the repository so validation needs no network.
 */

export const AI_USES = [
  'training',
  'fine_tuning',
  'validation',
  'testing',
  'evaluation',
  'rag_retrieval',
  'prompt_context',
  'inference_input',
  'model_output',
] as const;
export type AiUse = (typeof AI_USES)[number];

/** Uses that copy the data into a model or an index: the strictest checks apply. */
export const INGESTING_USES: ReadonlySet<string> = new Set(['training', 'fine_tuning', 'rag_retrieval']);
export const TRAINING_USES: ReadonlySet<string> = new Set(['training', 'fine_tuning']);

export const PREP_OPS = [
  'collection',
  'annotation',
  'labelling',
  'cleaning',
  'updating',
  'enrichment',
  'aggregation',
  'filtering',
  'deduplication',
  'imputation',
  'anonymisation',
  'pseudonymisation',
  'synthetic_generation',
  'chunking',
  'embedding',
] as const;

export const PROTECTIONS = ['none', 'masked', 'tokenised', 'pseudonymised', 'anonymised', 'dropped'] as const;

export const PERSONAL_DATA_LEVELS = [
  'none',
  'anonymised',
  'pseudonymised',
  'personal',
  'special_category',
] as const;

/** Levels at which GDPR applies (anonymised data is not personal data). */
export const PERSONAL_LEVELS: ReadonlySet<string> = new Set([
  'pseudonymised',
  'personal',
  'special_category',
]);

export const SOURCE_TYPES = [
  'data_subject',
  'third_party',
  'public',
  'internal_system',
  'synthetic',
] as const;

/** GDPR Art. 6(1) legal bases as DPV eu-gdpr identifiers. */
export const LEGAL_BASES = [
  'eu-gdpr:A6-1-a',
  'eu-gdpr:A6-1-a-explicit-consent',
  'eu-gdpr:A6-1-a-non-explicit-consent',
  'eu-gdpr:A6-1-b',
  'eu-gdpr:A6-1-c',
  'eu-gdpr:A6-1-d',
  'eu-gdpr:A6-1-e',
  'eu-gdpr:A6-1-f',
  'eu-gdpr:A6-1-f-controller',
  'eu-gdpr:A6-1-f-third-party',
] as const;

/** GDPR Art. 9(2) conditions for special-category data. */
export const SPECIAL_CATEGORY_CONDITIONS = [
  'eu-gdpr:A9-2-a',
  'eu-gdpr:A9-2-b',
  'eu-gdpr:A9-2-c',
  'eu-gdpr:A9-2-d',
  'eu-gdpr:A9-2-e',
  'eu-gdpr:A9-2-f',
  'eu-gdpr:A9-2-g',
  'eu-gdpr:A9-2-h',
  'eu-gdpr:A9-2-i',
  'eu-gdpr:A9-2-j',
] as const;

/** DPV v2.3 purposes (a subset of the taxonomy that covers data and AI processing). */
export const DPV_PURPOSES = [
  'dpv:AccountManagement',
  'dpv:CommunicationManagement',
  'dpv:CustomerCare',
  'dpv:CustomerManagement',
  'dpv:CustomerRelationshipManagement',
  'dpv:CustomerSolvencyMonitoring',
  'dpv:DeliveryOfGoods',
  'dpv:DirectMarketing',
  'dpv:EnforceSecurity',
  'dpv:FraudPreventionAndDetection',
  'dpv:HumanResourceManagement',
  'dpv:IdentityVerification',
  'dpv:ImproveExistingProductsAndServices',
  'dpv:ImproveInternalCRMProcesses',
  'dpv:LegalCompliance',
  'dpv:Marketing',
  'dpv:OptimisationForConsumer',
  'dpv:OptimisationForController',
  'dpv:OrganisationGovernance',
  'dpv:Personalisation',
  'dpv:PersonalisedAdvertising',
  'dpv:PaymentManagement',
  'dpv:ProductManagement',
  'dpv:RecordManagement',
  'dpv:ResearchAndDevelopment',
  'dpv:AcademicResearch',
  'dpv:CommercialResearch',
  'dpv:NonCommercialResearch',
  'dpv:ScientificResearch',
  'dpv:SellProducts',
  'dpv:ServiceOptimisation',
  'dpv:ServicePersonalisation',
  'dpv:ServiceProvision',
  'dpv:ServiceUsageAnalytics',
  'dpv:SearchFunctionalities',
  'dpv:Sector',
  'dpv:CustomerOrderManagement',
  'dpv:CustomerSupport',
  'dpv:RequestedServiceProvision',
  'dpv:Advertising',
  'dpv:MaintainCreditCheckingDatabase',
  'dpv:MaintainFraudDatabase',
  'dpv:RiskManagement',
  'dpv:Security',
  'dpv:UserInterfacePersonalisation',
  'dpv:VendorManagement',
] as const;

/** DPV `pd:` categories; the direct identifiers among them trigger NO-UNMASKED-PII. */
export const DIRECT_IDENTIFIERS = [
  'pd:Name',
  'pd:EmailAddress',
  'pd:TelephoneNumber',
  'pd:IPAddress',
  'pd:CreditCardNumber',
  'pd:OfficialID',
  'pd:Passport',
  'pd:NationalIdentificationNumber',
  'pd:BankAccount',
  'pd:PaymentCardNumber',
  'pd:Identifier',
  'pd:DeviceBasedIdentifier',
  'pd:PhysicalAddress',
  'pd:Signature',
] as const;

export const PD_CATEGORIES = [
  ...DIRECT_IDENTIFIERS,
  'pd:Address',
  'pd:Age',
  'pd:AgeRange',
  'pd:BirthDate',
  'pd:Behavioral',
  'pd:BrowsingBehavior',
  'pd:Biometric',
  'pd:Communication',
  'pd:Contact',
  'pd:CreditCardSecurityCode',
  'pd:DateOfBirth',
  'pd:Demographic',
  'pd:EthnicOrigin',
  'pd:Financial',
  'pd:FinancialAccount',
  'pd:Gender',
  'pd:Genetic',
  'pd:Health',
  'pd:Identifying',
  'pd:Location',
  'pd:OnlineIdentifier',
  'pd:PoliticalOpinion',
  'pd:PostalCode',
  'pd:PurchasesAndSpendingHabit',
  'pd:Race',
  'pd:Religion',
  'pd:SexualOrientation',
  'pd:TransactionalData',
  'pd:UserAgent',
] as const;

/** SPDX licence ids commonly found on data, plus `proprietary` and `internal` for organisation data. */
export const LICENCES = [
  'CC0-1.0',
  'CC-BY-4.0',
  'CC-BY-SA-4.0',
  'CC-BY-NC-4.0',
  'CC-BY-NC-SA-4.0',
  'CC-BY-ND-4.0',
  'CC-BY-NC-ND-4.0',
  'CC-BY-3.0',
  'CC-BY-SA-3.0',
  'CDLA-Permissive-2.0',
  'CDLA-Sharing-1.0',
  'ODbL-1.0',
  'ODC-By-1.0',
  'PDDL-1.0',
  'Apache-2.0',
  'MIT',
  'BSD-3-Clause',
  'GPL-3.0-only',
  'OGL-UK-3.0',
  'DL-DE-BY-2.0',
  'etalab-2.0',
  'proprietary',
  'internal',
] as const;

/** SPDX ids or an http(s) URL to the licence text. */
export function isKnownLicence(value: string): boolean {
  return (LICENCES as readonly string[]).includes(value) || /^https?:\/\/\S+$/.test(value);
}

/** ISO 8601 duration (P2Y, P30D, PT6H, P1DT12H); at least one component. */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

/** Milliseconds of an ISO 8601 duration (months as 30 days, years as 365), or null. */
export function durationMs(value: string): number | null {
  const m = DURATION.exec(value);
  if (!m) return null;
  const n = (i: number) => Number((m[i] ?? '0').replace(/[^\d.]/g, '') || 0);
  const day = 86_400_000;
  return (
    n(1) * 365 * day +
    n(2) * 30 * day +
    n(3) * 7 * day +
    n(4) * day +
    n(6) * 3_600_000 +
    n(7) * 60_000 +
    n(8) * 1000
  );
}
