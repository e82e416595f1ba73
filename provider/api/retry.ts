/**
 * When to retry a failed request and how long to wait first: pure functions of the failure,
 * the policy and a random source, so every rule is table-tested without a clock or a server.
 *
 * Every route the client calls is safe to send again after a lost answer:
 * - GET, PATCH (same fields again) and DELETE (a second delete of a gone workspace is a
 *   404, which the caller already treats as done) are idempotent;
 * - bulk add: re-adding a member only confirms the membership (`added_count` counts it as
 *   "created or updated", never an error), so a replay cannot double-apply;
 * - bulk remove: removing a user who is no longer a member is not an error
 *   (`removed_count` only counts real removals), so a replay is harmless;
 * - a budget's PUT sets the same limit again, and its DELETE succeeds when there is none;
 * - guardrail assignment: assigning a member to the guardrail it is on is idempotent, and
 *   unassigning one who is not assigned removes nothing;
 * - POST /workspaces is the exception (a replay after a lost 201 is refused, "slug taken"):
 *   never a duplicate, since slugs are unique, and the Workspace lifecycle settles it by
 *   looking the slug up (workspace/lifecycle.ts `create`).
 *
 * Imports only the error family, so it can be loaded anywhere cheaply.
 */
import { OpenRouterApiError, OpenRouterNetworkError, OpenRouterResponseError, OpenRouterTimeoutError } from "../core/errors";

/** How hard the client tries. Every field is configurable through the client's `retry` option. */
export interface RetryPolicy {
  /** Requests sent at most, the first included (1 disables retries). */
  maxAttempts: number;
  /** Backoff before the first retry; doubles with each further retry. */
  baseDelayMs: number;
  /** Cap of one backoff wait (a server's `Retry-After` may ask for longer, within the budget). */
  maxDelayMs: number;
  /** Cap of all waits of one call together; a `Retry-After` beyond what is left gives up at once. */
  maxTotalWaitMs: number;
  /** `"equal"`: wait between half and all of the backoff; `"full"`: between a floor and all of it. */
  jitter: "equal" | "full";
}

