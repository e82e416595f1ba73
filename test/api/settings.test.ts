/**
 * `resolveSettings` (README "Configuration"): stack config first, then the environment,
 * then defaults; every bad value named with where it can be set; the key never enumerable.
 */
import { inspect } from "node:util";
import { OpenRouterConfigError } from "../../provider/core/errors";
import { DEFAULT_BASE_URL, MAX_BATCH_SIZE, checkBaseUrl, refusedKeyAdvice, resolveSettings, type ConfigLookup } from "../../provider/api/settings";

const KEY = "sk-or-v1-settings-test-key-0123456789";
const config = (values: Record<string, string>): ConfigLookup => (key) => values[key];
const noConfig = config({});
const withKeyEnv = (): NodeJS.ProcessEnv => ({ OPENROUTER_MANAGEMENT_KEY: KEY });

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
    ["plain http off loopback", "http://openrouter.ai/api/v1", /uses plain http to http:\/\/openrouter\.ai, which is not a loopback host: .* Use https:\/\//],
    ["plain http to a private address", "http://10.0.0.5/api/v1", /not a loopback host/],
    ["plain http to a name that merely starts like loopback", "http://127.0.0.1.evil.example/api/v1", /not a loopback host/],
    ["credentials in the URL", "https://user:pass@openrouter.ai/api/v1", /must not carry a user name or password/],
    ["a query", "https://openrouter.ai/api/v1?x=1", /must not have a query or fragment .*; set it to https:\/\/openrouter\.ai\/api\/v1 alone/],
    ["a fragment", "https://openrouter.ai/api/v1#x", /must not have a query or fragment/],
    ["another scheme", "ftp://openrouter.ai/api/v1", /must start with https:\/\//],
    ["something that is not a URL", "openrouter.ai/api/v1", /is not a URL .* Set it to the API's root, such as https:\/\/openrouter\.ai\/api\/v1\.$/],
  ])("refuses %s, naming the setting it came from", (_name, value, reason) => {
    expect(() => resolveSettings(config({ "openrouter:baseUrl": value }), withKey)).toThrow(OpenRouterConfigError);
    expect(() => resolveSettings(config({ "openrouter:baseUrl": value }), withKey)).toThrow(reason);
    expect(() => resolveSettings(config({ "openrouter:baseUrl": value }), withKey)).toThrow(/^stack config openrouter:baseUrl /);
    expect(() => resolveSettings(noConfig, { ...withKey, OPENROUTER_BASE_URL: value })).toThrow(/^the environment variable OPENROUTER_BASE_URL /);
    expect(() => resolveSettings(noConfig, withKey, { baseUrl: value })).toThrow(/^the program option baseUrl /);
  });

  it("never echoes credentials it refuses", () => {
    expect(() => checkBaseUrl("https://user:hunter2@openrouter.ai/api/v1")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });

  // Issue 16, item 2: previews run in pull requests, whose output lands in PR comments.
  it.each<[string, string]>([
    ["the key itself", KEY],
    ["a key pasted with a space before it", ` ${KEY}`],
    ["the key in a query", `https://openrouter.ai/api/v1?key=${KEY}`],
    ["the key in a fragment", `https://openrouter.ai/api/v1#${KEY}`],
    ["the key as a password", `https://me:${KEY}@openrouter.ai/api/v1`],
    ["the key as a user name", `https://${KEY}@openrouter.ai/api/v1`],
    ["the key as a scheme", `${KEY}://openrouter.ai/api/v1`],
  ])("shows no part of %s when it refuses the base URL", (_name, value) => {
    for (const attempt of [
      () => resolveSettings(config({ "openrouter:baseUrl": value }), withKey),
      () => resolveSettings(noConfig, { ...withKey, OPENROUTER_BASE_URL: value }),
      () => resolveSettings(noConfig, withKey, { baseUrl: value }),
    ]) {
      expect(attempt).toThrow(OpenRouterConfigError);
      expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining(KEY.slice(9, 20)) }));
    }
  });

  it("says a key given as the base URL belongs in the key's setting, beside where it was found", () => {
    expect(() => resolveSettings(config({ "openrouter:baseUrl": KEY }), withKey)).toThrow(
      /It looks like an API key, which belongs in the stack config secret openrouter:managementKey \(pulumi config set --secret\); .* plain text/,
    );
    expect(() => resolveSettings(noConfig, { ...withKey, OPENROUTER_BASE_URL: KEY })).toThrow(
      /It looks like an API key, which belongs in the environment variable OPENROUTER_MANAGEMENT_KEY\.$/,
    );
  });
});

