/**
 * A synthetic lineage graph shaped like a large organisation's: ~1,000 pipelines ("clusters") of
 * datasets in 8 levels, each level built by jobs reading mostly from their own pipeline's earlier
 * levels (Zipf-weighted, so a few datasets per pipeline are local hubs) and 15% of the time from
 * shared source datasets read across the organisation (global hubs, fan-out in the tens of
 * thousands). Contracts describe each pipeline's published datasets and the shared sources;
 * models train on published datasets and applications run models and retrieve from datasets.
 * Deterministic for a seed. Also: OpenLineage RunEvents of about 2 KB for the ingest benchmark.
 */

export interface GraphSize {
  nodes: number;
  edges: number;
  seed: number;
}

export interface GeneratedGraph {
  /** Catalog manifests: charter, users, domains, contracts, models, applications. */
  docs: Record<string, unknown>[];
  /** OpenLineage nodes (datasets and jobs), by generator id. */
  kind: Uint8Array; // 0 dataset, 1 job, 2 model, 3 app
  namespace: string[];
  name: string[];
  /** What trace and impact name a node: the asset ref, or namespace/name. */
  label: string[];
  /** Reported edges (dataset → job, job → dataset), by generator id. */
  src: Int32Array;
  dst: Int32Array;
  /** Declared links (dataset → model, model → app, dataset → app), by generator id. */
  dsrc: Int32Array;
  ddst: Int32Array;
  datasets: Int32Array;
  systems: Int32Array;
  nodeCount: number;
  contracts: number;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf(s) sampler over ranks 0..n-1 by inverse CDF on a precomputed table. */
function zipf(n: number, s: number): (r: number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return (r) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const LEVELS = 8;
const PER_CLUSTER = 1000;
const DOMAINS = 20;
const PUBLISHED = 7; // contracts per pipeline (its last level)
const SOURCES_SHARED = 3; // shared sources per pipeline (global hubs)

export function generateGraph(size: GraphSize): GeneratedGraph {
  const random = rng(size.seed);
  const models = Math.max(10, Math.round(size.nodes / 1000));
  const apps = Math.max(2, Math.round(size.nodes / 5000));
  const datasetCount = Math.round(size.nodes * 0.7) - models - apps;
  const jobCount = size.nodes - datasetCount - models - apps;
  const clusters = Math.max(1, Math.round(datasetCount / PER_CLUSTER));
  const kind = new Uint8Array(size.nodes);
  const namespace: string[] = new Array(size.nodes);
  const name: string[] = new Array(size.nodes);
  const label: string[] = new Array(size.nodes);
  const docs: Record<string, unknown>[] = [];
  docs.push({
    apiVersion: 'charter/v1',
    kind: 'Charter',
    metadata: { name: 'bench' },
    spec: { classificationLevels: ['public', 'internal', 'confidential', 'restricted'] },
  });
  for (let d = 0; d < DOMAINS; d++) {
    for (const who of ['owner', 'steward'])
      docs.push({
        apiVersion: 'charter/v1',
        kind: 'User',
        metadata: { name: `${who}-${d}` },
        spec: { displayName: `${who} ${d}` },
      });
    docs.push({
      apiVersion: 'charter/v1',
      kind: 'Domain',
      metadata: { name: `d${d}` },
      spec: { title: `Domain ${d}`, owners: [`user:owner-${d}`], stewards: [`user:steward-${d}`] },
    });
  }
  // Datasets, pipeline by pipeline and level by level.
  const clusterOf = new Int32Array(datasetCount);
  const levelOf = new Uint8Array(datasetCount);
  const firstOfCluster = new Int32Array(clusters + 1);
  const levelStart: Int32Array[] = [];
  let id = 0;
  let contracts = 0;
  const hubs: number[] = [];
  const published: number[][] = [];
  for (let c = 0; c < clusters; c++) {
    firstOfCluster[c] = id;
    const n = c === clusters - 1 ? datasetCount - id : Math.min(PER_CLUSTER, datasetCount - id);
    const sizes = [Math.round(n * 0.16)];
    for (let l = 1; l < LEVELS; l++) sizes.push(Math.floor((n - sizes[0]!) / (LEVELS - 1)));
    sizes[LEVELS - 1]! += n - sizes.reduce((a, b) => a + b, 0);
    const starts = new Int32Array(LEVELS + 1);
    const pub: number[] = [];
    for (let l = 0; l < LEVELS; l++) {
      starts[l] = id;
      for (let i = 0; i < sizes[l]!; i++, id++) {
        clusterOf[id] = c;
        levelOf[id] = l;
        const shared = l === 0 && i < SOURCES_SHARED;
        const isPublished = l === LEVELS - 1 && i < PUBLISHED;
        if (shared || isPublished) {
          const table = `t${id}`;
          namespace[id] = 'postgres://bench-db:5432';
          name[id] = `dwh.c${c}.${table}`;
          const domain = `d${c % DOMAINS}`;
          const contractName = `c${c}-${table}`;
          label[id] = `dataset:${domain}/${contractName}`;
          docs.push(contractDoc(domain, contractName, c, table, id));
          contracts += 1;
          if (shared) hubs.push(id);
          else pub.push(id);
        } else {
          namespace[id] = 's3://lake';
          name[id] = `c${c}/t${id}`;
          label[id] = `s3://lake/c${c}/t${id}`;
        }
      }
    }
    starts[LEVELS] = id;
    levelStart.push(starts);
    published.push(pub);
  }
  firstOfCluster[clusters] = id;
  const jobs0 = id;
  const outputs = datasetCount - levelStart.reduce((n, s) => n + (s[1]! - s[0]!), 0);
  const systemsFirst = jobs0 + jobCount;
  const declared = models * 4 + apps * 4;
  const inputBudget = size.edges - outputs - declared;
  const meanInputs = inputBudget / jobCount;
  // Jobs: each belongs to a pipeline and a level; its outputs are that level's datasets.
  const src: number[] = [];
  const dst: number[] = [];
  const hubPick = zipf(hubs.length, 1.1);
  const jobsPerCluster = Math.floor(jobCount / clusters);
  let job = jobs0;
  for (let c = 0; c < clusters; c++) {
    const starts = levelStart[c]!;
    const count = c === clusters - 1 ? systemsFirst - job : jobsPerCluster;
    const byLevel: number[][] = Array.from({ length: LEVELS }, () => []);
    for (let j = 0; j < count; j++, job++) {
      kind[job] = 1;
      namespace[job] = 'airflow';
      name[job] = `c${c}.j${job}`;
      label[job] = `airflow/c${c}.j${job}`;
      byLevel[1 + (j % (LEVELS - 1))]!.push(job);
    }
    for (let l = 1; l < LEVELS; l++) {
      const producers = byLevel[l]!;
      if (!producers.length) continue;
      for (let d = starts[l]!; d < starts[l + 1]!; d++) {
        const p = producers[(d - starts[l]!) % producers.length]!;
        src.push(p);
        dst.push(d);
      }
      const below = starts[l]! - starts[0]!;
      const local = zipf(Math.max(1, below), 1.05);
      for (const p of producers) {
        const want = Math.max(1, Math.round(meanInputs * (0.5 + random())));
        const seen = new Set<number>();
        for (let k = 0, tries = 0; k < want && tries < want * 3; tries++) {
          const input = random() < 0.15 ? hubs[hubPick(random())]! : starts[0]! + local(random());
          if (seen.has(input)) continue;
          seen.add(input);
          src.push(input);
          dst.push(p);
          k++;
        }
      }
    }
  }
  // Models train on published datasets of their pipeline; applications run models and retrieve.
  const dsrc: number[] = [];
  const ddst: number[] = [];
  const systems: number[] = [];
  const modelIds: number[] = [];
  for (let m = 0; m < models; m++) {
    const me = systemsFirst + m;
    const c = Math.floor(random() * clusters);
    const domain = `d${c % DOMAINS}`;
    kind[me] = 2;
    label[me] = `model:${domain}/m${m}`;
    const pool = published[c]!;
    const inputs = [...new Set(Array.from({ length: 4 }, () => pool[Math.floor(random() * pool.length)]!))];
    for (const i of inputs) {
      dsrc.push(i);
      ddst.push(me);
    }
    docs.push({
      apiVersion: 'charter/v1',
      kind: 'Model',
      metadata: { name: `m${m}`, domain },
      spec: {
        version: '1.0.0',
        stage: 'production',
        intendedPurpose: 'Benchmark model',
        inputs: inputs.map((i) => ({ dataset: label[i], version: 1, role: 'training' })),
      },
    });
    systems.push(me);
    modelIds.push(me);
  }
  for (let a = 0; a < apps; a++) {
    const me = systemsFirst + models + a;
    const c = Math.floor(random() * clusters);
    const domain = `d${c % DOMAINS}`;
    kind[me] = 3;
    label[me] = `app:${domain}/a${a}`;
    const runs = [...new Set([0, 1].map(() => modelIds[Math.floor(random() * modelIds.length)]!))];
    const pool = published[c]!;
    const rag = [...new Set([0, 1].map(() => pool[Math.floor(random() * pool.length)]!))];
    for (const m of runs) {
      dsrc.push(m);
      ddst.push(me);
    }
    for (const r of rag) {
      dsrc.push(r);
      ddst.push(me);
    }
    docs.push({
      apiVersion: 'charter/v1',
      kind: 'AiApplication',
      metadata: { name: `a${a}`, domain },
      spec: {
        version: '1.0.0',
        stage: 'production',
        intendedPurpose: 'Benchmark application',
        models: runs.map((m) => ({ model: label[m] })),
        inputs: rag.map((r) => ({ dataset: label[r], version: 1, role: 'rag_retrieval' })),
      },
    });
    systems.push(me);
  }
  const datasets = new Int32Array(datasetCount);
  for (let i = 0; i < datasetCount; i++) datasets[i] = i;
  return {
    docs,
    kind,
    namespace,
    name,
    label,
    src: Int32Array.from(src),
    dst: Int32Array.from(dst),
    dsrc: Int32Array.from(dsrc),
    ddst: Int32Array.from(ddst),
    datasets,
    systems: Int32Array.from(systems),
    nodeCount: size.nodes,
    contracts,
  };
}

function contractDoc(domain: string, contractName: string, cluster: number, table: string, n: number) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `bench-${n}`,
    name: contractName,
    version: '1.0.0',
    status: 'active',
    domain,
    description: { purpose: `Published dataset ${table} of pipeline ${cluster}` },
    servers: [
      {
        server: 'dwh',
        type: 'postgres',
        host: 'bench-db',
        port: 5432,
        database: 'dwh',
        schema: `c${cluster}`,
      },
    ],
    schema: [
      {
        name: table,
        properties: [
          { name: 'id', logicalType: 'string', classification: 'internal', description: 'Key' },
          {
            name: 'customer_id',
            logicalType: 'string',
            classification: 'confidential',
            description: 'Customer',
          },
          { name: 'amount', logicalType: 'number', classification: 'internal', description: 'Amount' },
        ],
      },
    ],
  };
}

