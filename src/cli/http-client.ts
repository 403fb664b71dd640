/**
 * The catalog API over HTTP (`--server URL`): the same operations as the local catalog, so every
 * command works against a running server. Error bodies become the same error classes.
 */

import type { VerifyResult } from '../audit/audit-chain.js';
import type { ApplyResult } from '../catalog/apply.js';
import type {
  ApplyRequest,
  AssetListItem,
  CatalogApi,
  CatalogBackup,
  ExportOptions,
  ListOptions,
} from '../catalog/catalog-api.js';
import { errorFromWire, InputError, RefusedError, UnavailableError } from '../model/errors.js';
import type { CharterDoc } from '../model/kinds/charter-kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type {
  ComplianceQuery,
  ComplianceReport,
  PolicyTestResult,
  WaiverState,
  WaiverView,
} from '../policy/governance.js';
import type { GovernanceApi } from '../policy/governance-api.js';
import type {
  ApprovalRow,
  ApprovalState,
  AssetRow,
  AuditRecord,
  SearchHit,
  VersionRow,
} from '../store/catalog-store.js';
import type { ManifestFile } from './files.js';

/** `?a=1&b=2` of the parameters given (undefined, null and empty ones are left out), or nothing. */
export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * An error the server answered with, as the CLI says it: a refused sign-in without a token also
 * says how to give one from here.
 */
export function serverError(
  error: { name: string; message: string; details?: Record<string, unknown> },
  hasToken: boolean,
): Error {
  const message =
    error.name === 'AuthenticationError' && !hasToken
      ? `${error.message}. From the CLI: --token TOKEN, or set CHARTER_TOKEN`
      : error.message;
  return errorFromWire(error.name, message, error.details);
}

/**
 * A running server, as every HTTP client of the CLI talks to it (catalog and governance here, lineage
 * and quality in their command files): one request as the caller (the token, else the actor header),
 * its JSON answer, and an error answer read back into the error class the local store would throw.
 */
export class ServerConnection {
  private readonly base: string;

  constructor(
    server: string,
    private readonly actor: string,
    /** An API token (`--token`, CHARTER_TOKEN): the server then knows the caller from it. */
    private readonly token?: string,
  ) {
    this.base = server.replace(/\/+$/, '');
  }

  /** A string body is sent as it is (NDJSON, for one), anything else as JSON. */
  async call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : { 'x-charter-actor': this.actor }),
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': contentType } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new UnavailableError(
        `The Charter server at ${this.base} could not be reached: ${(error as Error).cause ?? (error as Error).message} (is it running, and is the URL right?)`,
      );
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok) {
      const err = (data as { error?: { name: string; message: string; details?: Record<string, unknown> } })
        ?.error;
      if (err) throw serverError(err, Boolean(this.token));
      throw new UnavailableError(`The server answered ${response.status} ${response.statusText}`);
    }
    return data as T;
  }
}

/** The catalog API over HTTP. */
export class HttpCatalogClient extends ServerConnection implements CatalogApi {
  /** Files are sent as they are, so the server reports parse problems by file and line. */
  applyFiles(files: ManifestFile[], options: { dryRun?: boolean; domain?: string }): Promise<ApplyResult> {
    return this.call<ApplyResult>('POST', '/api/v1/apply', {
      files: files.map((f) => ({
        name: f.name,
        content: Buffer.from(f.content).toString('base64'),
        encoding: 'base64',
      })),
      ...options,
    }).catch((error) => {
      if ((error instanceof InputError || error instanceof RefusedError) && error.details?.result)
        return error.details.result as ApplyResult;
      throw error;
    });
  }

  apply(request: ApplyRequest): Promise<ApplyResult> {
    return this.call<ApplyResult>('POST', '/api/v1/apply', {
      documents: request.docs.map((d) => d.doc),
      dryRun: request.dryRun,
      domain: request.defaultDomain,
    }).catch((error) => {
      if ((error instanceof InputError || error instanceof RefusedError) && error.details?.result)
        return error.details.result as ApplyResult;
      throw error;
    });
  }

  async list(kind: string, options: ListOptions): Promise<AssetListItem[]> {
    return (
      await this.call<{ items: AssetListItem[] }>('GET', `/api/v1/assets${query({ kind, ...options })}`)
    ).items;
  }

