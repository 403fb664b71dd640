/**
 * Who did something (an actor) or a person named in a manifest: a link to their page when the
 * catalog holds them as a user or team, plain text otherwise. An actor a client names — a loader
 * (`user:demo-loader`), `charter --as`, the scheduler (`system:scheduler`) — need not be a catalog
 * asset, and a link to it would lead to "not found".
 */
import { useEffect, useState } from 'react';
import { type ApiError, apiPath, cachedGet, enc, onWrite } from '../api/client';
import { parseRef } from '../lib/refs';
import { RefLink } from './ui';

const TTL_MS = 5 * 60_000;
type Found = 'found' | 'missing' | 'withheld';

const known = new Map<string, { at: number; found: Promise<Found> }>();
// A user applied since may now be in the catalog.
onWrite(() => known.clear());

/** Whether the catalog holds this user or team (and the user may read it); asked once per ref for a few minutes. */
function lookUp(ref: string): Promise<Found> {
  const hit = known.get(ref);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.found;
  const found = cachedGet(apiPath(`/assets/${enc(ref)}`), TTL_MS).then(
    (): Found => 'found',
    (error: ApiError): Found => (error.status === 403 ? 'withheld' : 'missing'),
  );
  known.set(ref, { at: Date.now(), found });
  return found;
}

const WHY: Record<Exclude<Found, 'found'>, string> = {
  missing: 'is not in the catalog, so it has no page',
  withheld: 'is in a domain you may not read',
};

export function PersonRef({ refText }: { refText: string }) {
  const kind = parseRef(refText)?.kind;
  const askable = kind === 'user' || kind === 'team';
  const [found, setFound] = useState<Found | undefined>(undefined);
  useEffect(() => {
    if (!askable) return;
    let live = true;
    lookUp(refText).then((answer) => live && setFound(answer));
    return () => {
      live = false;
    };
  }, [refText, askable]);
  if (found === 'found') return <RefLink refText={refText} />;
  const why = askable ? (found ? WHY[found] : undefined) : WHY.missing;
  return (
    <span className="actor" title={why ? `${refText} ${why}` : undefined}>
      {refText}
    </span>
  );
}