describe("where each value came from (issue 16, item 6)", () => {
  it("records the source of the key and the base URL, never the key", () => {
    expect(resolveSettings(noConfig, { OPENROUTER_API_KEY: KEY }).sources).toEqual({
      managementKey: { kind: "env", name: "OPENROUTER_API_KEY" },
      baseUrl: { kind: "default" },
    });
    expect(resolveSettings(config({ "openrouter:managementKey": KEY, "openrouter:baseUrl": "https://a.example/api/v1" }), {}).sources).toEqual({
      managementKey: { kind: "config", name: "openrouter:managementKey" },
      baseUrl: { kind: "config", name: "openrouter:baseUrl" },
    });
    const fromOptions = resolveSettings(config({ "openrouter:managementKey": "other" }), {}, { managementKey: KEY, baseUrl: "https://b.example/api/v1" });
    expect(fromOptions.managementKey).toBe(KEY);
    expect(fromOptions.sources).toEqual({ managementKey: { kind: "option", name: "managementKey" }, baseUrl: { kind: "option", name: "baseUrl" } });
    expect(JSON.stringify(fromOptions)).not.toContain(KEY);
  });

  it.each<[string, unknown, RegExp]>([
    ["a number", 12345, /^The program option managementKey must be a string, not a number; pass a string, or leave it out/],
    ["a Pulumi Output", { apply: () => undefined }, /^The program option managementKey must be a string, not a Pulumi Output; lookups need the plain value/],
    ["a list", [KEY], /not a list/],
  ])("a key of the wrong type (%s) is a settings error, never a TypeError, and shows nothing of it", (_name, value, reason) => {
    const attempt = () => resolveSettings(noConfig, {}, { managementKey: value });
    expect(attempt).toThrow(OpenRouterConfigError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining(KEY.slice(9, 20)) }));
  });

  it("a base URL given as a URL object is a settings error saying to pass its text", () => {
    expect(() => resolveSettings(noConfig, withKeyEnv(), { baseUrl: new URL("https://openrouter.ai/api/v1") })).toThrow(
      /^The program option baseUrl must be a string, not a URL object; pass its text \(url\.href\)\.$/,
    );
  });

  it("explains a 401 with the setting that holds the key, and a 403 only for a key from OPENROUTER_API_KEY", () => {
    expect(refusedKeyAdvice(401, { kind: "env", name: "OPENROUTER_MANAGEMENT_KEY" })).toBe(
      "The management key in the environment variable OPENROUTER_MANAGEMENT_KEY was not accepted: set it to a current " +
        "management key (made at https://openrouter.ai/settings/management-keys).",
    );
    expect(refusedKeyAdvice(403, { kind: "env", name: "OPENROUTER_API_KEY" })).toMatch(/usually holds an inference key; this needs a management key/);
    // The default workspace answers 403 to any member change, whatever the key.
    expect(refusedKeyAdvice(403, { kind: "config", name: "openrouter:managementKey" })).toBeUndefined();
    expect(refusedKeyAdvice(404, { kind: "env", name: "OPENROUTER_API_KEY" })).toBeUndefined();
  });
});

describe("counts: batch size, concurrency and the retry and timeout knobs", () => {
  const withKey = { OPENROUTER_MANAGEMENT_KEY: KEY };

  it("defaults to batches of 100, 4 requests at once, the client's own retry policy and timeouts", () => {
    const settings = resolveSettings(noConfig, withKey);
    expect({ ...settings }).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      batchSize: 100,
      concurrency: 4,
      retry: {},
      sources: { managementKey: { kind: "env", name: "OPENROUTER_MANAGEMENT_KEY" }, baseUrl: { kind: "default" } },
    });
  });

  it.each([1, 37, MAX_BATCH_SIZE])("accepts a batch size of %d", (size) => {
    expect(resolveSettings(config({ "openrouter:batchSize": String(size) }), withKey).batchSize).toBe(size);
  });

  it("takes the batch size from stack config over OPENROUTER_BATCH_SIZE", () => {
    expect(resolveSettings(config({ "openrouter:batchSize": "7" }), { ...withKey, OPENROUTER_BATCH_SIZE: "9" }).batchSize).toBe(7);
    expect(resolveSettings(noConfig, { ...withKey, OPENROUTER_BATCH_SIZE: " 9 " }).batchSize).toBe(9);
  });

  it.each(["0", "101", "2.5", "-1", "1e9"])("refuses a batch size of %j, naming where it was set, the value and what to do", (value) => {
    const rule = `must be a whole number from 1 to 100, not ${JSON.stringify(value)}: change it, or unset it for the default (100).`;
    expect(() => resolveSettings(config({ "openrouter:batchSize": value }), withKey)).toThrow(
      new OpenRouterConfigError(`stack config openrouter:batchSize ${rule}`),
    );
    expect(() => resolveSettings(noConfig, { ...withKey, OPENROUTER_BATCH_SIZE: value })).toThrow(
      new OpenRouterConfigError(`the environment variable OPENROUTER_BATCH_SIZE ${rule}`),
    );
  });

  it.each(["ten", "1e2x", KEY])("refuses a batch size of %j without quoting what is not a number", (value) => {
    expect(() => resolveSettings(config({ "openrouter:batchSize": value }), withKey)).toThrow(
      new OpenRouterConfigError(
        "stack config openrouter:batchSize must be a whole number from 1 to 100 (its value is not shown): change it, or unset it for the default (100).",
      ),
    );
  });

  it("bounds concurrency to 1..16", () => {
    expect(resolveSettings(config({ "openrouter:concurrency": "16" }), withKey).concurrency).toBe(16);
    expect(() => resolveSettings(config({ "openrouter:concurrency": "17" }), withKey)).toThrow(/^stack config openrouter:concurrency must be a whole number from 1 to 16, not "17"/);
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
    expect(() => resolveSettings(config({ "openrouter:maxAttempts": "21" }), withKey)).toThrow(/^stack config openrouter:maxAttempts must be a whole number from 1 to 20, not "21": change it, or unset it to keep the default\.$/);
  });
});
