/**
 * `OpenRouterClient`: one method per route of the OpenRouter API, and the loop that sends
 * each call's attempts (transport.ts) and asks the pure `decideRetry` (retry.ts) whether to
 * try again and how long to wait. Knows nothing of Pulumi or of the resources.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { OpenRouterArgumentError, OpenRouterConfigError, OpenRouterNotFoundError, OpenRouterResponseError } from "../core/errors";
import { budgetPath, checkUserIds, segment } from "./arguments";
import { BaseUrlProof, PROOF_PATH } from "./base-url";
import { notify, type RequestEvent, type RetryEvent } from "./events";
import { collect, paginate } from "./paginate";
import { DEFAULT_RETRY_POLICY, attemptMayHaveApplied, decideRetry, type RetryPolicy } from "./retry";
import {
  checkRetryPolicy,
  checkTimeouts,
  parseApiUrl,
  refusedKeyAdvice,
  requirePositive,
  requireWhole,
  type SettingSource,
  type SettingSources,
} from "./settings";
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUTS, Transport, type AttemptFailure, type ClientTimeouts } from "./transport";
import {
  type AddMembersResult,
  type BudgetAnswer,
  type BudgetInterval,
  type Guardrail,
  type GuardrailAssignment,
  type Membership,
  type OrganizationMember,
  type RemoveMembersResult,
  type Workspace,
  type WorkspaceBudgets,
  type WorkspaceFields,
} from "./types";
import {
  WireAddMembersResult,
  WireAssignResult,
  WireAssignmentPage,
  WireBudgetEnvelope,
  WireBudgetList,
  WireDeleteResult,
  WireGuardrailEnvelope,
  WireMemberPage,
  WireOrganizationMemberPage,
  WireRemoveMembersResult,
  WireUnassignResult,
  WireWorkspaceEnvelope,
  WireWorkspacePage,
  parseWire,
  toAddMembersResult,
  toAssignment,
  toBudgetAnswer,
  toBudgets,
  toGuardrail,
  toMembership,
  toOrganizationMember,
  toRemoveMembersResult,
  toWireWorkspaceFields,
  toWorkspace,
  type Page,
} from "./wire";

export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUTS, type ClientTimeouts } from "./transport";
export type { RequestEvent, RetryEvent } from "./events";

/** Page size asked of list routes: the service's maximum. */
export const PAGE_LIMIT = 100;

/** Options of `new OpenRouterClient(...)`. */
export interface OpenRouterClientOptions {
  /** API root, e.g. `https://openrouter.ai/api/v1`; route paths are appended to it. */
  baseUrl: string;
  /** Management key, sent as `Authorization: Bearer ...`; never stored on errors or events. */
  managementKey: string;
  /** Overrides of {@link DEFAULT_RETRY_POLICY}. */
  retry?: Partial<RetryPolicy>;
  /** Overrides of {@link DEFAULT_TIMEOUTS}. */
  timeouts?: ClientTimeouts;
  /** Connections the pool may open to the service (default 8): the ceiling of useful `concurrency`. */
  connections?: number;
  /** Largest response body read (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
  /** Called after every attempt (logging, progress, demos). Exceptions it throws are ignored. */
  onRequest?: (event: RequestEvent) => void;
  /** Called before every wait for a retry. Exceptions it throws are ignored. */
  onRetry?: (event: RetryEvent) => void;
  /** Random source of the backoff jitter, in [0, 1); tests pin it. */
  random?: () => number;
  /**
   * Where `baseUrl` and `managementKey` were set (stack config, environment, ...), so that
   * errors about them name the setting to change. Default: the program options of these names.
   */
  sources?: Partial<SettingSources>;
}

/** Options of the list methods. */
export interface ListOptions {
  /**
   * Pages fetched at once after the first (default 1: one after another). With more, the
   * offsets are planned from the first page's `total_count` and length, so members added
   * while the listing runs may be missed beyond that total unless a later page reports a
   * larger one.
   */
  concurrency?: number;
}

/** The OpenRouter workspace API. Create one per provider call site; `close()` it when done. */
export class OpenRouterClient {
  readonly #transport: Transport;
  readonly #policy: RetryPolicy;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #random: () => number;
  readonly #keySource: SettingSource;
  readonly #baseUrlProof: BaseUrlProof;

