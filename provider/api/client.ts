/**
 * `OpenRouterClient`: one method per route of the OpenRouter workspace API, over one
 * keep-alive undici connection pool, with retries, timeouts and a cap on response size.
 *
 * Why a small retry loop here rather than undici's `RetryAgent`: undici's retry handler
 * resumes a body that failed mid-way with a `Range` request (meaningless for this JSON API),
 * cannot retry a failure it learns of only after handing the response on (a body timeout, a
 * body cut short), has no total wait budget, and ignores `retry-after-ms`. The loop below
 * reads each whole body itself and asks the pure `decideRetry` (retry.ts) what to do.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import {
  OpenRouterArgumentError,
  OpenRouterConfigError,
  OpenRouterError,
  OpenRouterNetworkError,
  OpenRouterResponseError,
  OpenRouterTimeoutError,
  fromResponse,
  isErrorBody,
  type RetrySummary,
  type TimeoutPhase,
} from "../core/errors";
import { DEFAULT_RETRY_POLICY, attemptMayHaveApplied, decideRetry, type RetryFailure, type RetryPolicy } from "./retry";
import type { AddMembersResult, Membership, RemoveMembersResult, Workspace, WorkspaceFields } from "./types";
import { USER_AGENT } from "../version";
import {
  WireAddMembersResult,
  WireDeleteResult,
  WireMemberPage,
  WireRemoveMembersResult,
  WireWorkspaceEnvelope,
  WireWorkspacePage,
  parseWire,
  toAddMembersResult,
  toMembership,
  toRemoveMembersResult,
  toWireWorkspaceFields,
  toWorkspace,
  type Page,
} from "./wire";

/** Timeouts of one attempt, in milliseconds. */
export interface ClientTimeouts {
  /** Opening the TCP/TLS connection. Default 10 000. */
  connectMs?: number;
  /**
   * From sending the request to the end of the response headers. Default 30 000. undici
   * checks this and `bodyMs` on a coarse clock: they fire up to about a second late.
   */
  headersMs?: number;
  /** Longest silence while the body arrives (undici's body timeout is per gap, not total). Default 30 000. */
  bodyMs?: number;
}

/** Default timeouts: 10 s to connect, 30 s for headers, 30 s of body silence. */
export const DEFAULT_TIMEOUTS: Readonly<Required<ClientTimeouts>> = Object.freeze({
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
});

/** Largest response body read by default (10 MiB); a larger one is an `OpenRouterResponseError`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Page size asked of list routes: the service's maximum. */
export const PAGE_LIMIT = 100;

/** One finished attempt (success or failure). Never carries headers, so never the key. */
export interface RequestEvent {
  method: string;
  /** Route path relative to the base URL, query included. */
  path: string;
  /** 1 for the first request of a call, 2 for its first retry, ... */
  attempt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Error code when none did (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, ...). */
  errorCode?: string;
  durationMs: number;
}

/** A decision to wait and send again. */
export interface RetryEvent {
  method: string;
  path: string;
  /** The attempt that failed. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why: `HTTP 503`, `ECONNRESET`, `HTTP 429, Retry-After 1000 ms`, ... */
  reason: string;
}

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

type Outcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; failure: Omit<RetryFailure, "attempt" | "elapsedWaitMs">; toError: (retry: RetrySummary) => OpenRouterError };

/** The OpenRouter workspace API. Create one per provider call site; `close()` it when done. */
export class OpenRouterClient {
  readonly #authorization: string;
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #policy: RetryPolicy;
  readonly #timeouts: Required<ClientTimeouts>;
  readonly #maxResponseBytes: number;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #random: () => number;