/** About 2 KB of OpenLineage RunEvent per run, over a pool of datasets and jobs that recur. */
export function generateEvents(count: number, seed: number): string[] {
  const random = rng(seed);
  const producer = 'https://github.com/OpenLineage/OpenLineage/tree/1.30.0/integration/spark';
  const schemaURL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
  const facet = (path: string) => ({
    _producer: producer,
    _schemaURL: `https://openlineage.io/spec/facets/${path}`,
  });
  const fields = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `column_${i}`, type: i % 3 ? 'VARCHAR' : 'BIGINT' }));
  const out: string[] = [];
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  for (let e = 0; e < count; e++) {
    const pipeline = Math.floor(random() * 500);
    const step = Math.floor(random() * 10);
    const ds = (k: number) => ({ namespace: 's3://bench-lake', name: `p${pipeline}/stage${k}/table` });
    const input = (k: number) => ({
      ...ds(k),
      facets: { schema: { ...facet('1-1-1/SchemaDatasetFacet.json'), fields: fields(4) } },
    });
    const target = ds(step + 1);
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date(Date.UTC(2026, 0, 1) + e * 1000).toISOString(),
      producer,
      schemaURL,
      run: {
        runId: `0193a6c1-5e2b-7c4d-8e9f-${hex(e)}`,
        facets: {},
      },
      job: {
        namespace: 'spark-bench',
        name: `p${pipeline}.step${step}`,
        facets: {
          jobType: {
            ...facet('2-0-3/JobTypeJobFacet.json'),
            processingType: 'BATCH',
            integration: 'SPARK',
            jobType: 'JOB',
          },
        },
      },
      // The second input is a lookup table its producer reports without facets.
      inputs: [input(step), ds((step + 7) % 11)],
      outputs: [
        {
          ...target,
          facets: {
            schema: { ...facet('1-1-1/SchemaDatasetFacet.json'), fields: fields(5) },
            columnLineage: {
              ...facet('1-2-0/ColumnLineageDatasetFacet.json'),
              fields: Object.fromEntries(
                [0].map((i) => [
                  `column_${i}`,
                  {
                    inputFields: [
                      {
                        ...ds(step),
                        field: `column_${i}`,
                        transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
                      },
                    ],
                  },
                ]),
              ),
            },
          },
          outputFacets: {
            outputStatistics: {
              ...facet('1-0-2/OutputStatisticsOutputDatasetFacet.json'),
              rowCount: 1000 + e,
            },
          },
        },
      ],
    };
    out.push(JSON.stringify(event));
  }
  return out;
}
