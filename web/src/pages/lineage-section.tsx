/**
 * A dataset's lineage. Until the server records run-time lineage (OpenLineage, issue 5), the graph
 * shows what the catalog declares: data products that expose the dataset (its upstream, with their
 * input ports) and those that consume it (downstream, with what they expose). Nodes are coloured by
 * classification or by quality; click one to open it.
 */
import { useEffect, useMemo, useState } from 'react';
import { type ApiError, apiPath, cachedGet, enc } from '../api/client';
import { fill, useFeatures } from '../api/features';
import type { Description, RunSummary } from '../api/types';
import { useApi } from '../api/use-api';
import { type GraphEdge, type GraphNode, LayeredGraph } from '../components/graph';
import { Empty, ErrorNote, Loading, Note, Section } from '../components/ui';
import { useOrg } from '../lib/org';
import { hrefOf, shortName } from '../lib/refs';
import { type LineageRow, PeopleWithReasons, rowsToGraph } from './trace-section';

const MAX_DESCRIBE = 40;

const targets = (d: Description, type: string) => [
  ...new Set(d.relations.filter((r) => r.type === type).map((r) => r.ref)),
];

/** How a dataset node looks coloured by quality: its latest status, or not checked. */
function qualityLook(status: string | null | undefined): { sub: string; tone: string } {
  return status
    ? { sub: `quality ${status}`, tone: `quality-${status}` }
    : { sub: 'not checked', tone: 'quality-none' };
}

function highest(d: Description | undefined, levels: string[]): string | null {
  if (!d) return null;
  let best = -1;
  for (const f of d.fields) best = Math.max(best, levels.indexOf(f.classification ?? ''));
  return best >= 0 ? levels[best]! : null;
}