  constructor(options: OpenRouterClientOptions) {
    const base = parseBaseUrl(options.baseUrl);
    if (typeof options.managementKey !== "string" || options.managementKey.trim() === "") {
      throw new OpenRouterConfigError("managementKey is missing or blank");
    }
    if ([...options.managementKey].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
      // The value is not echoed: it is (nearly) a secret.
      throw new OpenRouterConfigError("managementKey contains a line break or other control character");
    }
    this.#authorization = `Bearer ${options.managementKey.trim()}`;
    this.#basePath = base.pathname.replace(/\/+$/, "");
    this.#policy = validatePolicy({ ...DEFAULT_RETRY_POLICY, ...definedOnly(options.retry ?? {}) });
    this.#timeouts = validateTimeouts({ ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) });
    this.#maxResponseBytes = positiveNumber("maxResponseBytes", options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const connections = positiveNumber("connections", options.connections ?? 8);
    this.#onRequest = options.onRequest;
    this.#onRetry = options.onRetry;
    this.#random = options.random ?? Math.random;
    this.#pool = new Pool(base.origin, {
      connections,
      connectTimeout: this.#timeouts.connectMs,
      headersTimeout: this.#timeouts.headersMs,
      bodyTimeout: this.#timeouts.bodyMs,
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

  /** Destroys the connection pool; requests still running fail. */
  async close(): Promise<void> {
    if (!this.#pool.destroyed) await this.#pool.destroy();
  }

  #paginate<T>(
    route: string,
    options: ListOptions,
    parsePage: (body: unknown, path: string) => Page<T>,
  ): AsyncIterable<T[]> {
    const concurrency = positiveInteger("concurrency", options.concurrency ?? 1);
    const fetchPage = async (offset: number): Promise<Page<T>> => {
      const path = `${route}?offset=${offset}&limit=${PAGE_LIMIT}`;
      return parsePage(await this.#send("GET", path), path);
    };
    return { [Symbol.asyncIterator]: () => paginate(fetchPage, concurrency) };
  }

  async #send(method: string, path: string, requestBody?: unknown): Promise<unknown> {
    let elapsedWaitMs = 0;
    // Judged over every attempt: a bulk add whose answer was lost and whose retry was then
    // rate limited did add its users.
    let mayHaveApplied = false;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const outcome = await this.#attempt(method, path, requestBody);
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
        throw outcome.toError({ attempts: attempt, mayHaveApplied, ...(note !== undefined ? { note } : {}) });
      }
      notify(this.#onRetry, { method, path, attempt, delayMs: decision.delayMs, reason: decision.reason });
      await sleep(decision.delayMs);
      elapsedWaitMs += decision.delayMs;
    }
  }

  async #attempt(method: string, path: string, requestBody: unknown): Promise<Outcome> {
    const headers: Record<string, string> = {
      authorization: this.#authorization,
      "user-agent": USER_AGENT,
      accept: "application/json",
    };
    if (requestBody !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await this.#pool.request({
        method: method as "GET",
        path: this.#basePath + path,
        headers,
        ...(requestBody !== undefined ? { body: JSON.stringify(requestBody) } : {}),
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      const read = await readCapped(response.body, this.#maxResponseBytes, responseHeaders["content-length"]);
      if (read === undefined) {
        const message = `${method} ${path}: response body larger than ${this.#maxResponseBytes} bytes (maxResponseBytes), not read`;
        return final({ status: 200 }, (retry) => new OpenRouterResponseError(message, { method, path, retry }));
      }
      text = read;
    } catch (error) {
      return this.#transportFailure(error, method, path);
    }
    if (status < 200 || status >= 300) {
      const location = headerString(responseHeaders.location);
      return {
        ok: false,
        failure: { status, headers: responseHeaders },
        toError: (retry) => fromResponse(status, text, method, path, { retry, ...(location ? { location } : {}) }),
      };
    }
    if (text.trim() === "") return { ok: true, status, body: undefined };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const message = `${method} ${path}: response body is not JSON (${status}, ${text.length} characters)`;
      return final({ status }, (retry) => new OpenRouterResponseError(message, { method, path, cause: error, retry }));
    }
    if (isErrorBody(body)) {
      // A success status carrying `{ "error": ... }`: the body's own code decides retrying.
      const embedded = (body as { error: { code?: unknown } }).error.code;
      const retryStatus = typeof embedded === "number" && embedded >= 400 && embedded < 600 ? embedded : status;
      return {
        ok: false,
        failure: { status: retryStatus, headers: responseHeaders },
        toError: (retry) => fromResponse(status, text, method, path, { retry }),
      };
    }
    return { ok: true, status, body };
  }

  #transportFailure(error: unknown, method: string, path: string): Outcome {
    const code = errorCode(error);
    const phase = TIMEOUT_PHASES[code ?? ""];
    if (phase !== undefined) {
      const limit = this.#timeouts[`${phase}Ms`];
      return {
        ok: false,
        failure: { errorCode: code },
        toError: (retry) => new OpenRouterTimeoutError(phase, limit, { method, path, cause: error, retry }),
      };
    }
    const detail = error instanceof Error ? error.message : String(error);
    const message = `${method} ${path}: connection failed${code ? ` (${code})` : ""}: ${detail}`;
    return {
      ok: false,
      failure: code !== undefined ? { errorCode: code } : {},
      toError: (retry) => new OpenRouterNetworkError(message, { method, path, cause: error, retry, ...(code ? { code } : {}) }),
    };
  }
}

