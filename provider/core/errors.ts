/**
 * The package's error family: every error it throws for something a user or the service
 * did is an `OpenRouterError`; the subclasses say what went wrong (the service said no or
 * has no such thing, the network failed, a timeout, a body we cannot use, bad settings or
 * arguments, a change that did not finish, a removal limit, budgets out of order, a guardrail
 * that takes no members, a members file). Failures carry their facts as fields (`status`, `path`, `userIds`, `problems`,
 * ...): callers read those, never the wording. A `TypeError` or `RangeError` from this
 * package means a bug in it.
 *
 * No error ever holds the management key: errors are built from the method, the route path
 * (relative to the base URL, query included) and the response, never from request headers.
 *
 * This module imports nothing (no zod, no undici), so any module may load it cheaply.
 */

/** What the client knows about the attempts behind an error, for its message. */
export interface RetrySummary {
  /** How many requests were sent, 1 when the first answer was final. */
  attempts: number;
  /** Why the client stopped retrying, when that is worth telling (budget spent, ...). */
  note?: string;
  /**
   * Some attempt may have changed something at the service (it was sent and not refused).
   * A refusal on the last attempt does not undo an earlier one that went through.
   */
  mayHaveApplied?: boolean;
}

/** Options shared by every error of the family. */
export interface OpenRouterErrorOptions {
  /** HTTP method of the request, e.g. `POST`. */
  method?: string;
  /** Route path relative to the base URL, e.g. `/workspaces/ws/members/add`. */
  path?: string;
  /** The underlying error (socket error, JSON syntax error, ...). */
  cause?: unknown;
  /** Attempts made before giving up. */
  retry?: RetrySummary;
  /** What the user can do about it (which setting to change), appended to the message. */
  advice?: string;
}

/**
 * Marks every error of the family, so that {@link isOpenRouterError} recognises one made by
 * another copy of this module (two installed versions of the package, or the per-process
 * copies tests load) where `instanceof` cannot.
 */
const FAMILY = Symbol.for("pulumi-openrouter.OpenRouterError");

/** Base class of every error the package throws. */
export class OpenRouterError extends Error {
  /** See {@link isOpenRouterError}. */
  readonly [FAMILY] = true;
  /** HTTP method of the failed request, when there was one. */
  readonly method?: string;
  /** Route path (relative to the base URL, query included) of the failed request. */
  readonly path?: string;
  /** Requests sent before the client gave up (1 when not retried). */
  readonly attempts?: number;
  /** Set by the client: whether any attempt may have changed something (see {@link RetrySummary}). */
  readonly mayHaveApplied?: boolean;

  constructor(message: string, options: OpenRouterErrorOptions = {}) {
    const advice = options.advice === undefined ? "" : `. ${options.advice}`;
    super(withRetrySummary(message, options.retry) + advice, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.method !== undefined) this.method = options.method;
    if (options.path !== undefined) this.path = options.path;
    if (options.retry !== undefined) this.attempts = options.retry.attempts;
    if (options.retry?.mayHaveApplied !== undefined) this.mayHaveApplied = options.retry.mayHaveApplied;
  }
}

/** Fields an `OpenRouterApiError` takes from the response. */
export interface OpenRouterApiErrorFields extends OpenRouterErrorOptions {
  status: number;
  code: number | string;
  serviceMessage: string;
  userIds?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * The service answered with a non-2xx status (or a 2xx whose body is an error, or a
 * redirect, which is never followed so that the key cannot travel to another host).
 *
 * `message` starts with the service's own message and ends with the request line, e.g.
 * `Cannot modify members of the default workspace (403 POST /workspaces/ws/members/add)`.
 * Pulumi prints only `error.message` for a failed resource, so the status and route must be
 * in it for a user to act on the failure; the service's words come first because they are
 * what the user needs most. The bare service text is in `serviceMessage`.
 */
export class OpenRouterApiError extends OpenRouterError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The body's `error.code` when present (the service uses the HTTP status), else `status`. */
  readonly code: number | string;
  /** The service's message as it sent it (or a description when the body had none). */
  readonly serviceMessage: string;
  /** Users the service names in the body (`user_id`, `metadata.user_ids`), if any. */
  readonly userIds?: string[];
  /** The body's `error.metadata`, if any. */
  readonly metadata?: Record<string, unknown>;
  declare readonly method: string;
  declare readonly path: string;

  constructor(fields: OpenRouterApiErrorFields) {
    super(`${fields.serviceMessage} (${fields.status} ${fields.method ?? "?"} ${fields.path ?? "?"})`, fields);
    this.status = fields.status;
    this.code = fields.code;
    this.serviceMessage = fields.serviceMessage;
    if (fields.userIds !== undefined) this.userIds = fields.userIds;
    if (fields.metadata !== undefined) this.metadata = fields.metadata;
  }

