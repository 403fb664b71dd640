/**
 * "No access" where the server withholds what a domain holds: what the user may not read, the role
 * it needs, and whom to ask — the domain's owners (declared on it or inherited), else the data
 * office. Shown instead of an empty list or a bare "not allowed".
 */
import type { ReactNode } from 'react';
import { useAccess } from '../lib/access';
import { chainOf, useOrg } from '../lib/org';
import { PersonRef } from './person-ref';
import { RefLink } from './ui';

function People({ refs }: { refs: string[] }) {
  return (
    <>
      {refs.map((r, i) => (
        <span key={r}>
          {i ? (i === refs.length - 1 ? ' or ' : ', ') : ''}
          <PersonRef refText={r} />
        </span>
      ))}
    </>
  );
}

/** Whom to ask for access to a domain's assets: its owners (declared or inherited), else the data office. */
export function AskForAccess({ domain }: { domain?: string | null }) {
  const { org, error } = useOrg();
  // Nothing until the organisation is known: "the data office" meanwhile would be wrong for a moment.
  if (!org && !error) return null;
  const holder = org && domain ? chainOf(org, domain).find((d) => d.owners.length) : undefined;
  const office = org?.dataOffice ?? [];
  if (holder)
    return (
      <>
        Ask <People refs={holder.owners} /> (owner of {holder.ref}) for access.
      </>
    );
  if (office.length)
    return (
      <>
        Ask the data office (<People refs={office} />) for access.
      </>
    );
  return <>Ask the data office for access.</>;
}

export function NoAccess({
  domain,
  what,
  message,
  children,
}: {
  /** The domain whose assets are withheld, when known. */
  domain?: string | null;
  /** What is withheld, as the sentence needs it: "this dataset", "the incidents of Commerce". */
  what: string;
  /** The server's refusal, shown when the domain is not known (it names the role needed). */
  message?: string;
  /** More to say, after whom to ask. */
  children?: ReactNode;
}) {
  return (
    <div className="note note-warn no-access">
      <p className="note-title">No access</p>
      <p>
        You may not read {what}
        {domain ? (
          <>
            : that needs a role (viewer or more) in <RefLink refText={`domain:${domain}`} /> or a domain above
            it.
          </>
        ) : (
          '.'
        )}
      </p>
      {!domain && message ? <p className="muted small">{message}</p> : null}
      <p>
        <AskForAccess domain={domain} />
      </p>
      {children}
    </div>
  );
}

/**
 * For a page filtered to one domain: "no access" when the user may not read what it holds, since
 * the server then answers with an empty list.
 */
export function DomainFilterAccess({ domain, what }: { domain: string; what: string }) {
  const access = useAccess();
  const { org } = useOrg();
  if (!domain || access.mayRead(domain)) return null;
  return <NoAccess domain={domain} what={`${what} of ${org?.domains.get(domain)?.title ?? domain}`} />;
}