export function LineageSection({ d }: { d: Description }) {
  const features = useFeatures();
  const { org } = useOrg();
  const [colour, setColour] = useState<'classification' | 'quality'>('classification');
  const runs = useApi<RunSummary[]>(features.quality ? apiPath('/quality/runs', { limit: 1000 }) : null);
  const impact = useApi<{
    datasets: LineageRow[];
    models: LineageRow[];
    apps: LineageRow[];
    /** Who to tell when this dataset changes: the people of everything downstream, with why. */
    notify: { ref: string; title: string; why: string[] }[];
  }>(features.impact ? fill(features.impact, { ref: d.asset.ref }) : null);
  const recorded = useMemo(
    () => (impact.data ? [...impact.data.datasets, ...impact.data.models, ...impact.data.apps] : []),
    [impact.data],
  );
  const [state, setState] = useState<{
    described?: Map<string, Description>;
    /** Neighbours the caller may not read (403): drawn as "no access", never described. */
    hidden?: Set<string>;
    error?: ApiError;
  }>({});

  const producers = useMemo(() => targets(d, 'exposedBy'), [d]);
  const consumers = useMemo(() => targets(d, 'consumedBy'), [d]);
  const key = [...producers, ...consumers].join('|');
  useEffect(() => {
    let live = true;
    const load = async () => {
      const out = new Map<string, Description>();
      const hidden = new Set<string>();
      const get = async (ref: string) => {
        if (out.size >= MAX_DESCRIBE || out.has(ref) || hidden.has(ref)) return;
        try {
          out.set(ref, await cachedGet<Description>(apiPath(`/assets/${enc(ref)}/describe`)));
        } catch (error) {
          // A neighbour in a domain the caller may not read keeps its place in the graph.
          if ((error as ApiError).status === 403) hidden.add(ref);
          else throw error;
        }
      };
      const products = key ? key.split('|') : [];
      await Promise.all(products.map(get));
      const datasets = products.flatMap((p) => {
        const pd = out.get(p);
        return pd ? [...targets(pd, 'consumes'), ...targets(pd, 'exposes')] : [];
      });
      await Promise.all(
        [...new Set(datasets)]
          .filter((r) => r !== d.asset.ref)
          .slice(0, MAX_DESCRIBE)
          .map(get),
      );
      return { described: out, hidden };
    };
    load().then(
      (loaded) => live && setState(loaded),
      (error: ApiError) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [key, d.asset.ref]);

  const graph = useMemo(() => {
    const described = state.described;
    if (!described) return undefined;
    const hidden = state.hidden ?? new Set<string>();
    /** A neighbour the caller may not read: its kind only, no name, no link. */
    const noAccess = (ref: string, column: number, kind: string): GraphNode => ({
      id: ref,
      label: `${kind} (no access)`,
      sub: 'ask its domain for access',
      column,
      tone: 'no-access',
    });
    const latest = new Map<string, string>();
    for (const r of runs.data ?? []) if (!latest.has(r.ref)) latest.set(r.ref, r.status);
    const levels = org?.levels.length ? org.levels : ['public', 'internal', 'confidential', 'restricted'];
    const nodes = new Map<string, GraphNode>();
    const edges: GraphEdge[] = [];
    const datasetNode = (ref: string, column: number, desc: Description | undefined) => {
      if (nodes.has(ref)) return;
      if (hidden.has(ref)) {
        nodes.set(ref, noAccess(ref, column, 'Dataset'));
        return;
      }
      const level = highest(desc, levels);
      nodes.set(ref, {
        id: ref,
        label: desc?.asset.title || shortName(ref),
        column,
        ...(colour === 'classification'
          ? { sub: level ? `up to ${level}` : 'dataset', tone: `level-${level ?? 'none'}` }
          : qualityLook(latest.get(ref))),
        href: hrefOf(ref),
      });
    };
    datasetNode(d.asset.ref, 0, d);
    for (const p of producers) {
      const pd = described.get(p);
      nodes.set(
        p,
        hidden.has(p)
          ? noAccess(p, -1, 'Data product')
          : {
              id: p,
              label: pd?.asset.title || shortName(p),
              sub: 'data product',
              column: -1,
              tone: 'product',
              href: hrefOf(p),
            },
      );
      edges.push({
        from: p,
        to: d.asset.ref,
        label: 'exposes',
        origin: 'declared',
        source: 'declared as an output port of the data product',
      });
      for (const input of pd ? targets(pd, 'consumes') : []) {
        datasetNode(input, -2, described.get(input));
        edges.push({
          from: input,
          to: p,
          origin: 'declared',
          source: 'declared as an input port of the data product',
        });
      }
    }
    for (const c of consumers) {
      const cd = described.get(c);
      if (!nodes.has(c))
        nodes.set(
          c,
          hidden.has(c)
            ? noAccess(c, 1, 'Data product')
            : {
                id: c,
                label: cd?.asset.title || shortName(c),
                sub: 'data product',
                column: 1,
                tone: 'product',
                href: hrefOf(c),
              },
        );
      edges.push({
        from: d.asset.ref,
        to: c,
        label: 'input',
        origin: 'declared',
        source: 'declared as an input port of the data product',
      });
      for (const output of cd ? targets(cd, 'exposes') : []) {
        if (output === d.asset.ref) continue;
        datasetNode(output, 2, described.get(output));
        edges.push({
          from: c,
          to: output,
          origin: 'declared',
          source: 'declared as an output port of the data product',
        });
      }
    }
    // Downstream as impact finds it: reported by pipelines (OpenLineage) or declared by models and
    // applications, beside what the ports declare.
    const runtime = rowsToGraph(d.asset.ref, recorded, 1);
    // Coloured by quality, a dataset found there shows its latest run's status like the others.
    const rowOf = new Map(recorded.map((r) => [r.node, r]));
    for (const n of runtime.nodes) {
      if (nodes.has(n.id)) continue;
      const r = rowOf.get(n.id);
      if (colour === 'quality' && r && !r.restricted && r.kind === 'dataset')
        nodes.set(n.id, {
          ...n,
          ...(r.asset
            ? qualityLook(latest.get(r.node) ?? r.asset.quality?.status)
            : { sub: 'not in the catalog', tone: 'quality-none' }),
        });
      else nodes.set(n.id, n);
    }
    for (const e of runtime.edges) if (!edges.some((x) => x.from === e.from && x.to === e.to)) edges.push(e);
    return { nodes: [...nodes.values()], edges };
  }, [state.described, state.hidden, runs.data, org, colour, d, producers, consumers, recorded]);

  return (
    <>
      <Section
        title="Lineage"
        id="lineage"
        actions={
          <fieldset className="segmented">
            <legend className="sr-only">Colour nodes by</legend>
            {(['classification', 'quality'] as const).map((c) => (
              <label key={c}>
                <input
                  type="radio"
                  name="colour"
                  value={c}
                  checked={colour === c}
                  onChange={() => setColour(c)}
                />
                {c === 'classification' ? 'Classification' : 'Quality'}
              </label>
            ))}
          </fieldset>
        }
      >
        <Note>
          {features.impact
            ? `The graph joins what the catalog declares through data products’ ports with the run-time lineage pipelines report (OpenLineage): ${impact.error ? 'it could not be read (see below)' : recorded.length ? `${recorded.length} downstream assets recorded` : 'none recorded downstream of this dataset yet'}.`
            : 'Run-time lineage (OpenLineage events from pipelines, column lineage, models and AI applications) is not recorded by this server yet. The graph shows the lineage the catalog declares: the data products that expose this dataset and those that consume it, through their ports.'}
        </Note>
        {impact.error ? <ErrorNote error={impact.error} /> : null}
        {state.error ? (
          <ErrorNote error={state.error} />
        ) : !graph ? (
          <Loading label="Following the ports" />
        ) : graph.nodes.length <= 1 ? (
          <Empty title="No declared lineage">No data product exposes or consumes this dataset.</Empty>
        ) : (
          <LayeredGraph
            nodes={graph.nodes}
            edges={graph.edges}
            label={`Lineage of ${d.asset.ref}, declared and reported`}
          />
        )}
      </Section>
      {impact.data ? (
        <Section title="Who to tell" id="notify">
          {impact.data.notify.length ? (
            <>
              <p className="muted small">
                The owners and stewards of what lies downstream (5 hops), to tell before this dataset changes.
              </p>
              <PeopleWithReasons people={impact.data.notify} />
            </>
          ) : (
            <p className="muted">Nobody: nothing recorded downstream names an owner or steward.</p>
          )}
        </Section>
      ) : null}
    </>
  );
}