  /**
   * Which of `candidates` this refusal names: in the body's fields, or (the service lists
   * refused users in its message, e.g. members with active API keys) as a whole word of its
   * message. The one place that reads the service's wording for data.
   */
  usersNamed(candidates: readonly string[]): string[] {
    const named = new Set(this.userIds ?? []);
    const text = `${this.serviceMessage} ${JSON.stringify(this.metadata ?? {})}`;
    return candidates.filter((userId) => named.has(userId) || mentions(text, userId));
  }
}

/** The service answered 404 under a base URL the client proved right first (api/base-url.ts): what the request named does not exist. */
export class OpenRouterNotFoundError extends OpenRouterApiError {}

/** The connection failed: refused, reset, or dropped before a whole answer arrived. */
export class OpenRouterNetworkError extends OpenRouterError {
  /** The system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly code?: string;

  constructor(message: string, options: OpenRouterErrorOptions & { code?: string }) {
    super(message, options);
    if (options.code !== undefined) this.code = options.code;
  }
}

/** Which wait ran out: opening the connection, the response headers, or the body. */
export type TimeoutPhase = "connect" | "headers" | "body";

/** A request took longer than a configured timeout. */
export class OpenRouterTimeoutError extends OpenRouterError {
  /** The phase that timed out. */
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(phase: TimeoutPhase, timeoutMs: number, options: OpenRouterErrorOptions) {
    super(`${options.method ?? "?"} ${options.path ?? "?"}: ${describeTimeout(phase)} within ${timeoutMs} ms (${phase} timeout)`, options);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** A 2xx answer whose body is not what the route promises (not JSON, missing or mistyped fields, too large). */
export class OpenRouterResponseError extends OpenRouterError {}

/** A setting (key, base URL, batch size, timeouts, ...) is missing or invalid. */
export class OpenRouterConfigError extends OpenRouterError {}

/** A client method was called with an argument it cannot send (empty user list, `..` as an id, ...). */
export class OpenRouterArgumentError extends OpenRouterError {}

/**
 * A create, update or delete that did not happen or did not finish. `reasons` holds one
 * line per failure (a {@link PartialFailureError}: its whole message); `unconfirmed` what
 * was sent but neither confirmed nor refuted (its answer was lost, and so was the listing
 * meant to settle it); `retryable` whether running the same operation again may finish it
 * with nothing else changed (false when something must change first, or when nobody can tell).
 */
export class ChangeFailedError extends OpenRouterError {
  constructor(message: string, readonly reasons: string[], readonly unconfirmed: string[] = [], readonly retryable = false) {
    super(message);
  }
}

/**
 * A create or update that changed something and then failed. Pulumi's dynamic-provider
 * plugin turns an error carrying `id` and `properties` into "resource initialization
 * failed" and stores `properties` as the resource's state, so they say exactly what went
 * through (unconfirmed users in `unconfirmedUserIds`). `pulumi up` prints such a failure's
 * `reasons`, never its message, so the one reason is the whole message.
 */
export class PartialFailureError extends ChangeFailedError {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    unconfirmed: string[] = [],
    retryable = false,
  ) {
    super(message, [message], unconfirmed, retryable);
  }
}

/** A change would remove more users than `maxRemovals`; nothing was sent. `userIds`: whom, sorted. */
export class RemovalLimitError extends OpenRouterError {
  constructor(message: string, readonly removeCount: number, readonly maxRemovals: number, readonly userIds: string[] = []) {
    super(message);
  }
}

/**
 * Emails that name no member of the organization (checked against its directory before any
 * change; nothing was sent). `emails` lists each, lower-cased, with the directory's email it
 * most likely misspells when one is near.
 */
export class UnknownEmailError extends OpenRouterError {
  constructor(
    message: string,
    readonly emails: readonly { email: string; closest?: string }[],
  ) {
    super(message);
  }
}

/**
 * A guardrail that takes no member assignments (`why`: a workspace's default guardrail, or
 * a legacy one with no workspace), refused before any change.
 */
export class GuardrailRefusedError extends OpenRouterError {
  constructor(message: string, readonly guardrailId: string, readonly why: "default" | "no-workspace", readonly workspaceId: string | null) {
    super(message);
  }
}

/** One budget and its limit, as a {@link BudgetOrderError} names it. */
export interface BudgetLimitFact {
  /** `daily`, `weekly`, `monthly` or `lifetime`. */
  interval: string;
  limitUsd: number;
}

/**
 * Workspace budgets that would break the service's rule (limits strictly decrease as the
 * interval narrows): refused before any request. `wider` is the budget whose limit is not
 * above the `narrower` one's.
 */
export class BudgetOrderError extends OpenRouterError {
  constructor(
    message: string,
    readonly conflict: { wider: BudgetLimitFact; narrower: BudgetLimitFact },
  ) {
    super(message);
  }
}

/** One thing wrong with a members file. */
export interface MembersFileProblem {
  /** The entry, e.g. `workspaces.platform.users[3]`; empty for the document as a whole. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/** How many problems a {@link MembersFileError} lists; the rest are counted. */
export const MEMBERS_FILE_PROBLEMS_SHOWN = 20;
/**
 * A members file cannot be read or is not valid. `problems`: the first problems found, at
 * most {@link MEMBERS_FILE_PROBLEMS_SHOWN} (a file from a pull request may hold any number);
 * `omitted`: how many more; `cause`: why a file could not be checked at all.
 */
export class MembersFileError extends OpenRouterError {
  /**
   * The mark of `pulumi.RunError` (which this module cannot import): Pulumi's run script
   * prints a program error carrying it as its message alone, so `pulumi preview` shows the
   * problems instead of an unhandled exception with a stack trace through this package.
   */
  readonly __pulumiRunError = true;
  readonly problems: readonly MembersFileProblem[];
  readonly omitted: number;
  /** `source`: the file name or config key the problems are in; `omitted`: problems found but not described. */
  constructor(readonly source: string, problems: readonly MembersFileProblem[], cause?: unknown, omitted = 0) {
    const shown = problems.slice(0, MEMBERS_FILE_PROBLEMS_SHOWN);
    const more = problems.length - shown.length + omitted;
    const rest = more === 0 ? [] : [`${source}: and ${more} more problem${more === 1 ? "" : "s"}`];
    super([...shown.map((problem) => formatProblem(source, problem)), ...rest].join("\n"), cause === undefined ? {} : { cause });
    this.problems = shown;
    this.omitted = more;
  }
}

function formatProblem(source: string, problem: MembersFileProblem): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}`;
  return problem.path === "" ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/** Whether `error` belongs to this package's error family, whichever copy of the package made it. */
export function isOpenRouterError(error: unknown): error is OpenRouterError {
  return error instanceof OpenRouterError || (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[FAMILY] === true);
}

/**
 * Builds the error for an answer that is not a success. Tolerates any body: JSON of the
 * documented shape `{ error: { code, message, metadata }, user_id }`, JSON of any other
 * shape (`"oops"`, `null`, an array), HTML from a proxy, or nothing at all.
 */
export function fromResponse(
  status: number,
  bodyText: string,
  method: string,
  path: string,
  options: { retry?: RetrySummary; location?: string; advice?: string } = {},
): OpenRouterApiError {
  const body = parseJson(bodyText);
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const serviceMessage =
    (error !== undefined && typeof error.message === "string" && error.message.trim() !== "" ? error.message : undefined) ??
    (isRecord(body) && typeof body.message === "string" && body.message.trim() !== "" ? body.message : undefined) ??
    describeStatus(status, bodyText, options.location);
  const code = error !== undefined && (typeof error.code === "number" || typeof error.code === "string") ? error.code : status;
  const metadata = error !== undefined && isRecord(error.metadata) ? error.metadata : undefined;
  const userIds = collectUserIds(body, metadata);
  const ErrorClass = status === 404 ? OpenRouterNotFoundError : OpenRouterApiError;
  return new ErrorClass({
    status,
    code,
    serviceMessage,
    method,
    path,
    ...(userIds.length > 0 ? { userIds } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(options.advice !== undefined ? { advice: options.advice } : {}),
  });
}

/** True when a parsed 2xx body is shaped like an error (`{ "error": { ... } }`). */
export function isErrorBody(body: unknown): boolean {
  return isRecord(body) && isRecord(body.error);
}

function withRetrySummary(message: string, retry: RetrySummary | undefined): string {
  if (retry === undefined) return message;
  const parts = [retry.attempts > 1 ? `gave up after ${retry.attempts} attempts` : undefined, retry.note].filter(
    (part): part is string => part !== undefined,
  );
  return parts.length === 0 ? message : `${message}; ${parts.join("; ")}`;
}

const TIMEOUT_WORDS: Record<TimeoutPhase, string> = { connect: "could not connect", headers: "no response headers", body: "response body stalled: no data" };

function describeTimeout(phase: TimeoutPhase): string {
  return TIMEOUT_WORDS[phase];
}

function describeStatus(status: number, bodyText: string, location: string | undefined): string {
  if (status >= 300 && status < 400) {
    // Origin and path only: a target's credentials, query and fragment may carry a token.
    const target = location?.replace(/[?#].*$/s, "").replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, "$1").slice(0, 200);
    return `unexpected redirect${target ? ` to ${target}` : ""}, not followed so the key is never sent elsewhere; check the base URL`;
  }
  const snippet = bodyText.trim().replace(/\s+/g, " ").slice(0, 200);
  return snippet === "" ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${snippet}`;
}

function collectUserIds(body: unknown, metadata: Record<string, unknown> | undefined): string[] {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === "string" && value !== "") found.add(value);
    else if (Array.isArray(value)) value.forEach(add);
  };
  for (const source of [isRecord(body) ? body : undefined, metadata]) {
    if (source !== undefined) [source.user_id, source.user_ids].forEach(add);
  }
  return [...found];
}

/** Whether `userId` stands in `text` as a whole id, not inside a longer one. */
function mentions(text: string, userId: string): boolean {
  for (let from = text.indexOf(userId); from !== -1; from = text.indexOf(userId, from + 1)) {
    if (!isIdChar(text[from - 1]) && !isIdChar(text[from + userId.length])) return true;
  }
  return false;
}

function isIdChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_-]/.test(char);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
