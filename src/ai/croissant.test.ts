import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { referenceDir } from '../../test/support/reference.js';
import { validateAiSection } from './ai-section.js';
import {
  CROISSANT_1_1,
  CROISSANT_RAI_1_0,
  checkCroissant,
  fromCroissant,
  RAI_PROPERTIES,
  toCroissant,
} from './croissant.js';

const CONTRACT = parse(`
apiVersion: v3.1.0
kind: DataContract
id: kb
name: kb-articles
version: 2.1.0
status: active
domain: support
tags: [support, rag]
description: { purpose: Help-centre articles for retrieval., usage: Grounding the support assistant. }
servers:
  - { server: local, type: local, path: data/support/kb.parquet, format: parquet }
  - { server: warehouse, type: postgres, host: db.internal, port: 5432, database: dw, schema: support }
schema:
  - name: articles
    description: One row per article.
    properties:
      - { name: article_id, logicalType: string, primaryKey: true, description: Article key }
      - { name: body, logicalType: string, physicalName: body_md }
      - { name: views, logicalType: integer }
      - { name: published_at, logicalType: timestamp }
customProperties:
  - property: x-charter-ai
    value:
      uses: { permitted: [rag_retrieval], recommended: [Answering customer questions], outOfScope: [training] }
      collection:
        description: Written by support agents in the help centre.
        methods: [Manual Human Curator]
        rawDataSource: Help-centre CMS
        timeframe: { start: "2021-01-01", end: "2026-10-31" }
      preparation:
        - { op: deduplication, description: Near-duplicate articles removed., at: "2026-01-02" }
        - { op: pseudonymisation, description: Agent names replaced by team names., at: "2026-01-02" }
        - { op: imputation, description: Missing categories filled from the parent article., at: "2026-01-02" }
      bias: { examined: true, findings: [Mostly English articles.], mitigations: [Dutch articles added in 2026.] }
      gaps:
        limitations: [No articles about discontinued products.]
        missingData: Categories are missing for 3 % of articles.
        knownGaps: [{ gap: No German articles, remediation: Translation planned for 2027 }]
      personalData: { level: none, categories: [] }
      rights: { license: CC-BY-4.0, aiTrainingPermitted: false }
      currency: { isLive: true, freshnessSla: P1D, maintenancePlan: Republished nightly from the CMS. }
      legal: { purposes: ["dpv:CustomerCare"] }
      socialImpact: Faster, consistent answers for customers.
`) as Record<string, unknown>;

const subject = {
  ref: 'dataset:support/kb-articles',
  doc: CONTRACT,
  created: '2026-01-05T10:00:00Z',
  modified: '2026-11-01T10:00:00Z',
  creators: [{ '@type': 'sc:Person' as const, name: 'Sam Support', email: 'sam@example.com' }],
};

