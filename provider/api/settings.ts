import { OpenRouterConfigError } from "../core/errors";
import type { RetryPolicy } from "./retry";

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
 * (DESIGN.md "Configuration"). Throws `OpenRouterConfigError` naming every place a missing
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
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OpenRouterConfigError(`openrouter:baseUrl ${JSON.stringify(value)} is not a URL.`);
  }
  if (url.username || url.password) {
    throw new OpenRouterConfigError("openrouter:baseUrl must not carry credentials; set openrouter:managementKey instead.");
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new OpenRouterConfigError(
      `openrouter:baseUrl ${JSON.stringify(url.origin)} uses plain http to a host that is not loopback; use https.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OpenRouterConfigError(`openrouter:baseUrl ${JSON.stringify(value)} must be an http(s) URL.`);
  }
  if (url.search || url.hash) {
    throw new OpenRouterConfigError(`openrouter:baseUrl ${JSON.stringify(value)} must not have a query or fragment.`);
  }
  return url.href.replace(/\/+$/, "");
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