/** The defaults: at most 6 attempts, 250 ms doubling to 8 s, at most 60 s of waiting in all. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxTotalWaitMs: 60000,
  jitter: "equal",
});

/** Response headers as a `Headers` object or a plain record (undici's shape). */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One failed attempt, as the retry rules see it. */
export interface RetryFailure {
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Network or timeout code (`ECONNRESET`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`, ...), when none did. */
  errorCode?: string;
  /** Number of the attempt that failed, starting at 1. */
  attempt: number;
  /** The answer's headers (for `Retry-After`, `retry-after-ms`). */
  headers?: HeadersLike;
  /** Time already spent waiting between earlier attempts of this call. */
  elapsedWaitMs: number;
}

/**
 * Whether a failed attempt may still have changed something at the service. A refusal (3xx,
 * 4xx) changed nothing; anything else (no answer, a timeout, a 5xx, an unreadable 2xx) was
 * sent and may have been carried out.
 */
export function attemptMayHaveApplied(failure: Pick<RetryFailure, "status">): boolean {
  return failure.status === undefined || !(failure.status >= 300 && failure.status < 500);
}

/** The outcome of the rules: wait and retry, or stop (with the reason, for the error message). */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; rule: GiveUpRule; reason: string };

/** Which rule ended the retries: the failure is final, or a bound was reached. */
export type GiveUpRule = "not-retryable" | "attempts" | "budget" | "retry-after";

/** Statuses worth another attempt: the service or its edge may answer differently soon. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Network and timeout codes worth another attempt. `ENOTFOUND` is left out: a misspelt host
 * does not heal, while `EAI_AGAIN` is the resolver's "try again".
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Decides whether to retry a failed attempt and how long to wait; the rules are in order, one comment each. */
export function decideRetry(
  failure: RetryFailure,
  policy: RetryPolicy,
  random: () => number,
  now: number = Date.now(),
): RetryDecision {
  const what = failure.status !== undefined ? `HTTP ${failure.status}` : (failure.errorCode ?? "an unknown failure");
  // 1. A failure nobody can fix by waiting (401 bad key, 403, 400, 404, ...) is final at once.
  const retryable =
    failure.status !== undefined ? RETRYABLE_STATUSES.has(failure.status) : RETRYABLE_ERROR_CODES.has(failure.errorCode ?? "");
  if (!retryable) return { retry: false, rule: "not-retryable", reason: `${what} is not retried` };
  // 2. Bounded attempts: the policy's count includes the first request.
  if (failure.attempt >= policy.maxAttempts) {
    return { retry: false, rule: "attempts", reason: `${what}: all ${policy.maxAttempts} attempts used` };
  }
  const remainingMs = policy.maxTotalWaitMs - failure.elapsedWaitMs;
  // 3. Bounded total wait: once the budget is spent, stop.
  if (remainingMs <= 0) {
    return { retry: false, rule: "budget", reason: `${what}: retry wait budget of ${policy.maxTotalWaitMs} ms spent` };
  }
  // 4. The server said how long to wait: honour it exactly, or give up now if it is longer
  //    than what is left of the budget (sleeping less would only earn another 429).
  const serverDelayMs = failure.headers !== undefined ? retryAfterMs(failure.headers, now) : undefined;
  if (serverDelayMs !== undefined) {
    if (serverDelayMs > remainingMs) {
      return {
        retry: false,
        rule: "retry-after",
        reason: `the service asked to wait ${serverDelayMs} ms (Retry-After), more than the ${remainingMs} ms left of the retry wait budget (maxTotalWaitMs ${policy.maxTotalWaitMs})`,
      };
    }
    return { retry: true, delayMs: serverDelayMs, reason: `${what}, Retry-After ${serverDelayMs} ms` };
  }
  // 5. Otherwise exponential backoff, jittered so that parallel callers spread out, never
  //    beyond what is left of the budget.
  return { retry: true, delayMs: Math.min(backoffDelayMs(failure.attempt, policy, random), remainingMs), reason: what };
}

/**
 * Backoff after failed attempt `attempt` (1-based): `baseDelayMs * 2^(attempt-1)` capped at
 * `maxDelayMs`, jittered, and floored at half the base delay so a retry never fires at once.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
  const jittered = policy.jitter === "full" ? ceiling * random() : ceiling / 2 + (ceiling / 2) * random();
  return Math.round(Math.max(jittered, Math.min(policy.baseDelayMs, ceiling) / 2));
}

/**
 * The wait the server asks for, in ms: `retry-after-ms` (OpenAI-style, fractional ms
 * allowed) first, then `Retry-After` as delta-seconds or an HTTP date (RFC 9110 10.2.3). A
 * date in the past means "now" (0). Unparseable values are ignored.
 */
export function retryAfterMs(headers: HeadersLike, now: number = Date.now()): number | undefined {
  const milliseconds = headerValue(headers, "retry-after-ms");
  if (milliseconds !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) {
    return Math.ceil(Number(milliseconds));
  }
  const retryAfter = headerValue(headers, "retry-after");
  if (retryAfter === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(retryAfter)) return Number(retryAfter) * 1000;
  // V8's Date.parse accepts "-1" or "1.5" as dates; an HTTP date always names its month.
  if (!/[a-z]{3}/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/**
 * Whether a change that failed with `error`, after the client's own retries, may go through
 * when run again later with nothing else changed: the service or the network failed (a
 * status or code worth another attempt, any 5xx, a timeout, an answer that could not be
 * read). A refusal (any other 4xx), a bad setting or argument, a host that does not resolve,
 * or anything unknown is not: something must change first, and no message may promise that
 * a rerun finishes the job.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof OpenRouterApiError) return error.status >= 500 || RETRYABLE_STATUSES.has(error.status);
  if (error instanceof OpenRouterNetworkError) return error.code === undefined || RETRYABLE_ERROR_CODES.has(error.code);
  return error instanceof OpenRouterTimeoutError || error instanceof OpenRouterResponseError;
}