const TIMEOUT_PHASES: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

/**
 * Walks pages: sequentially, or (concurrency > 1) by planning the remaining offsets from the
 * first page's length and total and fetching them `concurrency` at a time, yielding in order.
 */
async function* paginate<T>(fetchPage: (offset: number) => Promise<Page<T>>, concurrency: number): AsyncGenerator<T[]> {
  const first = await fetchPage(0);
  if (first.items.length === 0) return;
  yield first.items;
  let offset = first.items.length;
  let total = first.totalCount;
  if (concurrency > 1 && offset < total) {
    const pageSize = offset;
    const ranges: { start: number; end: number }[] = [];
    for (let start = offset; start < total; start += pageSize) ranges.push({ start, end: Math.min(start + pageSize, total) });
    let largestTotal = total;
    // A short page leaves a gap in its range: fill it before moving on, so that no member
    // between two planned offsets is skipped.
    const fetchRange = async ({ start, end }: { start: number; end: number }): Promise<T[]> => {
      const items: T[] = [];
      for (let at = start; at < end; ) {
        const page = await fetchPage(at);
        largestTotal = Math.max(largestTotal, page.totalCount);
        if (page.items.length === 0) break;
        items.push(...page.items.slice(0, end - at));
        at += page.items.length;
      }
      return items;
    };
    const limiter = createLimiter(concurrency);
    const results = ranges.map((range) => limiter.run(() => fetchRange(range)));
    // Results the consumer never awaits (it stopped early, or an earlier one failed) must
    // not become unhandled rejections.
    results.forEach((result) => result.catch(() => undefined));
    try {
      for (const result of results) {
        const items = await result;
        if (items.length > 0) yield items;
      }
    } finally {
      limiter.abandon();
    }
    offset = total;
    total = largestTotal;
  }
  while (offset < total) {
    const page = await fetchPage(offset);
    if (page.items.length === 0) return;
    yield page.items;
    offset += page.items.length;
    total = page.totalCount;
  }
}

