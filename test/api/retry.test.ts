import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  decideRetry,
  retryAfterMs,
  type RetryFailure,
  type RetryPolicy,
} from "../../provider/api/retry";

const policy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000, maxTotalWaitMs: 10_000, jitter: "equal" };
const half = (): number => 0.5;
const now = Date.parse("2025-10-21T07:28:00Z");
const failure = (fields: Partial<RetryFailure>): RetryFailure => ({ attempt: 1, elapsedWaitMs: 0, ...fields });

/** The wait before the next attempt, or `undefined` to stop: the decision without its reason. */
function nextDelayMs(...args: Parameters<typeof decideRetry>): number | undefined {
  const decision = decideRetry(...args);
  return decision.retry ? decision.delayMs : undefined;
}

describe("decideRetry: when and how long (issue #2, retry rules)", () => {
  it.each<[string, Partial<RetryFailure>, number | undefined]>([
    ["429 waits Retry-After seconds", { status: 429, headers: { "retry-after": "3" } }, 3000],
    ["429 waits until a Retry-After HTTP date", { status: 429, headers: { "retry-after": new Date(now + 5000).toUTCString() } }, 5000],
    ["a Retry-After date in the past means now", { status: 429, headers: { "retry-after": new Date(now - 5000).toUTCString() } }, 0],
    ["429 waits retry-after-ms", { status: 429, headers: { "retry-after-ms": "1500" } }, 1500],
    ["retry-after-ms wins over Retry-After", { status: 429, headers: { "retry-after-ms": "250.4", "retry-after": "9" } }, 251],
    ["an unparseable Retry-After falls back to backoff", { status: 429, headers: { "retry-after": "soon" } }, 75],
    ["429 without Retry-After backs off", { status: 429, headers: {} }, 75],
    ["408 backs off", { status: 408 }, 75],
    ["500 backs off", { status: 500 }, 75],
    ["502 backs off", { status: 502, attempt: 2 }, 150],
    ["503 honours its Retry-After too", { status: 503, headers: { "retry-after": "2" } }, 2000],
    ["504 backs off exponentially", { status: 504, attempt: 3 }, 300],
    ["a connection reset is retried", { errorCode: "ECONNRESET" }, 75],
    ["a dropped socket is retried", { errorCode: "UND_ERR_SOCKET" }, 75],
    ["a refused connection is retried", { errorCode: "ECONNREFUSED" }, 75],
    ["a headers timeout is retried", { errorCode: "UND_ERR_HEADERS_TIMEOUT" }, 75],
    ["a body timeout is retried", { errorCode: "UND_ERR_BODY_TIMEOUT" }, 75],
    ["a connect timeout is retried", { errorCode: "UND_ERR_CONNECT_TIMEOUT" }, 75],
    ["401 is tried once", { status: 401 }, undefined],
    ["400 is not retried", { status: 400 }, undefined],
    ["403 is not retried", { status: 403 }, undefined],
    ["404 is not retried", { status: 404 }, undefined],
    ["a 3xx is not retried", { status: 302 }, undefined],
    ["an unknown host is not retried", { errorCode: "ENOTFOUND" }, undefined],
    ["a failure without status or code is not retried", {}, undefined],
    ["attempts exhausted", { status: 503, attempt: 6 }, undefined],
    ["total wait exhausted", { status: 503, attempt: 2, elapsedWaitMs: 10_000 }, undefined],
    ["Retry-After beyond the remaining budget gives up at once", { status: 429, elapsedWaitMs: 8000, headers: { "retry-after": "3" } }, undefined],
    ["Retry-After exactly the remaining budget is honoured", { status: 429, elapsedWaitMs: 7000, headers: { "retry-after": "3" } }, 3000],
    ["backoff is clamped to the remaining budget", { status: 500, attempt: 3, elapsedWaitMs: 9990 }, 10],
    ["backoff is capped at maxDelayMs", { status: 500, attempt: 5, elapsedWaitMs: 0 }, 1000 / 2 + 1000 / 4],
  ])("%s", (_name, fields, expected) => {
    expect(nextDelayMs(failure(fields), policy, half, now)).toBe(expected);
  });

  it("reads Retry-After from a Headers object as well as a record", () => {
    expect(nextDelayMs(failure({ status: 429, headers: new Headers({ "Retry-After": "4" }) }), policy, half, now)).toBe(4000);
    expect(nextDelayMs(failure({ status: 429, headers: { "Retry-After": "4" } }), policy, half, now)).toBe(4000);
  });
});

describe("decideRetry reasons", () => {
  it.each<[string, Partial<RetryFailure>, string, RegExp]>([
    ["not retryable", { status: 400 }, "not-retryable", /HTTP 400 is not retried/],
    ["attempts", { status: 503, attempt: 6 }, "attempts", /all 6 attempts used/],
    ["budget", { errorCode: "ECONNRESET", elapsedWaitMs: 10_000 }, "budget", /budget of 10000 ms spent/],
    ["retry-after", { status: 429, elapsedWaitMs: 9000, headers: { "retry-after": "120" } }, "retry-after", /asked to wait 120000 ms .*1000 ms left/],
  ])("names the rule that stopped retries: %s", (_name, fields, rule, reason) => {
    const decision = decideRetry(failure(fields), policy, half, now);
    expect(decision).toEqual({ retry: false, rule, reason: expect.stringMatching(reason) });
  });

  it("says why it retries", () => {
    expect(decideRetry(failure({ status: 429, headers: { "retry-after": "1" } }), policy, half, now)).toEqual({
      retry: true,
      delayMs: 1000,
      reason: "HTTP 429, Retry-After 1000 ms",
    });
  });
});

describe("backoffDelayMs", () => {
  it.each<[RetryPolicy["jitter"], number, number, number]>([
    ["equal", 1, 0, 50],
    ["equal", 1, 0.999, 100],
    ["equal", 4, 0, 400],
    ["equal", 4, 0.999, 800],
    ["full", 4, 0.5, 400],
    ["full", 4, 0, 50],
    ["full", 20, 0.999, 999],
  ])("%s jitter, attempt %d, random %d -> %d ms", (jitter, attempt, random, expected) => {
    expect(backoffDelayMs(attempt, { ...policy, jitter }, () => random)).toBe(expected);
  });

  it("keeps the default policy's waits within its 60 s budget", () => {
    const worst = [1, 2, 3, 4, 5].reduce((sum, attempt) => sum + backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, () => 0.999999), 0);
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 8000, maxTotalWaitMs: 60000, jitter: "equal" });
    expect(worst).toBe(250 + 500 + 1000 + 2000 + 4000);
  });
});

describe("retryAfterMs", () => {
  it.each<[Record<string, string>, number | undefined]>([
    [{}, undefined],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": " 7 " }, 7000],
    [{ "retry-after": "-1" }, undefined],
    [{ "retry-after": "1.5" }, undefined],
    [{ "retry-after-ms": "abc", "retry-after": "2" }, 2000],
    [{ "retry-after": "Tue, 21 Oct 2025 07:28:10 GMT" }, 10_000],
  ])("%j -> %s", (headers, expected) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});