  private asset(ref: string, suffix = '') {
    return `/api/v1/assets/${encodeURIComponent(ref)}${suffix}`;
  }

  get(ref: string) {
    return this.call<{ asset: AssetRow; doc: Record<string, unknown> }>('GET', this.asset(ref));
  }

  describe(ref: string) {
    return this.call<Awaited<ReturnType<CatalogApi['describe']>>>('GET', this.asset(ref, '/describe'));
  }

  async history(ref: string): Promise<VersionRow[]> {
    return (await this.call<{ versions: VersionRow[] }>('GET', this.asset(ref, '/history'))).versions;
  }

  diff(ref: string, from?: number, to?: number) {
    return this.call<Awaited<ReturnType<CatalogApi['diff']>>>(
      'GET',
      this.asset(ref, `/diff${query({ from, to })}`),
    );
  }

  remove(ref: string) {
    return this.call<{ ref: string; version: number; status: 'deleted' }>('DELETE', this.asset(ref));
  }

  async search(
    q: string,
    options: { kind?: string; domain?: string; owner?: string; limit?: number },
  ): Promise<SearchHit[]> {
    return (await this.call<{ hits: SearchHit[] }>('GET', `/api/v1/search${query({ q, ...options })}`)).hits;
  }

  async auditLog(options: { ref?: string; limit?: number; afterSeq?: number }): Promise<AuditRecord[]> {
    const q = query({ ref: options.ref, limit: options.limit, after: options.afterSeq });
    return (await this.call<{ records: AuditRecord[] }>('GET', `/api/v1/audit${q}`)).records;
  }

  auditVerify() {
    return this.call<VerifyResult>('GET', '/api/v1/audit/verify');
  }

  async exportDocs(options: ExportOptions): Promise<Record<string, unknown>[]> {
    return (
      await this.call<{ documents: Record<string, unknown>[] }>(
        'GET',
        `/api/v1/export${query({ ...options, format: 'json' })}`,
      )
    ).documents;
  }

  exportBackup() {
    return this.call<CatalogBackup>('GET', '/api/v1/export?withHistory=true');
  }

  importBackup(backup: CatalogBackup) {
    return this.call<{ versions: number; audit: number }>('POST', '/api/v1/import/backup', backup);
  }

  async stats() {
    return (
      await this.call<{ counts: { kind: string; domain: string | null; count: number }[] }>(
        'GET',
        '/api/v1/stats',
      )
    ).counts;
  }
}

/** Governance operations over HTTP. */
export class HttpGovernanceClient implements GovernanceApi {
  constructor(private readonly http: HttpCatalogClient) {}

  async approvals(filter: { state?: ApprovalState; ref?: string; type?: 'change' | 'waiver' }) {
    return (await this.http.call<{ approvals: ApprovalRow[] }>('GET', `/api/v1/approvals${query(filter)}`))
      .approvals;
  }

  decideApproval(
    idOrRef: string,
    decision: 'approved' | 'rejected',
    _actor: string,
    reason: string | null,
    type?: 'change' | 'waiver',
  ) {
    const verb = decision === 'approved' ? 'approve' : 'reject';
    const base = type === 'waiver' ? 'waivers' : 'approvals';
    return this.http.call<ApprovalRow>(
      'POST',
      `/api/v1/${base}/${encodeURIComponent(idOrRef)}/${verb}`,
      reason ? { reason } : {},
    );
  }

  async waivers(filter: { ref?: string; state?: WaiverState } = {}) {
    return (await this.http.call<{ waivers: WaiverView[] }>('GET', `/api/v1/waivers${query(filter)}`))
      .waivers;
  }

  compliance(filter: ComplianceQuery) {
    return this.http.call<ComplianceReport>('GET', `/api/v1/compliance${query({ ...filter })}`);
  }

  explain(ref: string) {
    return this.http.call<Awaited<ReturnType<GovernanceApi['explain']>>>(
      'GET',
      `/api/v1/policies/explain${query({ ref })}`,
    );
  }

  async testPolicies(docs?: { ref: string; doc: PolicyDoc }[], charter?: CharterDoc) {
    const body = { ...(docs ? { documents: docs.map((d) => d.doc) } : {}), ...(charter ? { charter } : {}) };
    return (await this.http.call<{ results: PolicyTestResult[] }>('POST', '/api/v1/policies/test', body))
      .results;
  }
}
