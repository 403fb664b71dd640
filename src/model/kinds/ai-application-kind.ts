/**
 * `AiApplication`: an AI application, RAG application or agent in the AI inventory. Besides the
 * record every AI system has (owners, purpose, risk class, base models, dataset links with roles),
 * it names the catalogued models it runs on; the ref is `app:<domain>/<name>`.
 */
import { compileSchema } from '../schema-validator.js';
import { clone, type Envelope, envelopeIdentity, refSchema } from './envelope.js';
import type { KindDefinition } from './kind.js';
import {
  type AiSystemSpec,
  aiSystemRelations,
  aiSystemSchema,
  aiSystemSearch,
  latestLinkWarnings,
} from './model-kind.js';

export interface ModelLink {
  model: string;
  /** The model version the application runs (the Model's `spec.version`). */
  version?: string;
}

export interface AiApplicationSpec extends AiSystemSpec {
  models?: ModelLink[];
}

export type AiApplicationDoc = Envelope<AiApplicationSpec>;

const validateSchema = compileSchema(
  aiSystemSchema('AiApplication', ['ai_application', 'rag_application', 'agent'], {
    models: {
      type: 'array',
      items: {
        type: 'object',
        required: ['model'],
        additionalProperties: false,
        properties: { model: refSchema('model'), version: { type: 'string', minLength: 1 } },
      },
    },
  }),
);

export const aiApplicationKind: KindDefinition<AiApplicationDoc> = {
  kind: 'AiApplication',
  refKind: 'app',
  domainScoped: 'required',
  validate: validateSchema,
  warnings: latestLinkWarnings,
  normalize: (doc) => clone<AiApplicationDoc>(doc),
  identify: envelopeIdentity,
  relations(doc, ctx) {
    const out = aiSystemRelations(doc, ctx);
    (doc.spec.models ?? []).forEach((link, i) => {
      out.push({ type: 'usesModel', target: link.model, path: `spec.models[${i}].model` });
    });
    const seen = new Set<string>();
    return out.filter((r) => {
      const key = `${r.type}|${r.target}|${r.role ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  summary: (doc) => ({
    title: doc.spec.title ?? doc.metadata.name,
    description: doc.spec.description ?? doc.spec.intendedPurpose ?? '',
  }),
  searchText: aiSystemSearch,
  fields: () => [],
};
