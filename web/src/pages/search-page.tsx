/**
 * Full search results with filters. Kind, domain and owner (what a person or team owns or stewards,
 * declared or inherited) filter on the server; classification refines the best matches in the
 * browser (the search API does not index it), and says so.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ApiError, apiPath, cachedGet, enc } from '../api/client';
import type { Asset, Description, SearchHit } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { DomainFilterAccess } from '../components/no-access';
import {
  Empty,
  ErrorNote,
  Highlight,
  KindBadge,
  Loading,
  Note,
  PageHeader,
  useTitle,
} from '../components/ui';
import { useAccess } from '../lib/access';
import { plural } from '../lib/format';
import { useOrg } from '../lib/org';
import { hrefOf } from '../lib/refs';

const KINDS = [
  ['', 'All kinds'],
  ['datasets', 'Datasets'],
  ['products', 'Data products'],
  ['glossary', 'Glossary terms'],
  ['domains', 'Domains'],
  ['teams', 'Teams'],
  ['users', 'Users'],
  ['policies', 'Policies'],
] as const;

const REFINE_LIMIT = 50;

/** Describes each hit (a few at a time) to filter by classification and owner. */
function useRefined(hits: SearchHit[] | undefined, active: boolean) {
  const [state, setState] = useState<{ key: string; described?: Map<string, Description>; error?: ApiError }>(
    { key: '' },
  );
  const key = active && hits ? hits.map((h) => h.ref).join('|') : '';
  useEffect(() => {
    if (!key || !hits) return;
    let live = true;
    const refs = hits.slice(0, REFINE_LIMIT).map((h) => h.ref);
    const out = new Map<string, Description>();
    let next = 0;
    const worker = async () => {
      while (next < refs.length) {
        const ref = refs[next++]!;
        out.set(ref, await cachedGet<Description>(apiPath(`/assets/${enc(ref)}/describe`)));
      }
    };
    Promise.all(Array.from({ length: 6 }, worker)).then(
      () => live && setState({ key, described: out }),
      (error: ApiError) => live && setState({ key, error }),
    );
    return () => {
      live = false;
    };
  }, [key, hits]);
  return state.key === key ? state : { key };
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const domain = params.get('domain') ?? '';
  const classification = params.get('classification') ?? '';
  const owner = params.get('owner') ?? '';
  const [limit, setLimit] = useState(20);
  useTitle(q ? `Search: ${q}` : 'Search');
  const { org } = useOrg();
  // A domain the user may not read answers with nothing: the note above the results says why.
  const withheld = !useAccess().mayRead(domain);
  const users = useApi<{ items: Asset[] }>(apiPath('/assets', { kind: 'users', limit: 500 }));

  const refining = Boolean(classification);
  const effectiveLimit = refining ? Math.max(limit, REFINE_LIMIT) : limit;
  const path = q.trim() ? apiPath('/search', { q, kind, domain, owner, limit: effectiveLimit }) : null;
  const result = useApi<{ hits: SearchHit[] }>(path);
  const refined = useRefined(result.data?.hits, refining);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setLimit(20);
  };

  const hits = useMemo(() => {
    const all = result.data?.hits ?? [];
    if (!refining) return all;
    if (!refined.described) return undefined;
    return all.slice(0, REFINE_LIMIT).filter((h) => {
      const d = refined.described!.get(h.ref);
      if (!d) return false;
      return !classification || d.fields.some((f) => f.classification === classification);
    });
  }, [result.data, refining, refined.described, classification]);

  return (
    <>
      <PageHeader title={q ? <>Results for “{q}”</> : 'Search'} />
      <form
        className="filters"
        aria-label="Search filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          set('q', String(data.get('q') ?? ''));
        }}
      >
        <Field label="Words">
          {(id) => (
            <input id={id} name="q" type="search" defaultValue={q} key={q} placeholder="e.g. card number" />
          )}
        </Field>
        <Field label="Kind">
          {(id) => (
            <select id={id} value={kind} onChange={(e) => set('kind', e.target.value)}>
              {KINDS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Domain">
          {(id) => (
            <select id={id} value={domain} onChange={(e) => set('domain', e.target.value)}>
              <option value="">All domains</option>
              {org?.tree.map((d) => (
                <option key={d.name} value={d.name}>
                  {'  '.repeat(d.depth)}
                  {d.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Classification">
          {(id) => (
            <select id={id} value={classification} onChange={(e) => set('classification', e.target.value)}>
              <option value="">Any</option>
              {(org?.levels.length ? org.levels : ['public', 'internal', 'confidential', 'restricted']).map(
                (l) => (
                  <option key={l} value={l}>
                    holds {l} fields
                  </option>
                ),
              )}
            </select>
          )}
        </Field>
        <Field label="Owner or steward">
          {(id) => (
            <select id={id} value={owner} onChange={(e) => set('owner', e.target.value)}>
              <option value="">Anyone</option>
              {users.data?.items.map((u) => (
                <option key={u.ref} value={u.ref}>
                  {u.title || u.ref}
                </option>
              ))}
              {[...(org?.teams.keys() ?? [])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Search</button>
      </form>
      <DomainFilterAccess domain={domain} what="the datasets, products and terms" />

      {!q.trim() ? (
        <Empty title="Type what you are looking for">
          Search covers names, descriptions, fields, tags and glossary terms. Press <kbd>/</kbd> anywhere to
          jump to the search box.
        </Empty>
      ) : result.error ? (
        <ErrorNote error={result.error} title="Search failed" />
      ) : refined.error ? (
        <ErrorNote error={refined.error} title="The filters could not be applied" />
      ) : !hits ? (
        <Loading label="Searching" />
      ) : (
        <>
          {refining ? (
            <Note>
              The classification filter is applied to the best {REFINE_LIMIT} matches; the search API filters
              by kind, domain and owner only.
            </Note>
          ) : null}
          {/* Nothing found in a domain the user may not read: the note above says why, not "No results". */}
          {hits.length || !withheld ? (
            <p className="muted" role="status">
              {hits.length ? plural(hits.length, 'result') : 'No results'}
              {!refining && hits.length === effectiveLimit ? ' (best matches first)' : ''}
            </p>
          ) : null}
          {hits.length ? (
            <ol className="results">
              {hits.map((h) => (
                <li key={h.ref} className="result">
                  <div className="result-head">
                    <KindBadge kind={h.kind} />
                    <Link to={hrefOf(h.ref)} className="result-title">
                      {h.title || h.ref}
                    </Link>
                    <span className="ref muted">{h.ref}</span>
                  </div>
                  {h.match ? (
                    <p className="result-match">
                      <Highlight text={h.match} />
                    </p>
                  ) : h.description ? (
                    <p className="result-match muted">{h.description}</p>
                  ) : null}
                </li>
              ))}
            </ol>
          ) : withheld ? null : (
            <Empty title="Nothing matches">
              Try fewer words{kind || domain || classification || owner ? ' or fewer filters' : ''}. The last
              word matches as a prefix (<code>cust</code> finds customer).
            </Empty>
          )}
          {!refining && hits.length === limit && limit < 200 ? (
            <button type="button" className="more" onClick={() => setLimit((l) => Math.min(200, l + 40))}>
              Show more results
            </button>
          ) : null}
        </>
      )}
    </>
  );
}
