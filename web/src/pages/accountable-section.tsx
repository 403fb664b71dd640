/**
 * What a person or a team answers for, on their page: their scorecards as owner and as steward (the
 * assets they own or steward, and how many of them name an owner and a steward, are described,
 * classified and pass their quality checks, with the incidents open on them) and the AI outcomes
 * traced to them, each with why.
 */
import { Link } from 'react-router';
import { apiPath } from '../api/client';
import { useFeatures } from '../api/features';
import type { AssetListItem, Outcome, ScorecardRow, Scorecards } from '../api/types';
import { useApi } from '../api/use-api';
import { Badge, ErrorNote, Loading, RefLink, Section } from '../components/ui';
import { fmt, plural, when } from '../lib/format';
import { Definition } from './asset-sections';
import { severityTone } from './outcome-page';

const OUTCOMES = 10;
/** Assets asked for per kind when looking for what someone answers for through their domains. */
const ASSETS = 500;
/** Of those, how many are listed. */
const SHOWN = 50;

type AssetList = { items: AssetListItem[] };

/**
 * What they answer for without being named on it: datasets, products, models and applications
 * that name no owner (or steward) of their own, in a domain where they are one. The page's
 * "Related" panel lists what names them; this is what lands on them through their domains.
 */
function ThroughDomains({ refText, declared }: { refText: string; declared: readonly string[] }) {
  const path = (kind: string) => apiPath('/assets', { kind, owner: refText, limit: ASSETS });
  const lists = [
    useApi<AssetList>(path('datasets')),
    useApi<AssetList>(path('products')),
    useApi<AssetList>(path('models')),
    useApi<AssetList>(path('apps')),
  ];
  const error = lists.find((l) => l.error)?.error;
  if (error) return <ErrorNote error={error} />;
  if (lists.some((l) => !l.data)) return null;
  const named = new Set(declared);
  const inherited = lists.flatMap((l) => l.data!.items).filter((a) => !named.has(a.ref));
  if (!inherited.length) return null;
  const more = inherited.length > SHOWN || lists.some((l) => l.data!.items.length >= ASSETS);
  return (
    <div id="through-domains">
      <h3>Through their domains</h3>
      <p className="muted small">
        These name no owner (or no steward) of their own, so their domain’s answer for them: {refText}
        among them.
      </p>
      <ul className="plain">
        {inherited.slice(0, SHOWN).map((a) => (
          <li key={a.ref}>
            <RefLink refText={a.ref} title={a.title || a.name} />{' '}
            <span className="muted small">
              {[a.owners.includes(refText) ? 'owner' : '', a.stewards.includes(refText) ? 'steward' : '']
                .filter(Boolean)
                .join(' and ')}
            </span>
          </li>
        ))}
      </ul>
      {more ? (
        <p className="muted small">
          Not all are listed; <code>charter get datasets --owner {refText}</code> (and products, models, apps)
          lists every one, with what names them.
        </p>
      ) : null}
    </div>
  );
}

/** `4 of 5 datasets`, or what there is none of. */
function ofWhole(part: number, whole: number, what: string, none: string) {
  return whole ? `${fmt(part)} of ${fmt(whole)}${what ? ` ${what}` : ''}` : none;
}

function Card({ row, as }: { row: ScorecardRow; as: 'owner' | 'steward' }) {
  const kinds = [
    [row.datasets, 'dataset'],
    [row.products, 'data product'],
    [row.models ?? 0, 'model'],
    [row.apps ?? 0, 'application'],
  ] as const;
  return (
    <dl className="facts">
      <Definition term={as === 'owner' ? 'Assets owned' : 'Assets stewarded'}>
        {fmt(row.assets)}{' '}
        <span className="muted small">
          (
          {kinds
            .filter(([n]) => n)
            .map(([n, what]) => plural(n, what))
            .join(', ')}
          )
        </span>
      </Definition>
      <Definition term="Owner and steward">
        {ofWhole(row.withOwnerAndSteward, row.assets, '', '–')}
      </Definition>
      <Definition term="Described">{ofWhole(row.described, row.assets, '', '–')}</Definition>
      <Definition term="Classified">
        {ofWhole(row.classified, row.datasets, 'datasets', 'no datasets')}
      </Definition>
      <Definition term="Passing quality">
        {ofWhole(row.passingQuality, row.qualityChecked, 'checked', 'none checked')}
      </Definition>
      <Definition term="Open incidents">
        {row.openIncidents ? <span className="text-bad">{fmt(row.openIncidents)}</span> : 'none'}
      </Definition>
      <Definition term="AI outcomes">{fmt(row.outcomes ?? 0)} traced to them</Definition>
      <Definition term="Score">{row.score === null ? '–' : `${row.score}%`}</Definition>
    </dl>
  );
}

export function AccountableFor({ refText, declared }: { refText: string; declared: readonly string[] }) {
  const features = useFeatures();
  const cards = useApi<Scorecards>(features.scorecards ? apiPath('/scorecards', { owner: refText }) : null);
  const outcomes = useApi<{ outcomes: Outcome[] }>(
    features.paths.has('/api/v1/outcomes')
      ? apiPath('/outcomes', { accountable: refText, limit: OUTCOMES })
      : null,
  );
  if (!features.scorecards) return null;
  const owned = cards.data?.owners.find((o) => o.key === refText);
  const stewarded = cards.data?.stewards.find((o) => o.key === refText);
  return (
    <Section title="Accountable for" id="accountable-for">
      {cards.error ? (
        <ErrorNote error={cards.error} />
      ) : !cards.data ? (
        <Loading label="Counting" />
      ) : owned || stewarded ? (
        <div className="cards-by-role">
          {owned ? (
            <div id="as-owner">
              <h3>As owner</h3>
              <Card row={owned} as="owner" />
            </div>
          ) : null}
          {stewarded ? (
            <div id="as-steward">
              <h3>As steward</h3>
              <Card row={stewarded} as="steward" />
            </div>
          ) : null}
        </div>
      ) : (
        <p className="muted">
          Owns and stewards no asset: no contract, product, model or application names them, nor any of their
          domains.
        </p>
      )}
      <ThroughDomains refText={refText} declared={declared} />
      {outcomes.data?.outcomes.length ? (
        <>
          <h3>AI outcomes traced to them</h3>
          <ul className="plain" id="outcomes-traced">
            {outcomes.data.outcomes.map((o) => (
              <li key={o.id}>
                <Badge tone={severityTone(o.severity)}>{o.severity}</Badge>{' '}
                <Link to={`/outcome/${o.id}`}>{o.type.replace(/_/g, ' ')}</Link> on{' '}
                <RefLink refText={o.subject} /> <span className="muted small">{when(o.occurredAt)}</span>
                <div className="muted small">
                  {o.accountable.find((a) => a.ref === refText)?.why?.join('; ')}
                </div>
              </li>
            ))}
          </ul>
          {outcomes.data.outcomes.length >= OUTCOMES ? (
            <p className="muted small">
              The {OUTCOMES} most recent; <code>charter outcome list --accountable {refText}</code> lists them
              all.
            </p>
          ) : null}
        </>
      ) : outcomes.error ? (
        <ErrorNote error={outcomes.error} />
      ) : null}
    </Section>
  );
}
