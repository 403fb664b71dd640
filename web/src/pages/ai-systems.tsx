/**
 * The AI systems (models and applications) a reader may see, each with the AI-use gate's answer now
 * for every dataset it declares as an input (GET /api/v1/ai/systems): on the Lineage page for the
 * whole catalog, on a domain's page for that domain and its sub-domains.
 */
import type { InputGate } from '../api/types';
import type { Loaded } from '../api/use-api';
import { Badge, Empty, ErrorNote, Loading, RefLink, Section } from '../components/ui';
import { day } from '../lib/format';

/** GET /api/v1/ai/systems: a model or application and the AI-use gate's answer for each input. */
export interface AiSystem {
  ref: string;
  title: string;
  stage: string | null;
  owners: string[];
  inputs: {
    index: number;
    dataset: string;
    use: string;
    decision: 'allow' | 'deny' | 'restricted';
    checks: string[];
    since?: InputGate['since'];
  }[];
  refused: number;
}

/** Every AI system the reader may see, most refused first: the data it is declared to use, as the gate answers now. */
export function AiSystems({
  state,
  title = 'AI systems and the data they use',
  hideWhenEmpty = false,
  compact = false,
}: {
  state: Loaded<{ systems: AiSystem[] }>;
  title?: string;
  /** Show nothing rather than an empty card (a domain with no AI system). */
  hideWhenEmpty?: boolean;
  /** A list rather than a table, for a narrow column. */
  compact?: boolean;
}) {
  if (hideWhenEmpty && state.data && !state.data.systems.length) return null;
  return (
    <Section title={title} id="ai-systems">
      {state.error ? (
        <ErrorNote error={state.error} />
      ) : !state.data ? (
        <Loading />
      ) : state.data.systems.length && compact ? (
        <ul className="plain">
          {state.data.systems.map((s) => (
            <li key={s.ref}>
              <RefLink refText={s.ref} title={s.title} /> <span className="muted small">{s.stage ?? ''}</span>{' '}
              <Allowed system={s} /> <span className="small">inputs allowed</span>
              <ul className="plain small">
                <Refused system={s} />
              </ul>
            </li>
          ))}
        </ul>
      ) : state.data.systems.length ? (
        <>
          <p className="muted">
            Each model and application with the AI-use gate's answer now for every dataset it declares as an
            input, asked for the link's role.
          </p>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">System</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Owners</th>
                  <th scope="col">Inputs allowed</th>
                  <th scope="col">Refused</th>
                </tr>
              </thead>
              <tbody>
                {state.data.systems.map((s) => (
                  <tr key={s.ref}>
                    <th scope="row">
                      <RefLink refText={s.ref} title={s.title} />
                    </th>
                    <td>{s.stage ?? ''}</td>
                    <td>
                      {s.owners.map((o, i) => (
                        <span key={o}>
                          {i ? ', ' : ''}
                          <RefLink refText={o} />
                        </span>
                      ))}
                    </td>
                    <td>
                      <Allowed system={s} />
                    </td>
                    <td>
                      <ul className="plain">
                        <Refused system={s} />
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <Empty title="No AI systems">
          Models and AI applications (<code>kind: Model</code>, <code>kind: AiApplication</code>) you may read
          appear here with the data they use.
        </Empty>
      )}
    </Section>
  );
}

/** How many of its inputs the gate allows, and how many the reader may not see. */
function Allowed({ system: s }: { system: AiSystem }) {
  const restricted = s.inputs.filter((i) => i.decision === 'restricted').length;
  return (
    <>
      <Badge tone={s.refused ? 'bad' : 'good'}>
        {s.inputs.length - s.refused - restricted} of {s.inputs.length}
      </Badge>
      {restricted ? <span className="muted small"> {restricted} not yours to read</span> : null}
    </>
  );
}

/** Each refused input: the dataset, the use, the failing checks, and since when (and whose change) if a change refused it. */
function Refused({ system: s }: { system: AiSystem }) {
  return (
    <>
      {s.inputs
        .filter((i) => i.decision === 'deny')
        .map((i) => (
          <li key={i.index}>
            <RefLink refText={i.dataset} /> for {i.use}{' '}
            <span className="muted small">
              ({i.checks.join(', ')}){i.since ? `, since ${day(i.since.time)} (${i.since.actor})` : ''}
            </span>
          </li>
        ))}
    </>
  );
}