describe('toCroissant', () => {
  const out = toCroissant(subject);

  it('writes a Croissant 1.1 record that passes the vocabulary check', () => {
    expect(checkCroissant(out).filter((i) => i.level === 'error')).toEqual([]);
    expect(out.conformsTo).toEqual([CROISSANT_1_1, CROISSANT_RAI_1_0]);
    expect(out).toMatchObject({
      '@type': 'sc:Dataset',
      name: 'kb-articles',
      version: '2.1.0',
      license: 'https://spdx.org/licenses/CC-BY-4.0.html',
      datePublished: '2026-01-05',
      dateModified: '2026-11-01',
      url: 'urn:charter:dataset:support/kb-articles',
      isLiveDataset: true,
      keywords: ['support', 'rag'],
      creator: [{ '@type': 'sc:Person', name: 'Sam Support', email: 'sam@example.com' }],
    });
    expect(toCroissant({ ...subject, baseUrl: 'https://charter.example/' }).url).toBe(
      'https://charter.example/dataset/support/kb-articles',
    );
  });

  it('fills the RAI properties from the AI section', () => {
    expect(out['rai:dataCollection']).toBe('Written by support agents in the help centre.');
    expect(out['rai:dataCollectionType']).toEqual(['Manual Human Curator']);
    expect(out['rai:dataCollectionRawData']).toBe('Help-centre CMS');
    expect(out['rai:dataCollectionTimeframe']).toEqual(['2021-01-01/2026-10-31']);
    expect(out['rai:dataCollectionMissingData']).toBe('Categories are missing for 3 % of articles.');
    expect(out['rai:dataPreprocessingProtocol']).toEqual(['Near-duplicate articles removed.']);
    expect(out['rai:dataManipulationProtocol']).toBe('Agent names replaced by team names.');
    expect(out['rai:dataImputationProtocol']).toBe('Missing categories filled from the parent article.');
    expect(out['rai:dataBiases']).toEqual([
      'Mostly English articles.',
      'Mitigation: Dutch articles added in 2026.',
    ]);
    expect(out['rai:dataLimitations']).toEqual([
      'No articles about discontinued products.',
      'Known gap: No German articles — remediation: Translation planned for 2027',
      'Not recommended for: training',
    ]);
    expect(out['rai:dataUseCases']).toEqual([
      'Permitted AI use: Retrieval-augmented generation (RAG retrieval)',
      'Answering customer questions',
    ]);
    expect(out['rai:personalSensitiveInformation']).toEqual(['Personal-data level: none.']);
    expect(out['rai:dataReleaseMaintenancePlan']).toBe('Republished nightly from the CMS.');
    expect(out['rai:dataSocialImpact']).toBe('Faster, consistent answers for customers.');
    expect(out['dpv:hasPurpose']).toEqual(['dpv:CustomerCare']);
  });

  it('describes servers as distribution and the schema as record sets', () => {
    expect(out.distribution).toEqual([
      {
        '@type': 'cr:FileObject',
        '@id': 'local',
        name: 'local',
        contentUrl: 'data/support/kb.parquet',
        encodingFormat: 'application/x-parquet',
      },
      {
        '@type': 'cr:FileObject',
        '@id': 'warehouse',
        name: 'warehouse',
        contentUrl: 'postgres://db.internal:5432/dw/support',
        encodingFormat: 'application/x-postgres',
      },
    ]);
    const [rs] = out.recordSet as Record<string, unknown>[];
    expect(rs).toMatchObject({ '@id': 'articles', key: { '@id': 'articles/article_id' } });
    const fields = rs!.field as Record<string, unknown>[];
    expect(fields.map((f) => f.dataType)).toEqual(['sc:Text', 'sc:Text', 'sc:Integer', 'sc:DateTime']);
    expect(fields[1]).toMatchObject({
      '@id': 'articles/body',
      source: { fileObject: { '@id': 'local' }, extract: { column: 'body_md' } },
    });
  });

  it('reports what a record without an AI section or licence lacks', () => {
    const bare = structuredClone(CONTRACT);
    bare.customProperties = [];
    const issues = checkCroissant(toCroissant({ ...subject, doc: bare, creators: [] }));
    expect(issues.filter((i) => i.level === 'error').map((i) => i.path)).toEqual(['license', 'creator']);
  });
});

describe('checkCroissant', () => {
  it('lists unknown RAI properties, wrong RAI values and missing required properties', () => {
    const issues = checkCroissant({
      '@context': { '@vocab': 'https://schema.org/', rai: 'http://mlcommons.org/croissant/RAI/' },
      '@type': 'sc:Dataset',
      conformsTo: CROISSANT_1_1,
      name: 'x',
      'rai:dataBias': 'typo of dataBiases',
      'rai:dataCollectionTimeframe': 'last year',
      'rai:dataLimitations': [42],
      shoeSize: 44,
    });
    const at = (path: string) => issues.find((i) => i.path === path);
    expect(at('rai:dataBias')).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/not a Croissant RAI 1.0 property/),
    });
    expect(at('rai:dataCollectionTimeframe')?.level).toBe('error');
    expect(at('rai:dataLimitations[0]')?.message).toBe('must be text');
    expect(at('shoeSize')?.level).toBe('warning');
    for (const p of ['description', 'license', 'url', 'creator', 'datePublished'])
      expect(at(p), p).toMatchObject({ level: 'error' });
  });

  it('knows the 20 RAI properties of the notes', () => {
    expect(Object.keys(RAI_PROPERTIES)).toHaveLength(20);
  });
});

