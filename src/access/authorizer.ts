/**
 * Who may do what: one function per question, each answering with the permission that is missing
 * and for which ref, so every denial explains itself. The data office may do everything; the local
 * administrator (the CLI on its own embedded store) too.
 */
import type { AccessGuard, ValuesTarget } from '../catalog/access-guard.js';
import { NotAllowedError } from '../model/errors.js';
import { clearanceRules, valuesWithheldReason } from './clearance.js';
import { type AccessView, type DomainRole, domainsWith, isDataOffice, roleIn, strength } from './roles.js';

export interface Principal {
  ref: string;
  /** The CLI acting on its own embedded store: the machine's owner. */
  localAdmin?: boolean;
}

export interface Target {
  ref: string;
  kind: string;
  domain: string | null;
  /** For a Domain: its parent (a new sub-domain is created by the parent's owners). */
  parent?: string | null;
}

/** What writing each kind needs: the data office, or a role in the domain the asset lives in. */
export function writeRequirement(t: Target): { role: DomainRole | 'data-office'; domain: string | null } {
  switch (t.kind) {
    case 'Charter':
    case 'User':
      return { role: 'data-office', domain: null };
    case 'Domain':
      // A top-level domain is the data office's; a sub-domain belongs to its parent's owners.
      return t.parent ? { role: 'domain-owner', domain: t.parent } : { role: 'data-office', domain: null };
    case 'Policy':
    case 'GlossaryTerm':
      if (!t.domain) return { role: 'data-office', domain: null };
      return { role: t.kind === 'Policy' ? 'domain-owner' : 'steward', domain: t.domain };
    case 'Team':
      return { role: 'domain-owner', domain: t.domain };
    default:
      return { role: 'contributor', domain: t.domain };
  }
}

export class Authorizer implements AccessGuard {
  constructor(
    readonly view: AccessView,
    readonly principal: Principal,
  ) {}

  get isAdmin(): boolean {
    return Boolean(this.principal.localAdmin) || isDataOffice(this.view, this.principal.ref);
  }

  private role(domain: string | null): DomainRole | undefined {
    return roleIn(this.view, this.principal.ref, domain);
  }

  canWrite(t: Target): boolean {
    if (this.isAdmin) return true;
    const need = writeRequirement(t);
    if (need.role === 'data-office') return false;
    return strength(this.role(need.domain)) >= strength(need.role);
  }

  /** Throws with the missing permission for the first target that may not be written. */
  requireWrite(targets: readonly Target[]): void {
    const refused = targets.filter((t) => !this.canWrite(t));
    if (!refused.length) return;
    const lines = refused.map((t) => {
      const need = writeRequirement(t);
      return need.role === 'data-office'
        ? `${t.ref}: it needs the data office`
        : `${t.ref}: it needs ${need.role} on domain:${need.domain}`;
    });
    throw new NotAllowedError(`${this.principal.ref} may not write ${lines.join('; ')}`, { refused: lines });
  }

  /**
   * Org-wide things (the charter, users, charter policies, the org glossary) and the domain tree
   * itself are visible to everyone signed in; what lives in a domain needs viewer or more there.
   */
  canRead(t: { kind: string; domain: string | null; ref: string }): boolean {
    if (this.isAdmin || t.kind === 'Domain' || !t.domain) return true;
    return strength(this.role(t.domain)) >= strength('viewer');
  }

  requireRead(t: { kind: string; domain: string | null; ref: string }): void {
    if (!this.canRead(t)) {
      // The domain in the details too: a client can say whom to ask without reading the message.
      throw new NotAllowedError(
        `${this.principal.ref} may not read ${t.ref}: it needs viewer on domain:${t.domain}`,
        { ref: t.ref, domain: t.domain, needs: 'viewer' },
      );
    }
  }

  /** Domains whose assets this principal may read; undefined means all. */
  readableDomains(): Set<string> | undefined {
    return this.isAdmin ? undefined : domainsWith(this.view, this.principal.ref, 'viewer');
  }

  /** Why the caller may not see this asset's data values (its clearance is too low), or undefined. */
  valuesWithheld(t: ValuesTarget): string | undefined {
    if (this.isAdmin) return undefined;
    return valuesWithheldReason(this.view.clearance ?? clearanceRules(undefined), this.role(t.domain), t);
  }

  requireDataOffice(what: string): void {
    if (!this.isAdmin)
      throw new NotAllowedError(`${this.principal.ref} may not ${what}: it needs the data office`);
  }
}
