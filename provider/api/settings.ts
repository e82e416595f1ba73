/**
 * Every setting of the package and its rules: the provider's settings resolved from stack
 * config then the environment, and the checks of the client's own options, so that a bad
 * value is refused in one voice wherever it comes from.
 */
import { OpenRouterConfigError } from "../core/errors";
import type { RetryPolicy } from "./retry";
import type { ClientTimeouts } from "./transport";

/** Everything a provider call needs to reach the service. */
export interface Settings {
  /** Never enumerable: it must not reach logs, `JSON.stringify` or `util.inspect`. */
  readonly managementKey: string;
  readonly baseUrl: string;
  readonly batchSize: number;
  /** How many member requests one operation keeps in flight. */
  readonly concurrency: number;
  /** Overrides of the client's retry policy (attempts, waits); unset keeps its defaults. */
  readonly retry: Partial<RetryPolicy>;
  /** Headers and body timeout of one attempt, when set. */
  readonly timeoutMs?: number;
}

/** Reads one stack config value, e.g. `"openrouter:baseUrl"`; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/** The `openrouter:` stack config names the settings are read from. */
export const CONFIG_NAMES = [
  "managementKey",
  "baseUrl",
  "batchSize",
  "concurrency",
  "maxAttempts",
  "maxRetryWaitMs",
  "retryBaseDelayMs",
  "timeoutMs",
] as const;

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_CONCURRENCY = 4;
/** The member routes are only known to be safe with at most 100 `user_ids` a request. */
export const MAX_BATCH_SIZE = 100;

/**
 * Resolves the settings from stack config first, then the environment, then defaults
 * (README "Configuration"). Throws `OpenRouterConfigError` naming every place a missing
 * or bad value can be set.
 */
export function resolveSettings(config: ConfigLookup, env: NodeJS.ProcessEnv = process.env): Settings {
  const managementKey = firstSet(config("openrouter:managementKey"), env.OPENROUTER_MANAGEMENT_KEY, env.OPENROUTER_API_KEY);
  if (managementKey === undefined) {
    throw new OpenRouterConfigError(
      "No OpenRouter management key: set the stack config secret `openrouter:managementKey` " +
        "(pulumi config set --secret openrouter:managementKey ...) or the environment variable " +
        "OPENROUTER_MANAGEMENT_KEY or OPENROUTER_API_KEY.",
    );
  }
  const baseUrl = checkBaseUrl(firstSet(config("openrouter:baseUrl"), env.OPENROUTER_BASE_URL) ?? DEFAULT_BASE_URL);
  const setting = (key: string, variable: string) => firstSet(config(`openrouter:${key}`), env[variable]);
  const count = (key: string, variable: string, fallback: number, max: number) =>
    parseCount(setting(key, variable), `openrouter:${key} / ${variable}`, fallback, max);
  const batchSize = count("batchSize", "OPENROUTER_BATCH_SIZE", DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE);
  const concurrency = count("concurrency", "OPENROUTER_CONCURRENCY", DEFAULT_CONCURRENCY, 16);
  // Tuning knobs for unusual networks and for tests that inject faults; 0 means "unset".
  const optional = (key: string, variable: string, max: number) => count(key, variable, 0, max) || undefined;
  const retry: Partial<RetryPolicy> = {};
  const maxAttempts = optional("maxAttempts", "OPENROUTER_MAX_ATTEMPTS", 20);
  const maxTotalWaitMs = optional("maxRetryWaitMs", "OPENROUTER_MAX_RETRY_WAIT_MS", 3_600_000);
  const baseDelayMs = optional("retryBaseDelayMs", "OPENROUTER_RETRY_BASE_DELAY_MS", 60_000);
  if (maxAttempts !== undefined) retry.maxAttempts = maxAttempts;
  if (maxTotalWaitMs !== undefined) retry.maxTotalWaitMs = maxTotalWaitMs;
  if (baseDelayMs !== undefined) retry.baseDelayMs = baseDelayMs;
  const timeoutMs = optional("timeoutMs", "OPENROUTER_TIMEOUT_MS", 600_000);
  const settings = { baseUrl, batchSize, concurrency, retry, ...(timeoutMs === undefined ? {} : { timeoutMs }) } as Settings;
  Object.defineProperty(settings, "managementKey", { value: managementKey, enumerable: false });
  return Object.freeze(settings);
}

/**
 * Validates a base URL and returns it without a trailing slash. Plain `http://` is refused
 * unless the host is loopback: the key would otherwise cross the network in clear text.
 */
export function checkBaseUrl(value: string): string {
  const url = parseApiUrl(value, "openrouter:baseUrl");
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new OpenRouterConfigError(
      `openrouter:baseUrl ${JSON.stringify(url.origin)} uses plain http to a host that is not loopback; use https.`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The shape every API root must have, whoever gives it (a setting, or the client's
 * `baseUrl` option): an http(s) URL without credentials, query or fragment. `name` names
 * where it came from in the error.
 */
export function parseApiUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new OpenRouterConfigError(`${name} ${JSON.stringify(value)} is not a URL.`, { cause: error });
  }
  if (url.username || url.password) {
    throw new OpenRouterConfigError(`${name} must not carry credentials; set openrouter:managementKey instead.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OpenRouterConfigError(`${name} ${JSON.stringify(value)} must be an http(s) URL.`);
  }
  if (url.search || url.hash) {
    throw new OpenRouterConfigError(`${name} ${JSON.stringify(value)} must not have a query or fragment.`);
  }
  return url;
}

/** A retry policy's fields, checked; returns it. */
export function checkRetryPolicy(policy: RetryPolicy): RetryPolicy {
  requireWhole("retry.maxAttempts", policy.maxAttempts, 1);
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

/** Timeouts, checked (each a positive number of milliseconds); returns them. */
export function checkTimeouts(timeouts: Required<ClientTimeouts>): Required<ClientTimeouts> {
  for (const field of ["connectMs", "headersMs", "bodyMs"] as const) requirePositive(`timeouts.${field}`, timeouts[field]);
  return timeouts;
}

/** `value` if it is a finite number above 0, else a config error naming `name`. */
export function requirePositive(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new OpenRouterConfigError(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `value` if it is a whole number from `min` (to `max`), else a config error naming `name`. */
export function requireWhole(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new OpenRouterConfigError(`${name} must be a whole number ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}

function parseCount(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new OpenRouterConfigError(`${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(raw)}.`);
  }
  return value;
}
