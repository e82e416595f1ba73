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
  /** Where the key and the base URL came from, for errors that must say which setting to change. */
  readonly sources: SettingSources;
}

/**
 * Where a setting's value came from: an option in the program's code, a stack config key, an
 * environment variable, or the default. Errors name it, never the value.
 */
export type SettingSource =
  | { kind: "option"; name: string }
  | { kind: "config"; name: string }
  | { kind: "env"; name: string }
  | { kind: "default" };

/** Where the two settings that errors speak of came from. */
export interface SettingSources {
  managementKey: SettingSource;
  baseUrl: SettingSource;
}

/** Reads one stack config value, e.g. `"openrouter:baseUrl"`; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/** Settings a program passes in code (the lookups' options); they win over stack config and environment. */
export interface ProgramOptions {
  baseUrl?: unknown;
  managementKey?: unknown;
}

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
/** Where OpenRouter's dashboard makes management keys. */
export const MANAGEMENT_KEYS_PAGE = "https://openrouter.ai/settings/management-keys";

/**
 * Resolves the settings from the program's options first (lookups only), then stack
 * config, then the environment, then defaults (README "Configuration"). Throws
 * `OpenRouterConfigError` naming where a bad value came from and what to do, never the
 * value when it could be a secret.
 */
export function resolveSettings(config: ConfigLookup, env: NodeJS.ProcessEnv = process.env, options: ProgramOptions = {}): Settings {
  const key = pick(config, env, "managementKey", ["OPENROUTER_MANAGEMENT_KEY", "OPENROUTER_API_KEY"], options.managementKey);
  if (key === undefined) {
    throw new OpenRouterConfigError(
      "No OpenRouter management key: set the stack config secret openrouter:managementKey " +
        "(pulumi config set --secret openrouter:managementKey <key>) or the environment variable " +
        "OPENROUTER_MANAGEMENT_KEY (OPENROUTER_API_KEY is read last). A management key is made in " +
        `OpenRouter's dashboard at ${MANAGEMENT_KEYS_PAGE}; an inference key cannot manage workspaces.`,
    );
  }
  const base = pick(config, env, "baseUrl", ["OPENROUTER_BASE_URL"], options.baseUrl) ?? { value: DEFAULT_BASE_URL, source: { kind: "default" } };
  const baseUrl = checkBaseUrl(base.value, base.source);
  const count = (name: string, variable: string, fallback: number, max: number) =>
    parseCount(pick(config, env, name, [variable]), fallback, max);
  const batchSize = count("batchSize", "OPENROUTER_BATCH_SIZE", DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE);
  const concurrency = count("concurrency", "OPENROUTER_CONCURRENCY", DEFAULT_CONCURRENCY, 16);
  // Tuning knobs for unusual networks and for tests that inject faults; 0 means "unset".
  const optional = (name: string, variable: string, max: number) => count(name, variable, 0, max) || undefined;
  const retry: Partial<RetryPolicy> = {};
  const maxAttempts = optional("maxAttempts", "OPENROUTER_MAX_ATTEMPTS", 20);
  const maxTotalWaitMs = optional("maxRetryWaitMs", "OPENROUTER_MAX_RETRY_WAIT_MS", 3_600_000);
  const baseDelayMs = optional("retryBaseDelayMs", "OPENROUTER_RETRY_BASE_DELAY_MS", 60_000);
  if (maxAttempts !== undefined) retry.maxAttempts = maxAttempts;
  if (maxTotalWaitMs !== undefined) retry.maxTotalWaitMs = maxTotalWaitMs;
  if (baseDelayMs !== undefined) retry.baseDelayMs = baseDelayMs;
  const timeoutMs = optional("timeoutMs", "OPENROUTER_TIMEOUT_MS", 600_000);
  const sources: SettingSources = { managementKey: key.source, baseUrl: base.source };
  const settings = { baseUrl, batchSize, concurrency, retry, ...(timeoutMs === undefined ? {} : { timeoutMs }), sources } as Settings;
  Object.defineProperty(settings, "managementKey", { value: key.value, enumerable: false });
  return Object.freeze(settings);
}

/**
 * Validates a base URL and returns it without a trailing slash. Plain `http://` is refused
 * unless the host is loopback: the key would otherwise cross the network in clear text.
 */