const dir = referenceDir();
describe.runIf(dir)('the Croissant examples of the reference', () => {
  const folder = join(dir ?? '', 'croissant');
  const files = dir ? readdirSync(folder).filter((f) => f.endsWith('.json')) : [];

  it('has the four examples', () => expect(files).toHaveLength(4));

  for (const file of files) {
    describe(file, () => {
      const source = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>;
      const statements = Object.entries(source)
        .filter(([k]) => k.startsWith('rai:'))
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((text) => ({ key: k, text: String(text) })));
      const draft = fromCroissant(source, { domain: 'research' });

      it('passes the vocabulary check without unknown properties', () => {
        const issues = checkCroissant(source);
        expect(issues.filter((i) => /not a Croissant RAI|checker knows/.test(i.message))).toEqual([]);
      });

      it('becomes a draft ODCS v3.1.0 contract with a valid AI section holding every RAI statement', () => {
        expect(draft.contract).toMatchObject({ apiVersion: 'v3.1.0', kind: 'DataContract', status: 'draft' });
        expect(validateAiSection(draft.contract)).toEqual([]);
        const text = JSON.stringify(draft.contract.customProperties);
        for (const s of statements) expect(text, s.key).toContain(JSON.stringify(s.text).slice(1, -1));
      });

      it('keeps every RAI statement through export(import(x)) under its own property', () => {
        const back = toCroissant({ ref: 'dataset:research/x', doc: draft.contract, creators: [] });
        for (const s of statements) {
          const value = back[s.key];
          const values = (Array.isArray(value) ? value : [value]).map(String);
          expect(
            values.some((v) => v === s.text || v.includes(s.text)),
            `${s.key} lost in ${file}`,
          ).toBe(true);
        }
        expect(checkCroissant(back).filter((i) => i.level === 'error' && i.path.startsWith('rai:'))).toEqual(
          [],
        );
        // Provenance, citation and links the AI section has no field for come back as they were.
        for (const k of Object.keys(source).filter((k) => /^(prov:|citeAs|sameAs|alternateName)/.test(k)))
          expect(back[k], k).toEqual(source[k]);
        expect(back.creator).toEqual(source.creator);
        expect(back.url).toEqual(source.url);
      });

      it('turns record sets into schema objects with typed properties', () => {
        const sets = (Array.isArray(source.recordSet) ? source.recordSet : []) as Record<string, unknown>[];
        const schema = (draft.contract.schema ?? []) as Record<string, unknown>[];
        expect(schema).toHaveLength(sets.length);
        const fieldCount = sets.reduce((n, rs) => n + (Array.isArray(rs.field) ? rs.field.length : 0), 0);
        const propCount = schema.reduce(
          (n, t) => n + (Array.isArray(t.properties) ? t.properties.length : 0),
          0,
        );
        expect(propCount).toBe(fieldCount);
      });
    });
  }

  it('reads the licence of each example into rights.license or keeps it with a note', () => {
    const read = (f: string) =>
      fromCroissant(JSON.parse(readFileSync(join(folder, f), 'utf8')), { domain: 'research' });
    const ai = (f: string) =>
      (read(f).contract.customProperties as { value: Record<string, unknown> }[])[0]!.value;
    expect(ai('1.0_dices-350.metadata.json').rights).toEqual({ license: 'CC-BY-SA-4.0' });
    expect(ai('1.0_bigcode-the-stack.metadata.json').rights).toBeUndefined();
    expect(read('1.0_bigcode-the-stack.metadata.json').notes.join('\n')).toMatch(/licence "other"/);
    expect(ai('1.0_huggingface-rag-dataset.metadata.json').rights).toEqual({
      license: 'https://choosealicense.com/licenses/cc-by-3.0/',
    });
  });
});
