/**
 * The work queue's Notifications: the webhook deliveries that gave up (the dead-letter list), each
 * with the receiver's last answer and a retry, and the webhooks the user manages. The server shows
 * each user what they manage: the data office everything, a domain's owners their domain's.
 */
import { useState } from 'react';
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
  /** Null once the webhook was removed. */
  url: string | null;
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