export function checkBaseUrl(value: string, source: SettingSource = { kind: "config", name: "openrouter:baseUrl" }): string {
  const url = parseApiUrl(value, source);
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new OpenRouterConfigError(
      `${describeSource(source)} uses plain http to ${url.origin}, which is not a loopback host: the key would cross ` +
        "the network unencrypted. Use https://, or 127.0.0.1 or localhost for the emulator.",
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The shape every API root must have, whoever gives it (a setting, or the client's
 * `baseUrl` option): an http(s) URL without credentials, query or fragment. Errors name
 * `source` and show at most the URL's origin and path: a URL in the wrong place may hold a
 * key, and the errors of a preview land in pull request comments.
 */
export function parseApiUrl(value: string, source: SettingSource): URL {
  const where = describeSource(source);
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    const key = looksLikeKey(value) ? ` It looks like an API key, which belongs in ${keySettingBeside(source)}.` : "";
    throw new OpenRouterConfigError(
      `${where} is not a URL (its value is not shown: it could be a secret). Set it to the API's root, ` +
        `such as ${DEFAULT_BASE_URL}.${key}`,
      { cause: error },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OpenRouterConfigError(
      `${where} must start with https:// (its value is not shown: it could be a secret); plain http:// is accepted ` +
        `only for a loopback host such as the emulator. OpenRouter's API root is ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.username || url.password) {
    throw new OpenRouterConfigError(
      `${where} must not carry a user name or password (its value is not shown); the key belongs in ${keySettingBeside(source)}.`,
    );
  }
  if (url.search || url.hash) {
    throw new OpenRouterConfigError(
      `${where} must not have a query or fragment (not shown: it could hold a secret); set it to ${showUrl(url)} alone.`,
    );
  }
  return url;
}

/** Where a setting came from, as errors name it: `stack config openrouter:baseUrl`, ... */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case "option":
      return `the program option ${source.name}`;
    case "config":
      return `stack config ${source.name}`;
    case "env":
      return `the environment variable ${source.name}`;
    case "default":
      return "the default";
  }
}

/** A URL as a message may show it: origin and path, never credentials, query or fragment. */
export function showUrl(url: URL): string {
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * What to do about a key the service refused, naming the setting that holds it; undefined
 * when there is nothing to add to the service's words. A 403 is also what the default
 * workspace answers to any member change, so it is explained only for a key read from
 * OPENROUTER_API_KEY, the variable inference keys usually live in.
 */
export function refusedKeyAdvice(status: number, source: SettingSource): string | undefined {
  if (status === 401) {
    return `The management key in ${describeSource(source)} was not accepted: set it to a current management key (made at ${MANAGEMENT_KEYS_PAGE}).`;
  }
  if (status === 403 && source.kind === "env" && source.name === "OPENROUTER_API_KEY") {
    return (
      "The key was read from OPENROUTER_API_KEY, which usually holds an inference key; this needs a management key " +
      `(made at ${MANAGEMENT_KEYS_PAGE}): set it in the stack config secret openrouter:managementKey ` +
      "or the environment variable OPENROUTER_MANAGEMENT_KEY, which are read first."
    );
  }
  return undefined;
}

/**
 * Why a base URL is judged wrong: a route that every OpenRouter API root serves answered
 * 404 as well as the request that failed.
 */
export function wrongBaseUrlMessage(failed: { method: string; path: string }, baseUrl: URL, source: SettingSource): string {
  return (
    `The base URL ${showUrl(baseUrl)} (${describeSource(source)}) looks wrong: ${failed.method} ${failed.path} answered 404, ` +
    "and so did GET /workspaces, which every OpenRouter API root serves, so the 404 is not taken to mean that anything is gone. " +
    `Set it to the API's root, which ends in /api/v1: OpenRouter's is ${DEFAULT_BASE_URL}; the emulator prints its own when it starts.`
  );
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

/** A setting's value and where it came from: the program's option, then stack config, then each variable in turn. */
function pick(
  config: ConfigLookup,
  env: NodeJS.ProcessEnv,
  name: string,
  variables: readonly string[],
  option?: unknown,
): { value: string; source: SettingSource } | undefined {
  if (option !== undefined && option !== null) {
    if (typeof option !== "string") throw new OpenRouterConfigError(wrongOptionType(name, option));
    if (option.trim() !== "") return { value: option, source: { kind: "option", name } };
  }
  const configKey = `openrouter:${name}`;
  const configured = config(configKey);
  if (isSet(configured)) return { value: configured, source: { kind: "config", name: configKey } };
  for (const variable of variables) {
    const value = env[variable];
    if (isSet(value)) return { value, source: { kind: "env", name: variable } };
  }
  return undefined;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** A program option that is not a string: what it is instead (never its value) and what to pass. */
function wrongOptionType(name: string, value: unknown): string {
  const isOutput = typeof value === "object" && typeof (value as { apply?: unknown }).apply === "function";
  const what = isOutput ? "a Pulumi Output" : value instanceof URL ? "a URL object" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
  const instead = isOutput
    ? `; lookups need the plain value: leave ${name} out to read openrouter:${name} from stack config, or pass a string`
    : value instanceof URL
      ? "; pass its text (url.href)"
      : `; pass a string, or leave it out to read openrouter:${name} from stack config or the environment`;
  return `The program option ${name} must be a string, not ${what}${instead}.`;
}

/** The setting a key belongs in, beside one where a key was found by mistake. */
function keySettingBeside(source: SettingSource): string {
  switch (source.kind) {
    case "option":
      return "the program option managementKey";
    case "env":
      return "the environment variable OPENROUTER_MANAGEMENT_KEY";
    default:
      return (
        "the stack config secret openrouter:managementKey (pulumi config set --secret); a value set without --secret sits in " +
        "the stack's file in plain text: remove it, and replace the key if that file was shared"
      );
  }
}

function looksLikeKey(value: string): boolean {
  return /^\s*sk-/i.test(value);
}

/**
 * A whole number setting from 1 to `max`. The value is quoted back only when it reads as a
 * number: anything else could be a secret pasted into the wrong place.
 */
function parseCount(setting: { value: string; source: SettingSource } | undefined, fallback: number, max: number): number {
  if (setting === undefined) return fallback;
  const value = Number(setting.value.trim());
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const shown = /^\s*[-+0-9.eE]{1,24}\s*$/.test(setting.value) ? `, not ${JSON.stringify(setting.value)}` : " (its value is not shown)";
    const unset = fallback > 0 ? `unset it for the default (${fallback})` : "unset it to keep the default";
    throw new OpenRouterConfigError(`${describeSource(setting.source)} must be a whole number from 1 to ${max}${shown}: change it, or ${unset}.`);
  }
  return value;
}
