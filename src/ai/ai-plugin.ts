/**
 * The AI capability's seat in the apply pipeline: a contract's or product's AI section
 * (`customProperties` entry `x-charter-ai`) is validated against the shipped vocabularies, and an
 * invalid one makes the document `invalid` with every issue's JSON path.
 */
import type { CatalogPlugin } from '../catalog/plugin.js';
import { validateAiSection } from './ai-section.js';

export function aiPlugin(): CatalogPlugin {
  return {
    name: 'ai',
    validate(kind, doc) {
      if (kind !== 'DataContract' && kind !== 'DataProduct') return [];
      return validateAiSection(doc);
    },
  };
}
