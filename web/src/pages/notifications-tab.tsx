/**
 * The work queue's Notifications: the webhook deliveries that gave up (the dead-letter list), each
 * with the receiver's last answer and a retry, and the webhooks the user manages, each of which can
 * be sent a test event (the answer its receiver gave is shown). The server shows
 * each user what they manage: the data office everything, a domain's owners their domain's.
 */
import { useEffect, useRef, useState } from 'react';
import { type ApiError, apiPath, enc, request } from '../api/client';
import { useApi } from '../api/use-api';
import { Empty, ErrorNote, Loading, Note, Section } from '../components/ui';
import { plural, when } from '../lib/format';

interface Webhook {
  id: string;
  url: string;
  domain: string | null;
  events: string[];
  description?: string;
  createdAt?: string;
  createdBy?: string;
  /** The newest delivery to it (null: none yet). */
  lastDelivery?: Delivery | null;
}

interface Delivery {
  id: string;
  eventType: string | null;
  webhookId: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt?: string | null;
  /** Null once the webhook was removed. */
  url: string | null;
}

/** A webhook's newest delivery in a few words: how it went, the receiver's answer, the event. */
function lastDeliveryText(d: Delivery | null | undefined): string {
  if (!d) return 'no delivery yet';
  const answer = d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '');
  const what = `${d.eventType ?? 'event'} of ${when(d.createdAt)}`;
  if (d.state === 'delivered') return `last delivery taken${answer ? ` (${answer})` : ''}: ${what}`;
  if (d.state === 'dead') return `last delivery gave up (${answer}): ${what}`;
  if (!d.attempts) return `last delivery queued: ${what}`;
  return `last delivery failing (${answer}, ${plural(d.attempts, 'attempt')}): ${what}`;
}

