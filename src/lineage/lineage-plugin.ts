/**
 * Lineage as a catalog plugin: a model's or application's pinned dataset versions must exist when
 * it is applied; `describe` shows a contract's declared and inherited classifications side by side;
 * after contracts change, the conflicts they now have along column lineage are recorded (and sent
 * as events). It also hands policies the `lineage` variable for contracts being admitted.
 */
import { digestOf } from '../audit/digest.js';
import type { AdmissionBatch, AdmissionSubject, CatalogPlugin } from '../catalog/plugin.js';
import type { AiSystemSpec } from '../model/kinds/model-kind.js';
import type { ValidationIssue } from '../model/validation.js';
import type { CatalogStore } from '../store/catalog-store.js';
import type { LineageService } from './lineage-service.js';
import { emptyBinding } from './lineage-service.js';

export function lineagePlugin(store: CatalogStore, lineage: () => LineageService): CatalogPlugin {
  return {
    name: 'lineage',
    async validateBatch(batch: AdmissionBatch) {
      const out = new Map<string, ValidationIssue[]>();
      const latest = new Map<string, number>();
      const latestOf = async (ref: string) => {
        if (!latest.has(ref)) {
          const versions = await store.versions(ref);
          latest.set(ref, versions.length ? versions[versions.length - 1]!.version : 0);
        }
        return latest.get(ref)!;
      };
      /** Whether this apply makes a new version of a dataset (its document differs from the live one). */
      const changes = async (ref: string) => {
        const d = batch.docs.get(ref);
        if (!d) return false;
        const live = await store.getAsset(ref);
        return live?.state !== 'live' || live.digest !== digestOf(d.doc);
      };
      for (const [ref, d] of batch.docs) {
        if (d.kind !== 'Model' && d.kind !== 'AiApplication') continue;
        const spec = d.doc.spec as AiSystemSpec;
        const issues: ValidationIssue[] = [];
        for (const [i, link] of (spec.inputs ?? []).entries()) {
          if (link.version === 'latest') continue;
          const have = await latestOf(link.dataset);
          const inBatch = await changes(link.dataset);
          if (!have && !inBatch) continue; // the relation check reports a dataset that does not exist
          const max = have + (inBatch ? 1 : 0);
          if (link.version > max)
            issues.push({
              path: `spec.inputs[${i}].version`,
              message: `${link.dataset} has no version ${link.version}; it has versions 1 to ${max}${inBatch ? ' (counting this apply)' : ''}`,
            });
        }
        if (issues.length) out.set(ref, issues);
      }
      return out;
    },
    async describe(description, guard) {
      if (description.asset.kind !== 'DataContract') return undefined;
      try {
        // Sources in datasets the caller may not read are shown restricted.
        return { classification: await lineage().withGuard(guard).classification(description.asset.ref) };
      } catch {
        // Describing never fails because lineage could not be read; the section is left out.
        return undefined;
      }
    },
    async afterApply(changed) {
      // Trace and impact see this apply at once, whatever the staleness bound.
      lineage().graph.invalidate();
      const contracts = changed.filter((c) => c.kind === 'DataContract').map((c) => c.ref);
      if (!contracts.length) return;
      try {
        await lineage().recheck(contracts);
      } catch {
        // Conflicts are found again at the next ingest touching these contracts.
      }
    },
  };
}

/** The `lineage` variable for each contract being admitted: inherited levels and conflicts. */
export async function policyLineage(
  lineage: LineageService,
  subjects: readonly Pick<AdmissionSubject, 'ref' | 'kind' | 'doc'>[],
): Promise<Map<string, Record<string, unknown>>> {
  const contracts = subjects.filter((s) => s.kind === 'DataContract');
  try {
    return await lineage.policyBindings(contracts);
  } catch {
    // Lineage that cannot be read leaves contracts without inherited levels, never without admission.
    return new Map(contracts.map((s) => [s.ref, emptyBinding()]));
  }
}