  constructor(options: OpenRouterClientOptions) {
    const baseSource = options.sources?.baseUrl ?? { kind: "option", name: "baseUrl" };
    const base = parseApiUrl(options.baseUrl, baseSource);
    if (typeof options.managementKey !== "string" || options.managementKey.trim() === "") {
      throw new OpenRouterConfigError("managementKey is missing or blank");
    }
    if ([...options.managementKey].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
      // The value is not echoed: it is (nearly) a secret.
      throw new OpenRouterConfigError("managementKey contains a line break or other control character");
    }
    this.#policy = checkRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...definedOnly(options.retry ?? {}) });
    this.#onRequest = options.onRequest;
    this.#onRetry = options.onRetry;
    this.#random = options.random ?? Math.random;
    this.#keySource = options.sources?.managementKey ?? { kind: "option", name: "managementKey" };
    const probe = async (): Promise<void> => void parseWire(WireWorkspacePage, await this.#send("GET", PROOF_PATH, undefined, false), "GET", PROOF_PATH);
    this.#baseUrlProof = new BaseUrlProof(probe, base, baseSource);
    this.#transport = new Transport({
      base,
      authorization: `Bearer ${options.managementKey.trim()}`,
      timeouts: checkTimeouts({ ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) }),
      maxResponseBytes: requirePositive("maxResponseBytes", options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
      connections: requirePositive("connections", options.connections ?? 8),
    });
  }

  /** `GET /workspaces/{idOrSlug}`. An absent workspace is an `OpenRouterApiError` with status 404. */
  async getWorkspace(idOrSlug: string): Promise<Workspace> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}`;
    return toWorkspace(parseWire(WireWorkspaceEnvelope, await this.#send("GET", path), "GET", path).data);
  }

  /** `GET /workspaces`, page after page (100 a page). */
  listWorkspacePages(options: ListOptions = {}): AsyncIterable<Workspace[]> {
    return this.#paginate("/workspaces", options, (body, path) => {
      const page = parseWire(WireWorkspacePage, body, "GET", path);
      return { items: page.data.map(toWorkspace), totalCount: page.total_count };
    });
  }

  /** Every workspace of the organization. */
  async listWorkspaces(options: ListOptions = {}): Promise<Workspace[]> {
    return collect(this.listWorkspacePages(options));
  }

  /** `POST /workspaces`. */
  async createWorkspace(fields: WorkspaceFields): Promise<Workspace> {
    const path = "/workspaces";
    const body = await this.#send("POST", path, toWireWorkspaceFields(fields));
    return toWorkspace(parseWire(WireWorkspaceEnvelope, body, "POST", path).data);
  }

  /** `PATCH /workspaces/{idOrSlug}`: sends only the fields given. */
  async updateWorkspace(idOrSlug: string, patch: Partial<WorkspaceFields>): Promise<Workspace> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}`;
    const body = await this.#send("PATCH", path, toWireWorkspaceFields(patch));
    return toWorkspace(parseWire(WireWorkspaceEnvelope, body, "PATCH", path).data);
  }

  /** `DELETE /workspaces/{idOrSlug}`. An answer of `{ "deleted": false }` is an `OpenRouterResponseError`. */
  async deleteWorkspace(idOrSlug: string): Promise<void> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}`;
    const body = await this.#send("DELETE", path);
    const result = parseWire(WireDeleteResult, body ?? {}, "DELETE", path);
    if (result.deleted === false) {
      throw new OpenRouterResponseError(`DELETE ${path}: the service answered "deleted": false`, { method: "DELETE", path });
    }
  }

  /**
   * `GET /workspaces/{idOrSlug}/members`, page after page, asking `limit=100`. The service
   * may answer shorter pages than asked: the listing ends at `total_count` or an empty page,
   * and each offset follows what actually arrived.
   */
  listMemberPages(idOrSlug: string, options: ListOptions = {}): AsyncIterable<Membership[]> {
    const route = `/workspaces/${segment("idOrSlug", idOrSlug)}/members`;
    return this.#paginate(route, options, (body, path) => {
      const page = parseWire(WireMemberPage, body, "GET", path);
      return { items: page.data.map(toMembership), totalCount: page.total_count };
    });
  }

  /** Every member of the workspace. */
  async listMembers(idOrSlug: string, options: ListOptions = {}): Promise<Membership[]> {
    return collect(this.listMemberPages(idOrSlug, options));
  }

  /**
   * `POST /workspaces/{idOrSlug}/members/add`: ONE request; the caller chunks. Only the
   * memberships in the answer are facts: the service may return fewer than asked.
   */
  async addMembers(idOrSlug: string, userIds: readonly string[]): Promise<AddMembersResult> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}/members/add`;
    const body = await this.#send("POST", path, { user_ids: checkUserIds(userIds, "addMembers") });
    return toAddMembersResult(parseWire(WireAddMembersResult, body, "POST", path));
  }

  /** `POST /workspaces/{idOrSlug}/members/remove`: ONE request; the caller chunks. */
  async removeMembers(idOrSlug: string, userIds: readonly string[]): Promise<RemoveMembersResult> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}/members/remove`;
    const body = await this.#send("POST", path, { user_ids: checkUserIds(userIds, "removeMembers") });
    return toRemoveMembersResult(parseWire(WireRemoveMembersResult, body, "POST", path));
  }

  /** `GET /organization/members`, page after page (100 a page): the organization's directory. */
  listOrganizationMemberPages(options: ListOptions = {}): AsyncIterable<OrganizationMember[]> {
    return this.#paginate("/organization/members", options, (body, path) => {
      const page = parseWire(WireOrganizationMemberPage, body, "GET", path);
      return { items: page.data.map(toOrganizationMember), totalCount: page.total_count };
    });
  }

  /** Every member of the organization. */
  async listOrganizationMembers(options: ListOptions = {}): Promise<OrganizationMember[]> {
    return collect(this.listOrganizationMemberPages(options));
  }

  /** `GET /workspaces/{idOrSlug}/budgets`: every budget of the workspace (no paging), and the BYOK flag. */
  async listBudgets(idOrSlug: string): Promise<WorkspaceBudgets> {
    const path = `/workspaces/${segment("idOrSlug", idOrSlug)}/budgets`;
    return toBudgets(parseWire(WireBudgetList, await this.#send("GET", path), "GET", path));
  }

  /** `GET /workspaces/{idOrSlug}/budgets/{interval}`. No budget for that interval is an `OpenRouterNotFoundError`. */
  async getBudget(idOrSlug: string, interval: BudgetInterval): Promise<BudgetAnswer> {
    const path = budgetPath(idOrSlug, interval);
    return toBudgetAnswer(parseWire(WireBudgetEnvelope, await this.#send("GET", path), "GET", path));
  }

  /**
   * `PUT /workspaces/{idOrSlug}/budgets/{interval}`: creates or updates that budget. The BYOK
   * flag applies to the whole workspace; left out, it stays as it is.
   */
  async putBudget(
    idOrSlug: string,
    interval: BudgetInterval,
    budget: { limitUsd: number; includeByokInBudgets?: boolean },
  ): Promise<BudgetAnswer> {
    const path = budgetPath(idOrSlug, interval);
    if (typeof budget.limitUsd !== "number" || !Number.isFinite(budget.limitUsd) || budget.limitUsd <= 0) {
      throw new OpenRouterArgumentError(`putBudget: limitUsd must be a number above 0, got ${JSON.stringify(budget.limitUsd)}`);
    }
    const body = {
      limit_usd: budget.limitUsd,
      ...(budget.includeByokInBudgets === undefined ? {} : { include_byok_in_budgets: budget.includeByokInBudgets }),
    };
    return toBudgetAnswer(parseWire(WireBudgetEnvelope, await this.#send("PUT", path, body), "PUT", path));
  }

  /** `DELETE /workspaces/{idOrSlug}/budgets/{interval}`; deleting a budget that does not exist succeeds. */
  async deleteBudget(idOrSlug: string, interval: BudgetInterval): Promise<void> {
    const path = budgetPath(idOrSlug, interval);
    const result = parseWire(WireDeleteResult, (await this.#send("DELETE", path)) ?? {}, "DELETE", path);
    if (result.deleted === false) {
      throw new OpenRouterResponseError(`DELETE ${path}: the service answered "deleted": false`, { method: "DELETE", path });
    }
  }

  /** `GET /guardrails/{id}`. An absent guardrail is an `OpenRouterNotFoundError`. */
  async getGuardrail(guardrailId: string): Promise<Guardrail> {
    const path = `/guardrails/${segment("guardrailId", guardrailId)}`;
    return toGuardrail(parseWire(WireGuardrailEnvelope, await this.#send("GET", path), "GET", path).data);
  }

  /** `GET /guardrails/{id}/assignments/members`, page after page: the guardrail's direct members. */
  listAssignmentPages(guardrailId: string, options: ListOptions = {}): AsyncIterable<GuardrailAssignment[]> {
    const route = `/guardrails/${segment("guardrailId", guardrailId)}/assignments/members`;
    return this.#paginate(route, options, (body, path) => {
      const page = parseWire(WireAssignmentPage, body, "GET", path);
      return { items: page.data.map(toAssignment), totalCount: page.total_count };
    });
  }

  /** Every member assigned directly to the guardrail. */
  async listAssignments(guardrailId: string, options: ListOptions = {}): Promise<GuardrailAssignment[]> {
    return collect(this.listAssignmentPages(guardrailId, options));
  }

  /**
   * `POST /guardrails/{id}/assignments/members`: ONE request; the caller chunks. The answer
   * holds only a count, never the assignments: a listing confirms them.
   */
  async assignMembers(guardrailId: string, userIds: readonly string[]): Promise<{ assignedCount: number }> {
    const path = `/guardrails/${segment("guardrailId", guardrailId)}/assignments/members`;
    const body = await this.#send("POST", path, { member_user_ids: checkUserIds(userIds, "assignMembers") });
    return { assignedCount: parseWire(WireAssignResult, body, "POST", path).assigned_count };
  }

  /** `POST /guardrails/{id}/assignments/members/remove`: ONE request; the caller chunks. */
  async unassignMembers(guardrailId: string, userIds: readonly string[]): Promise<{ unassignedCount: number }> {
    const path = `/guardrails/${segment("guardrailId", guardrailId)}/assignments/members/remove`;
    const body = await this.#send("POST", path, { member_user_ids: checkUserIds(userIds, "unassignMembers") });
    return { unassignedCount: parseWire(WireUnassignResult, body, "POST", path).unassigned_count };
  }

  /** Destroys the connection pool; requests still running fail. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  #paginate<T>(
    route: string,
    options: ListOptions,
    parsePage: (body: unknown, path: string) => Page<T>,
  ): AsyncIterable<T[]> {
    const concurrency = requireWhole("concurrency", options.concurrency ?? 1, 1);
    const fetchPage = async (offset: number): Promise<Page<T>> => {
      const path = `${route}?offset=${offset}&limit=${PAGE_LIMIT}`;
      return parsePage(await this.#send("GET", path), path);
    };
    return { [Symbol.asyncIterator]: () => paginate(fetchPage, concurrency) };
  }

  /**
   * Sends one call's attempts. A 404 is handed on only once the base URL is proven right
   * (base-url.ts), unless this call is that proof (`proveNotFound` false).
   */
  async #send(method: string, path: string, requestBody?: unknown, proveNotFound = true): Promise<unknown> {
    let elapsedWaitMs = 0;
    // Judged over every attempt: a bulk add whose answer was lost and whose retry was then
    // rate limited did add its users.
    let mayHaveApplied = false;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const outcome = await this.#transport.attempt(method, path, requestBody);
      notify(this.#onRequest, {
        method,
        path,
        attempt,
        ...(outcome.ok ? { status: outcome.status } : outcomeFields(outcome.failure)),
        durationMs: Math.round(performance.now() - started),
      });
      if (outcome.ok) return outcome.body;
      mayHaveApplied ||= attemptMayHaveApplied(outcome.failure);
      const decision = decideRetry({ ...outcome.failure, attempt, elapsedWaitMs }, this.#policy, this.#random);
      if (!decision.retry) {
        const note = decision.rule === "budget" || decision.rule === "retry-after" ? decision.reason : undefined;
        const status = outcome.failure.status;
        const advice = status === undefined ? undefined : refusedKeyAdvice(status, this.#keySource);
        const error = outcome.toError({ attempts: attempt, mayHaveApplied, ...(note !== undefined ? { note } : {}) }, advice);
        if (proveNotFound && error instanceof OpenRouterNotFoundError) await this.#baseUrlProof.check(error);
        throw error;
      }
      notify(this.#onRetry, { method, path, attempt, delayMs: decision.delayMs, reason: decision.reason });
      await sleep(decision.delayMs);
      elapsedWaitMs += decision.delayMs;
    }
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function outcomeFields(failure: AttemptFailure): { status?: number; errorCode?: string } {
  return {
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.errorCode !== undefined ? { errorCode: failure.errorCode } : {}),
  };
}
