/**
 * `resolveSettings` (README "Configuration"): stack config first, then the environment,
 * then defaults; every bad value named with where it can be set; the key never enumerable.
 */
import { inspect } from "node:util";
import { OpenRouterConfigError } from "../../provider/core/errors";
import { DEFAULT_BASE_URL, MAX_BATCH_SIZE, checkBaseUrl, resolveSettings, type ConfigLookup } from "../../provider/api/settings";

const KEY = "sk-or-v1-settings-test-key-0123456789";
const config = (values: Record<string, string>): ConfigLookup => (key) => values[key];
const noConfig = config({});

describe("the management key", () => {
  it.each<[string, Record<string, string>, NodeJS.ProcessEnv, string]>([
    ["stack config over both variables", { "openrouter:managementKey": "from-config" }, { OPENROUTER_MANAGEMENT_KEY: "mgmt", OPENROUTER_API_KEY: "api" }, "from-config"],
    ["OPENROUTER_MANAGEMENT_KEY over OPENROUTER_API_KEY", {}, { OPENROUTER_MANAGEMENT_KEY: "mgmt", OPENROUTER_API_KEY: "api" }, "mgmt"],
    ["OPENROUTER_API_KEY when nothing else is set", {}, { OPENROUTER_API_KEY: "api" }, "api"],
    ["a blank stack config value as unset", { "openrouter:managementKey": "  " }, { OPENROUTER_MANAGEMENT_KEY: "mgmt" }, "mgmt"],
    ["a blank variable as unset", {}, { OPENROUTER_MANAGEMENT_KEY: "", OPENROUTER_API_KEY: "api" }, "api"],
  ])("takes %s", (_name, values, env, expected) => {
    expect(resolveSettings(config(values), env).managementKey).toBe(expected);
  });

  it("is required, and the error names all three places to set it", () => {
    const error = (() => {
      try {
        resolveSettings(noConfig, {});
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OpenRouterConfigError);
    for (const place of ["openrouter:managementKey", "OPENROUTER_MANAGEMENT_KEY", "OPENROUTER_API_KEY"]) {
      expect((error as Error).message).toContain(place);
    }
  });

  it("is not enumerable: absent from JSON, util.inspect, Object.keys and a spread copy", () => {
    const settings = resolveSettings(config({ "openrouter:managementKey": KEY }), {});
    expect(settings.managementKey).toBe(KEY);
    expect(JSON.stringify(settings)).not.toContain(KEY);
    expect(inspect(settings, { depth: 10 })).not.toContain(KEY);
    expect(Object.keys(settings)).not.toContain("managementKey");
    expect(JSON.stringify({ ...settings })).not.toContain(KEY);
    expect(String(settings)).not.toContain(KEY);
  });

  it("cannot be changed on the resolved settings", () => {
    const settings = resolveSettings(config({ "openrouter:managementKey": KEY }), {});
    expect(Object.isFrozen(settings)).toBe(true);
    expect(() => Object.assign(settings, { managementKey: "other" })).toThrow(TypeError);
  });
});

describe("the base URL", () => {
  const withKey = { OPENROUTER_MANAGEMENT_KEY: KEY };

  it("defaults to OpenRouter's API", () => {
    expect(resolveSettings(noConfig, withKey).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it("takes stack config over OPENROUTER_BASE_URL", () => {
    const settings = resolveSettings(config({ "openrouter:baseUrl": "https://a.example/api/v1" }), {
      ...withKey,
      OPENROUTER_BASE_URL: "https://b.example/api/v1",
    });
    expect(settings.baseUrl).toBe("https://a.example/api/v1");
  });

  it.each([
    ["https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1"],
    ["http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080/api/v1"],
    ["http://127.10.20.30/api/v1", "http://127.10.20.30/api/v1"],
    ["http://localhost:9/api/v1//", "http://localhost:9/api/v1"],
    ["http://[::1]:9/api/v1", "http://[::1]:9/api/v1"],
  ])("accepts %s as %s", (given, expected) => {
    expect(checkBaseUrl(given)).toBe(expected);
  });

  it.each<[string, string, RegExp]>([
    ["plain http off loopback", "http://openrouter.ai/api/v1", /"http:\/\/openrouter\.ai" uses plain http to a host that is not loopback; use https/],
    ["plain http to a private address", "http://10.0.0.5/api/v1", /not loopback/],
    ["plain http to a name that merely starts like loopback", "http://127.0.0.1.evil.example/api/v1", /not loopback/],
    ["credentials in the URL", "https://user:pass@openrouter.ai/api/v1", /must not carry credentials/],
    ["a query", "https://openrouter.ai/api/v1?x=1", /must not have a query or fragment/],
    ["a fragment", "https://openrouter.ai/api/v1#x", /must not have a query or fragment/],
    ["another scheme", "ftp://openrouter.ai/api/v1", /must be an http\(s\) URL/],
    ["something that is not a URL", "openrouter.ai/api/v1", /is not a URL/],
  ])("refuses %s, naming openrouter:baseUrl", (_name, value, reason) => {
    expect(() => resolveSettings(config({ "openrouter:baseUrl": value }), withKey)).toThrow(OpenRouterConfigError);
    expect(() => resolveSettings(config({ "openrouter:baseUrl": value }), withKey)).toThrow(reason);
    expect(() => resolveSettings(noConfig, { ...withKey, OPENROUTER_BASE_URL: value })).toThrow(/openrouter:baseUrl/);
  });

  it("never echoes credentials it refuses", () => {
    expect(() => checkBaseUrl("https://user:hunter2@openrouter.ai/api/v1")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });
});

describe("counts: batch size, concurrency and the retry and timeout knobs", () => {
  const withKey = { OPENROUTER_MANAGEMENT_KEY: KEY };

  it("defaults to batches of 100, 4 requests at once, the client's own retry policy and timeouts", () => {
    const settings = resolveSettings(noConfig, withKey);
    expect({ ...settings }).toEqual({ baseUrl: DEFAULT_BASE_URL, batchSize: 100, concurrency: 4, retry: {} });
  });

  it.each([1, 37, MAX_BATCH_SIZE])("accepts a batch size of %d", (size) => {
    expect(resolveSettings(config({ "openrouter:batchSize": String(size) }), withKey).batchSize).toBe(size);
  });

  it("takes the batch size from stack config over OPENROUTER_BATCH_SIZE", () => {
    expect(resolveSettings(config({ "openrouter:batchSize": "7" }), { ...withKey, OPENROUTER_BATCH_SIZE: "9" }).batchSize).toBe(7);
    expect(resolveSettings(noConfig, { ...withKey, OPENROUTER_BATCH_SIZE: " 9 " }).batchSize).toBe(9);
  });

  it.each(["0", "101", "2.5", "-1", "ten", "1e2x"])("refuses a batch size of %j, naming both places and the value", (value) => {
    expect(() => resolveSettings(config({ "openrouter:batchSize": value }), withKey)).toThrow(
      new OpenRouterConfigError(`openrouter:batchSize / OPENROUTER_BATCH_SIZE must be a whole number from 1 to 100, not ${JSON.stringify(value)}.`),
    );
  });

  it("bounds concurrency to 1..16", () => {
    expect(resolveSettings(config({ "openrouter:concurrency": "16" }), withKey).concurrency).toBe(16);
    expect(() => resolveSettings(config({ "openrouter:concurrency": "17" }), withKey)).toThrow(/openrouter:concurrency \/ OPENROUTER_CONCURRENCY must be a whole number from 1 to 16, not "17"/);
  });

  it("maps the retry and timeout knobs onto the client's policy", () => {
    const settings = resolveSettings(noConfig, {
      ...withKey,
      OPENROUTER_MAX_ATTEMPTS: "3",
      OPENROUTER_MAX_RETRY_WAIT_MS: "500",
      OPENROUTER_RETRY_BASE_DELAY_MS: "2",
      OPENROUTER_TIMEOUT_MS: "150",
    });
    expect(settings.retry).toEqual({ maxAttempts: 3, maxTotalWaitMs: 500, baseDelayMs: 2 });
    expect(settings.timeoutMs).toBe(150);
  });

  it("refuses a retry knob out of range, naming it", () => {
    expect(() => resolveSettings(config({ "openrouter:maxAttempts": "21" }), withKey)).toThrow(/openrouter:maxAttempts \/ OPENROUTER_MAX_ATTEMPTS .* not "21"/);
  });
});