/** Runs at most `limit` tasks at once; tasks not yet started when abandoned resolve to `[]`. */
function createLimiter(limit: number): { run<T>(task: () => Promise<T[]>): Promise<T[]>; abandon(): void } {
  let running = 0;
  let abandoned = false;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T[]>): Promise<T[]> {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      if (abandoned) {
        waiting.shift()?.();
        return [];
      }
      running++;
      try {
        return await task();
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    abandon(): void {
      abandoned = true;
    },
  };
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

function final(failure: { status: number }, toError: (retry: RetrySummary) => OpenRouterError): Outcome {
  // Status 200 is never retryable, so these failures end the call at once.
  return { ok: false, failure: { status: failure.status >= 200 && failure.status < 300 ? failure.status : 200 }, toError };
}

/** Reads a body as UTF-8 text, or `undefined` (body discarded) when it exceeds `maxBytes`. */
async function readCapped(
  body: AsyncIterable<Buffer> & Discardable,
  maxBytes: number,
  contentLength: string | string[] | undefined,
): Promise<string | undefined> {
  const declared = Number(headerString(contentLength));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(body);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Discardable {
  on(event: "error", listener: () => void): unknown;
  destroy(): unknown;
}

/** Drops an unread body (and its connection); the abort error this raises is expected. */
function discard(body: Discardable): void {
  body.on("error", () => undefined);
  body.destroy();
}

/**
 * Percent-encodes one path segment. `encodeURIComponent` leaves `.` alone, and a segment of
 * `.` or `..` (even as `%2E%2E`, which URL parsers and proxies normalise) would move the
 * request to another route, so those are refused.
 */
function segment(field: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new OpenRouterArgumentError(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (value === "." || value === "..") {
    throw new OpenRouterArgumentError(`${field} ${JSON.stringify(value)} is not a workspace id or slug`);
  }
  return encodeURIComponent(value);
}

function checkUserIds(userIds: readonly string[], method: string): string[] {
  if (!Array.isArray(userIds)) {
    throw new OpenRouterArgumentError(`${method}: userIds must be an array, got ${typeof userIds}`);
  }
  if (userIds.length === 0) {
    // The service answers 400 "user_ids is required"; an empty chunk is a caller bug.
    throw new OpenRouterArgumentError(`${method}: userIds is empty; send at least one user id per request`);
  }
  userIds.forEach((userId, index) => {
    if (typeof userId !== "string" || userId.trim() === "") {
      throw new OpenRouterArgumentError(`${method}: userIds[${index}] must be a non-empty string, got ${JSON.stringify(userId)}`);
    }
  });
  return [...userIds];
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new OpenRouterConfigError(`baseUrl ${JSON.stringify(baseUrl)} is not a URL`, { cause: error });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OpenRouterConfigError(`baseUrl ${JSON.stringify(baseUrl)} must be http(s)`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new OpenRouterConfigError("baseUrl must not carry credentials, a query or a fragment");
  }
  return url;
}

function validatePolicy(policy: RetryPolicy): RetryPolicy {
  positiveInteger("retry.maxAttempts", policy.maxAttempts);
  for (const field of ["baseDelayMs", "maxDelayMs", "maxTotalWaitMs"] as const) {
    if (typeof policy[field] !== "number" || !Number.isFinite(policy[field]) || policy[field] < 0) {
      throw new OpenRouterConfigError(`retry.${field} must be a number >= 0, got ${JSON.stringify(policy[field])}`);
    }
  }
  if (policy.jitter !== "equal" && policy.jitter !== "full") {
    throw new OpenRouterConfigError(`retry.jitter must be "equal" or "full", got ${JSON.stringify(policy.jitter)}`);
  }
  return policy;
}

function validateTimeouts(timeouts: Required<ClientTimeouts>): Required<ClientTimeouts> {
  for (const field of ["connectMs", "headersMs", "bodyMs"] as const) positiveNumber(`timeouts.${field}`, timeouts[field]);
  return timeouts;
}

function positiveNumber(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new OpenRouterConfigError(`${field} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new OpenRouterConfigError(`${field} must be an integer >= 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function outcomeFields(failure: Omit<RetryFailure, "attempt" | "elapsedWaitMs">): { status?: number; errorCode?: string } {
  return {
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.errorCode !== undefined ? { errorCode: failure.errorCode } : {}),
  };
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function notify<Event>(listener: ((event: Event) => void) | undefined, event: Event): void {
  try {
    listener?.(event);
  } catch {
    // A logging hook must never change the outcome of a request.
  }
}