/** Retries one delivery; the list then reloads without it (it is pending again). */
function Retry({ delivery: d, onQueued }: { delivery: Delivery; onQueued: (d: Delivery) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (d.url === null) return <span className="muted small">its webhook was removed</span>;
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={`Retry delivery ${d.id}`}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await request(apiPath(`/webhooks/deliveries/${enc(d.id)}/retry`), { method: 'POST', body: {} });
            onQueued(d);
          } catch (e) {
            setError(e as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        Retry
      </button>
      {error ? <ErrorNote error={error} /> : null}
    </>
  );
}

/** How long a test waits for the server's delivery loop to try it (it runs every few seconds). */
const TEST_WAIT_MS = 15_000;

type TestState =
  | { step: 'sending' }
  | { step: 'waiting'; delivery: Delivery }
  | { step: 'done'; delivery: Delivery }
  | { step: 'untried'; delivery: Delivery };

/**
 * Sends a test event to one webhook, then reads its delivery until the server has tried it, and
 * says what the receiver answered.
 */
function TestWebhook({ hook }: { hook: Webhook }) {
  const [state, setState] = useState<TestState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const run = async () => {
    setError(null);
    setState({ step: 'sending' });
    try {
      const queued = await request<Delivery>(apiPath(`/webhooks/${enc(hook.id)}/test`), {
        method: 'POST',
        body: {},
      });
      setState({ step: 'waiting', delivery: queued });
      const until = Date.now() + TEST_WAIT_MS;
      while (alive.current && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const { deliveries } = await request<{ deliveries: Delivery[] }>(
          apiPath('/webhooks/deliveries', { webhook: hook.id, limit: 50 }),
        );
        const d = deliveries.find((x) => x.id === queued.id);
        if (d && (d.state !== 'pending' || d.attempts > 0)) {
          if (alive.current) setState({ step: 'done', delivery: d });
          return;
        }
      }
      if (alive.current) setState({ step: 'untried', delivery: queued });
    } catch (e) {
      if (alive.current) {
        setError(e as ApiError);
        setState(null);
      }
    }
  };
  const busy = state?.step === 'sending' || state?.step === 'waiting';
  return (
    <div className="small">
      <button type="button" disabled={busy} onClick={run} aria-label={`Send a test event to ${hook.url}`}>
        Send a test event
      </button>
      <span role="status" className="muted">
        {state?.step === 'sending' || state?.step === 'waiting'
          ? ' Sent to the queue; waiting for the server to deliver it…'
          : null}
      </span>
      {state?.step === 'done' ? (
        state.delivery.state === 'delivered' ? (
          <Note>
            Delivered: the receiver answered{' '}
            {state.delivery.lastStatus !== null ? `HTTP ${state.delivery.lastStatus}` : 'with success'}.
          </Note>
        ) : (
          <Note tone="warn">
            {`Not taken: ${state.delivery.lastError ?? `the receiver answered HTTP ${state.delivery.lastStatus}`}. `}
            {state.delivery.state === 'dead'
              ? 'It gave up: reload to see it among the deliveries that gave up.'
              : 'It is retried with growing pauses, like any delivery.'}
          </Note>
        )
      ) : null}
      {state?.step === 'untried' ? (
        <Note tone="warn">
          Queued, but not tried within {TEST_WAIT_MS / 1000} s: is the server's delivery loop running?
        </Note>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
    </div>
  );
}

export function Notifications() {
  const dead = useApi<{ deliveries: Delivery[] }>(
    apiPath('/webhooks/deliveries', { state: 'dead', limit: 200 }),
  );
  const hooks = useApi<{ webhooks: Webhook[] }>(apiPath('/webhooks'));
  const [queued, setQueued] = useState<Delivery[]>([]);
  return (
    <>
      <Section title="Deliveries that gave up" id="dead-letters">
        <p className="muted small">
          A delivery is retried with growing pauses; after its last attempt it waits here. Retry it once the
          receiver is fixed (or <code>charter webhook retry ID</code>).
        </p>
        {queued.map((d) => (
          <Note key={d.id}>
            Queued again: the {d.eventType ?? 'event'} of {when(d.createdAt)} to <code>{d.url}</code>, sent at
            the next delivery round.
          </Note>
        ))}
        {dead.error ? (
          <ErrorNote error={dead.error} />
        ) : !dead.data ? (
          <Loading />
        ) : dead.data.deliveries.length ? (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Dead-lettered deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {dead.data.deliveries.map((d) => (
                  <tr key={d.id}>
                    <th scope="row" className="small">
                      {d.eventType ?? 'event'}
                      <div className="muted">{when(d.createdAt)}</div>
                    </th>
                    <td className="small">
                      {d.url ? <code>{d.url}</code> : <span className="muted">removed</span>}
                    </td>
                    <td>{d.attempts}</td>
                    <td className="small">
                      {d.lastStatus !== null ? `HTTP ${d.lastStatus}` : null}
                      {d.lastError ? <div className="muted">{d.lastError}</div> : null}
                    </td>
                    <td>
                      <Retry delivery={d} onQueued={(q) => setQueued((list) => [...list, q])} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty title="Nothing gave up">
            Every delivery you can see was delivered or is still being tried.
          </Empty>
        )}
      </Section>
      <Section title="Webhooks you manage" id="webhooks">
        {hooks.error ? (
          <ErrorNote error={hooks.error} />
        ) : !hooks.data ? (
          <Loading />
        ) : hooks.data.webhooks.length ? (
          <>
            <p className="muted small">
              {plural(hooks.data.webhooks.length, 'webhook')}; secrets are never shown again.
            </p>
            <ul className="plain">
              {hooks.data.webhooks.map((h) => (
                <li key={h.id}>
                  <code>{h.url}</code>{' '}
                  <span className="muted small">
                    {h.domain ? `domain:${h.domain} and its sub-domains` : 'every domain'} ·{' '}
                    {h.events.length ? h.events.join(', ') : 'every event'}
                    {h.createdBy ? ` · added by ${h.createdBy}` : ''}
                  </span>
                  <div className="small">{lastDeliveryText(h.lastDelivery)}</div>
                  <TestWebhook hook={h} />
                </li>
              ))}
            </ul>
          </>
        ) : (
          <Empty title="No webhooks you manage">
            A domain's owners add them: <code>charter webhook add URL --domain NAME</code>.
          </Empty>
        )}
      </Section>
    </>
  );
}
