/**
 * The client over real HTTP against a scripted port-0 server (test/support/http-server.ts):
 * retries, timeouts, malformed answers, pagination, path encoding, connection reuse and
 * secrecy of the key; then every route method against the emulator (provider/testing).
 */
import { inspect } from "node:util";
import type { ServerResponse } from "node:http";
import { OpenRouterClient, type OpenRouterClientOptions, type RequestEvent, type RetryEvent } from "../../provider/api/client";
import {
  OpenRouterApiError,
  OpenRouterArgumentError,
  OpenRouterError,
  OpenRouterNetworkError,
  OpenRouterResponseError,
  OpenRouterTimeoutError,
} from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { PACKAGE_VERSION } from "../../provider/version";
import { dropConnection, sendJson, startTestServer, type TestHandler, type TestServer } from "../support/http-server";

const KEY = "sk-or-v1-canary-0123456789abcdef";
const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

const wireMember = (n: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: `m-${n}`,
  user_id: `user_${String(n).padStart(5, "0")}`,
  workspace_id: "ws-uuid",
  role: "member",
  created_at: "2025-01-01T00:00:00Z",
  ...extra,
});
const wireWorkspace = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: "ws-uuid",
  name: "Team",
  slug: "team",
  description: null,
  created_at: "2025-01-01T00:00:00Z",
  updated_at: null,
  created_by: null,
  default_text_model: null,
  default_image_model: null,
  default_provider_sort: null,
  io_logging_sampling_rate: 1,
  io_logging_api_key_ids: null,
  is_data_discount_logging_enabled: false,
  is_observability_broadcast_enabled: false,
  is_observability_io_logging_enabled: false,
  ...extra,
});
const ok = (response: ServerResponse): void => sendJson(response, 200, { data: wireWorkspace() });

let server: TestServer | undefined;
let client: OpenRouterClient | undefined;

async function setUp(
  handler: TestHandler,
  options: Partial<OpenRouterClientOptions> = {},
): Promise<{ server: TestServer; client: OpenRouterClient; requests: RequestEvent[]; retries: RetryEvent[] }> {
  server = await startTestServer(handler);
  const requests: RequestEvent[] = [];
  const retries: RetryEvent[] = [];
  client = new OpenRouterClient({
    baseUrl: `${server.url}/api/v1`,
    managementKey: KEY,
    retry: FAST_RETRY,
    onRequest: (event) => requests.push(event),
    onRetry: (event) => retries.push(event),
    random: () => 0.5,
    ...options,
  });
  return { server, client, requests, retries };
}

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** Pages of `members`, at most `pageSize` (the server's own limit) a page. */
const pagedMembers =
  (members: Record<string, unknown>[], pageSize: (offset: number) => number, totalCount = members.length): TestHandler =>
  (request, response) => {
    const query = new URL(request.url, "http://x").searchParams;
    const offset = Number(query.get("offset"));
    const limit = Math.min(Number(query.get("limit")), pageSize(offset));
    sendJson(response, 200, { data: members.slice(offset, offset + limit), total_count: totalCount });
  };

describe("requests (ARCHITECTURE.md, Client)", () => {
  it("sends the key, a User-Agent with the package version, and JSON bodies", async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { added_count: 1, data: [wireMember(1)] }),
    );
    await client.addMembers("team", ["user_00001"]);
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/api/v1/workspaces/team/members/add");
    expect(request?.headers["user-agent"]).toBe(`pulumi-openrouter/${PACKAGE_VERSION}`);
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ user_ids: ["user_00001"] });
  });

  it.each<[string, string]>([
    ["../keys", "/api/v1/workspaces/..%2Fkeys"],
    ["a/b", "/api/v1/workspaces/a%2Fb"],
    ["é 東京?#", "/api/v1/workspaces/%C3%A9%20%E6%9D%B1%E4%BA%AC%3F%23"],
    ["...", "/api/v1/workspaces/..."],
  ])("percent-encodes the workspace %j into one path segment", async (idOrSlug, url) => {
    const { server, client } = await setUp((_request, response) => ok(response));
    await client.getWorkspace(idOrSlug);
    expect(server.requests.map((request) => request.url)).toEqual([url]);
  });

  it.each([".", "..", "", "  "])("refuses %j as a workspace id before sending anything", async (idOrSlug) => {
    const { server, client } = await setUp((_request, response) => ok(response));
    await expect(client.getWorkspace(idOrSlug)).rejects.toThrow(OpenRouterArgumentError);
    await expect(client.addMembers(idOrSlug, ["u"])).rejects.toThrow(/idOrSlug/);
    expect(server.requests).toHaveLength(0);
  });

  it.each(["addMembers", "removeMembers"] as const)("%s refuses an empty or blank user list locally", async (method) => {
    const { server, client } = await setUp((_request, response) => ok(response));
    await expect(client[method]("team", [])).rejects.toThrow(`${method}: userIds is empty`);
    await expect(client[method]("team", ["user_a", " "])).rejects.toThrow(`${method}: userIds[1] must be a non-empty string, got " "`);
    expect(server.requests).toHaveLength(0);
  });

  it("reuses kept-alive connections for sequential requests", async () => {
    const { server, client } = await setUp((_request, response) => ok(response));
    for (let i = 0; i < 10; i++) await client.getWorkspace("team");
    expect(server.requests).toHaveLength(10);
    // The pool may open a second socket while the first is finishing; never one per request.
    expect(server.socketCount()).toBeLessThanOrEqual(2);
  });

  it("reports every attempt to onRequest without headers", async () => {
    const { client, requests } = await setUp((_request, response, index) =>
      index === 0 ? sendJson(response, 503, { error: { code: 503, message: "busy" } }) : ok(response),
    );
    await client.getWorkspace("team");
    expect(requests).toEqual([
      { method: "GET", path: "/workspaces/team", attempt: 1, status: 503, durationMs: expect.any(Number) },
      { method: "GET", path: "/workspaces/team", attempt: 2, status: 200, durationMs: expect.any(Number) },
    ]);
    expect(JSON.stringify(requests)).not.toContain(KEY);
  });
});

describe("errors (the API's error body)", () => {
  it.each<[number, string]>([
    [400, "user_ids is required"],
    [401, "Missing Authentication header"],
    [403, "Cannot modify members of the default workspace"],
    [404, "Workspace not found"],
    [500, "Internal Server Error"],
  ])("turns a documented %d into an OpenRouterApiError with the service's words", async (status, message) => {
    // The route that proves the base URL answers, so a 404 is handed on (test/api/base-url.test.ts).
    const { server, client } = await setUp((request, response) =>
      request.url.startsWith("/api/v1/workspaces?")
        ? sendJson(response, 200, { data: [], total_count: 0 })
        : sendJson(response, status, { error: { code: status, message, metadata: { user_ids: ["user_a"] } }, user_id: null }),
    { retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const error = await client.removeMembers("ws", ["user_a"]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterApiError);
    const attempts = status === 500 ? 2 : 1;
    expect(error).toMatchObject({
      status,
      code: status,
      serviceMessage: message,
      method: "POST",
      path: "/workspaces/ws/members/remove",
      userIds: ["user_a"],
      metadata: { user_ids: ["user_a"] },
      attempts,
      // A refusal changed nothing; a 5xx may have been carried out.
      mayHaveApplied: status === 500,
    });
    const suffix = attempts > 1 ? `; gave up after ${attempts} attempts` : "";
    expect((error as Error).message).toMatch(new RegExp(`^${message} \\(${status} POST /workspaces/ws/members/remove\\)${suffix}(\\. .*)?$`));
    expect(server.requests).toHaveLength(status === 404 ? attempts + 1 : attempts);
  });

  it("does not follow a redirect, so the key never reaches the other host", async () => {
    const elsewhere = await startTestServer((_request, response) => ok(response));
    try {
      const { server, client } = await setUp((_request, response) => {
        response.writeHead(307, { location: `${elsewhere.url}/api/v1/workspaces/team` });
        response.end();
      });
      const error = await client.getWorkspace("team").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenRouterApiError);
      expect(error).toMatchObject({ status: 307, serviceMessage: expect.stringContaining("not followed") });
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it("treats a 200 whose body is an error as an error", async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 200, { error: { code: 400, message: "Some users are not members of the organization" } }),
    );
    await expect(client.addMembers("ws", ["user_x"])).rejects.toMatchObject({
      name: "OpenRouterApiError",
      status: 200,
      code: 400,
      serviceMessage: "Some users are not members of the organization",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 200 whose error body carries a retryable code", async () => {
    const { server, client } = await setUp((_request, response, index) =>
      index === 0 ? sendJson(response, 200, { error: { code: 502, message: "upstream" } }) : ok(response),
    );
    await expect(client.getWorkspace("team")).resolves.toMatchObject({ id: "ws-uuid" });
    expect(server.requests).toHaveLength(2);
  });
});

describe("malformed answers", () => {
  it("turns a body that is not JSON into an OpenRouterResponseError, without retrying", async () => {
    const { server, client } = await setUp((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"data": [');
    });
    const error = await client.listMembers("ws").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterResponseError);
    expect((error as Error).message).toBe("GET /workspaces/ws/members?offset=0&limit=100: response body is not JSON (200, 10 characters)");
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect(server.requests).toHaveLength(1);
  });

  it("names missing and mistyped fields the provider relies on", async () => {
    const { client } = await setUp((_request, response) =>
      sendJson(response, 200, { data: [wireMember(1), { ...wireMember(2), user_id: undefined }], total_count: "2" }),
    );
    const error = await client.listMembers("ws").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterResponseError);
    expect((error as Error).message).toMatch(/unexpected response body: .*data\[1\]\.user_id: .*expected string.*total_count: /);
  });

  it("ignores fields it does not know and accepts roles it has never seen", async () => {
    const { client } = await setUp((_request, response) =>
      sendJson(response, 200, { added_count: 1, data: [wireMember(7, { role: "billing-owner", nickname: "x" })], extra: true }),
    );
    await expect(client.addMembers("ws", ["user_00007"])).resolves.toEqual({
      addedCount: 1,
      memberships: [{ id: "m-7", userId: "user_00007", workspaceId: "ws-uuid", role: "billing-owner", createdAt: "2025-01-01T00:00:00Z" }],
    });
  });

  it.each<[string, (response: ServerResponse) => void]>([
    ["with a Content-Length", (response) => sendJson(response, 200, { data: "x".repeat(5000) })],
    [
      "streamed without a length",
      (response) => {
        response.writeHead(200, { "content-type": "application/json" });
        for (let i = 0; i < 10; i++) response.write(`${" ".repeat(500)}`);
        response.end("{}");
      },
    ],
  ])("refuses a body larger than maxResponseBytes (%s)", async (_name, answer) => {
    const { server, client } = await setUp((_request, response) => answer(response), { maxResponseBytes: 1000 });
    await expect(client.getWorkspace("team")).rejects.toThrow(
      new OpenRouterResponseError("GET /workspaces/team: response body larger than 1000 bytes (maxResponseBytes), not read"),
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe("retries (retry.ts)", () => {
  it("waits the Retry-After of a 429, then succeeds", async () => {
    const { server, client, retries } = await setUp((_request, response, index) =>
      index === 0 ? sendJson(response, 429, { error: { code: 429, message: "Rate limited" } }, { "retry-after": "1" }) : ok(response),
    );
    const started = Date.now();
    await expect(client.getWorkspace("team")).resolves.toMatchObject({ slug: "team" });
    expect(retries).toEqual([{ method: "GET", path: "/workspaces/team", attempt: 1, delayMs: 1000, reason: "HTTP 429, Retry-After 1000 ms" }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it("gives up at once, without sleeping, when Retry-After exceeds the wait budget", async () => {
    const { server, client, retries } = await setUp(
      (_request, response) => sendJson(response, 429, { error: { code: 429, message: "Rate limited" } }, { "retry-after": "120" }),
      { retry: { ...FAST_RETRY, maxTotalWaitMs: 5000 } },
    );
    const error = await client.getWorkspace("team").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterApiError);
    expect((error as Error).message).toBe(
      "Rate limited (429 GET /workspaces/team); the service asked to wait 120000 ms (Retry-After), more than the 5000 ms left of the retry wait budget (maxTotalWaitMs 5000)",
    );
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("tries a 401 once", async () => {
    const { server, client } = await setUp((_request, response) =>
      sendJson(response, 401, { error: { code: 401, message: "No auth credentials found" } }),
    );
    await expect(client.getWorkspace("team")).rejects.toMatchObject({ status: 401, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a dropped connection, also for a bulk add (replay-safe)", async () => {
    const { server, client, retries } = await setUp((_request, response, index) =>
      index === 0 ? dropConnection(response) : sendJson(response, 200, { added_count: 1, data: [wireMember(1)] }),
    );
    await expect(client.addMembers("ws", ["user_00001"])).resolves.toMatchObject({ addedCount: 1 });
    expect(server.requests.map((request) => request.body)).toEqual(['{"user_ids":["user_00001"]}', '{"user_ids":["user_00001"]}']);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it("answers after hanging twice: two header timeouts, then success", async () => {
    const { server, client, retries } = await setUp(
      (_request, response, index) => {
        if (index >= 2) ok(response);
      },
      { timeouts: { headersMs: 100 } },
    );
    await expect(client.getWorkspace("team")).resolves.toMatchObject({ id: "ws-uuid" });
    // Judged by what the server saw, not by the clock: the two hung requests were retried
    // after header timeouts, and every retry was one (on a loaded machine an answer may also
    // come too late, which is one more retry of the same kind).
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(retries).toHaveLength(server.requests.length - 1);
    expect(retries.every((retry) => retry.reason === "UND_ERR_HEADERS_TIMEOUT")).toBe(true);
  });

  it("throws OpenRouterTimeoutError naming the headers limit after the last attempt", async () => {
    const { server, client } = await setUp(() => undefined, { timeouts: { headersMs: 100 }, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const error = await client.getWorkspace("team").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterTimeoutError);
    expect(error).toMatchObject({ phase: "headers", timeoutMs: 100, attempts: 2 });
    expect((error as Error).message).toBe("GET /workspaces/team: no response headers within 100 ms (headers timeout); gave up after 2 attempts");
    expect(server.requests).toHaveLength(2);
  });

  it("throws OpenRouterTimeoutError naming the body limit when the body stalls", async () => {
    const { server, client } = await setUp(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"data":');
      },
      { timeouts: { bodyMs: 100 }, retry: { ...FAST_RETRY, maxAttempts: 2 } },
    );
    await expect(client.getWorkspace("team")).rejects.toMatchObject({ name: "OpenRouterTimeoutError", phase: "body", timeoutMs: 100, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it("throws OpenRouterNetworkError when nothing listens", async () => {
    const closed = await startTestServer(() => undefined);
    const baseUrl = `${closed.url}/api/v1`;
    await closed.close();
    client = new OpenRouterClient({ baseUrl, managementKey: KEY, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const error = await client.getWorkspace("team").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterNetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", attempts: 2, method: "GET", path: "/workspaces/team" });
  });
});

describe("pagination (listMemberPages)", () => {
  const members = Array.from({ length: 250 }, (_unused, n) => wireMember(n));
  const userIds = members.map((member) => member.user_id);

  it("asks limit=100 and follows the offsets of short pages", async () => {
    const { server, client } = await setUp(pagedMembers(members, () => 40));
    const pages: number[] = [];
    for await (const page of client.listMemberPages("ws")) pages.push(page.length);
    expect(pages).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(server.requests.map((request) => request.url)).toEqual(
      [0, 40, 80, 120, 160, 200, 240].map((offset) => `/api/v1/workspaces/ws/members?offset=${offset}&limit=100`),
    );
  });

  it("returns every member in order", async () => {
    const { client } = await setUp(pagedMembers(members, () => 100));
    expect((await client.listMembers("ws")).map((member) => member.userId)).toEqual(userIds);
  });

  it("stops at an empty page even when total_count promises more", async () => {
    const { server, client } = await setUp(pagedMembers(members.slice(0, 150), () => 100, 1000));
    expect(await client.listMembers("ws")).toHaveLength(150);
    expect(server.requests).toHaveLength(3);
  });

  it("sends a single request for an empty workspace", async () => {
    const { server, client } = await setUp(pagedMembers([], () => 100));
    expect(await client.listMembers("ws")).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("fetches the remaining pages in parallel with concurrency, filling short pages", async () => {
    const many = Array.from({ length: 1000 }, (_unused, n) => wireMember(n));
    const serve = pagedMembers(many, (offset) => (offset === 300 ? 30 : 100));
    // Ten planned pages plus the refill of the short one.
    const EXPECTED_REQUESTS = 11;
    // No clock: after the first page, requests are held until four are waiting at once (so
    // the listing passes only if the client really keeps four in flight), then the oldest is
    // answered; once all have arrived, the rest are answered.
    const held: { request: Parameters<typeof serve>[0]; response: Parameters<typeof serve>[1] }[] = [];
    let mostHeld = 0;
    const { server, client } = await setUp((request, response, index) => {
      if (index === 0) return serve(request, response, 0);
      held.push({ request, response });
      mostHeld = Math.max(mostHeld, held.length);
      while (held.length === 4 || (index === EXPECTED_REQUESTS - 1 && held.length > 0)) {
        const oldest = held.shift()!;
        serve(oldest.request, oldest.response, 0);
      }
    });
    const listed = await client.listMembers("ws", { concurrency: 4 });
    expect(listed.map((member) => member.userId)).toEqual(many.map((member) => member.user_id));
    expect(mostHeld).toBe(4);
    expect(server.requests).toHaveLength(EXPECTED_REQUESTS);
    expect(server.requests.some((request) => request.url.includes("offset=330&"))).toBe(true);
  });

  it("pages through workspaces the same way", async () => {
    const workspaces = Array.from({ length: 3 }, (_unused, n) => wireWorkspace({ id: `ws-${n}`, slug: `team-${n}` }));
    const { server, client } = await setUp((request, response) => {
      const offset = Number(new URL(request.url, "http://x").searchParams.get("offset"));
      sendJson(response, 200, { data: workspaces.slice(offset, offset + 2), total_count: 3 });
    });
    expect((await client.listWorkspaces()).map((workspace) => workspace.slug)).toEqual(["team-0", "team-1", "team-2"]);
    expect(server.requests.map((request) => request.url)).toEqual([
      "/api/v1/workspaces?offset=0&limit=100",
      "/api/v1/workspaces?offset=2&limit=100",
    ]);
  });
});

describe("the management key stays secret", () => {
  const failures: [string, TestHandler, Partial<OpenRouterClientOptions>][] = [
    ["an API error", (_request, response) => sendJson(response, 401, { error: { code: 401, message: "bad key" } }), {}],
    ["a malformed body", (_request, response) => sendJson(response, 200, { data: { id: 1 } }), {}],
    ["a dropped connection", (_request, response) => dropConnection(response), {}],
    ["a timeout", () => undefined, { timeouts: { headersMs: 50 }, retry: { maxAttempts: 1 } }],
  ];

  it.each(failures)("never appears in %s", async (_name, handler, options) => {
    const { client } = await setUp(handler, { ...options, retry: { ...FAST_RETRY, maxAttempts: 2, ...options.retry } });
    const error = await client.getWorkspace("team").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterError);
    const seen = [JSON.stringify(error), String((error as Error).stack), String((error as Error).cause), inspect(error, { depth: 10 })];
    for (const text of seen) expect(text).not.toContain(KEY);
    expect(inspect(client, { depth: 5 })).not.toContain(KEY);
  });
});

describe("routes against the emulator", () => {
  let emulator: Emulator;
  let api: OpenRouterClient;
  const orgUsers = Array.from({ length: 230 }, (_unused, n) => `user_${String(n).padStart(4, "0")}`);

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "client-test", users: [...orgUsers, { id: "user_admin", role: "admin" }, { id: "user_scim", scim: true }] });
    api = new OpenRouterClient({ baseUrl: emulator.url, managementKey: emulator.managementKey, retry: FAST_RETRY });
  });
  afterAll(async () => {
    await api.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.configure({ pageSizeCap: null, latencyMs: 0 });
    emulator.log.clear();
  });

  it("lists the organization's directory across pages, ids as userIds take them", async () => {
    emulator.configure({ pageSizeCap: 50 });
    const directory = await api.listOrganizationMembers({ concurrency: 3 });
    expect(directory.map((m) => m.userId)).toEqual([...orgUsers, "user_admin", "user_scim"].sort());
    expect(directory.find((m) => m.userId === "user_admin")).toMatchObject({ role: "org:admin", email: expect.stringContaining("@") });
    expect(emulator.log.entries.every((e) => e.route === "GET /organization/members" && e.path.includes("limit=100"))).toBe(true);
  });

  it("puts, reads, lists and deletes a workspace's budgets, with the workspace-wide BYOK flag", async () => {
    const { id } = emulator.createWorkspace({ slug: "budgeted" });
    const monthly = await api.putBudget("budgeted", "monthly", { limitUsd: 500, includeByokInBudgets: true });
    expect(monthly).toMatchObject({ budget: { workspaceId: id, limitUsd: 500, resetInterval: "monthly" }, includeByokInBudgets: true });
    const lifetime = await api.putBudget("budgeted", "lifetime", { limitUsd: 5000 });
    expect(lifetime).toMatchObject({ budget: { limitUsd: 5000, resetInterval: null }, includeByokInBudgets: true });
    expect(await api.getBudget("budgeted", "monthly")).toEqual(monthly);
    const listed = await api.listBudgets("budgeted");
    expect(listed.includeByokInBudgets).toBe(true);
    expect(listed.budgets.map((b) => b.limitUsd).sort((a, b) => a - b)).toEqual([500, 5000]);
    await api.deleteBudget("budgeted", "monthly");
    await api.deleteBudget("budgeted", "monthly");
    await expect(api.getBudget("budgeted", "monthly")).rejects.toMatchObject({ name: "OpenRouterNotFoundError", status: 404 });
    // The service's ordering rule: a daily limit above the lifetime one is refused.
    await expect(api.putBudget("budgeted", "daily", { limitUsd: 9000 })).rejects.toMatchObject({ status: 400 });
    await expect(api.putBudget("budgeted", "daily", { limitUsd: 0 })).rejects.toBeInstanceOf(OpenRouterArgumentError);
    await expect(api.getBudget("budgeted", "hourly" as never)).rejects.toBeInstanceOf(OpenRouterArgumentError);
  });

  it("reads a guardrail, assigns and unassigns members in one request each, and lists the assignments", async () => {
    const workspace = emulator.createWorkspace({ slug: "guarded" });
    emulator.addMembers("guarded", ["user_0001", "user_0002", "user_0003"]);
    const guardrail = emulator.createGuardrail({ workspaceId: workspace.id, name: "Strict" });
    expect(await api.getGuardrail(guardrail.id)).toEqual({ id: guardrail.id, name: "Strict", workspaceId: workspace.id });
    expect(await api.assignMembers(guardrail.id, ["user_0001", "user_0002"])).toEqual({ assignedCount: 2 });
    expect((await api.listAssignments(guardrail.id)).map((a) => a.userId)).toEqual(["user_0001", "user_0002"]);
    expect(await api.unassignMembers(guardrail.id, ["user_0002", "user_0003"])).toEqual({ unassignedCount: 1 });
    expect(emulator.guardrailMemberIds(guardrail.id)).toEqual(["user_0001"]);
    await expect(api.getGuardrail("no-such-guardrail")).rejects.toMatchObject({ name: "OpenRouterNotFoundError" });
    expect(emulator.log.entries.filter((e) => e.route?.startsWith("POST")).map((e) => e.userIdsCount)).toEqual([2, 2]);
  });

  it("creates, reads by slug and UUID, updates, lists and deletes a workspace", async () => {
    const created = await api.createWorkspace({ name: "Routes", slug: "routes", description: "from the client test" });
    expect(created).toMatchObject({ name: "Routes", slug: "routes", description: "from the client test", ioLoggingSamplingRate: expect.any(Number) });
    expect(await api.getWorkspace("routes")).toEqual(created);
    expect(await api.getWorkspace(created.id)).toEqual(created);
    const updated = await api.updateWorkspace("routes", { description: null, isDataDiscountLoggingEnabled: true });
    expect(updated).toMatchObject({ id: created.id, name: "Routes", description: null, isDataDiscountLoggingEnabled: true });
    expect((await api.listWorkspaces()).map((workspace) => workspace.slug)).toEqual(expect.arrayContaining(["default", "routes"]));
    await api.deleteWorkspace(created.id);
    await expect(api.getWorkspace("routes")).rejects.toMatchObject({ name: "OpenRouterNotFoundError", status: 404, method: "GET", path: "/workspaces/routes" });
    expect(emulator.log.entries.map((entry) => entry.route)).toEqual([
      "POST /workspaces",
      "GET /workspaces/:id",
      "GET /workspaces/:id",
      "PATCH /workspaces/:id",
      "GET /workspaces",
      "DELETE /workspaces/:id",
      "GET /workspaces/:id",
    ]);
  });

  it("adds members with one request and returns their memberships with the org role", async () => {
    const workspace = emulator.createWorkspace({ slug: "adding" });
    const result = await api.addMembers("adding", ["user_0001", "user_admin"]);
    expect(result).toEqual({
      addedCount: 2,
      memberships: [
        { id: expect.any(String), userId: "user_0001", workspaceId: workspace.id, role: "member", createdAt: expect.any(String) },
        { id: expect.any(String), userId: "user_admin", workspaceId: workspace.id, role: "admin", createdAt: expect.any(String) },
      ],
    });
    expect(emulator.memberIds("adding")).toEqual(["user_0001", "user_admin"]);
    expect(emulator.log.entries).toEqual([expect.objectContaining({ route: "POST /workspaces/:id/members/add", userIdsCount: 2, status: 200 })]);
  });

  it("removes members with one request and counts only real removals", async () => {
    emulator.createWorkspace({ slug: "removing" });
    emulator.addMembers("removing", ["user_0001", "user_0002"]);
    expect(await api.removeMembers("removing", ["user_0001", "user_0099"])).toEqual({ removedCount: 1 });
    expect(emulator.memberIds("removing")).toEqual(["user_0002"]);
  });

  it("re-sends a bulk add whose answer was lost, and the replay only confirms the membership", async () => {
    emulator.createWorkspace({ slug: "replay" });
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", drop: true, applyFirst: true });
    const result = await api.addMembers("replay", ["user_0003"]);
    expect(result.memberships.map((membership) => membership.userId)).toEqual(["user_0003"]);
    expect(emulator.memberIds("replay")).toEqual(["user_0003"]);
    expect(emulator.log.entries.map((entry) => entry.status)).toEqual(["dropped", 200]);
  });

  it("says a call may have gone through when an attempt's answer was lost, even if the last one was refused", async () => {
    emulator.createWorkspace({ slug: "lost-then-refused" });
    emulator.faults.add(
      { route: "POST /workspaces/:id/members/add", drop: true, applyFirst: true },
      { route: "POST /workspaces/:id/members/add", status: 400, message: "scripted refusal" },
    );
    const lost = await api.addMembers("lost-then-refused", ["user_0004"]).catch((caught: unknown) => caught);
    expect(lost).toMatchObject({ status: 400, attempts: 2, mayHaveApplied: true });
    expect(emulator.memberIds("lost-then-refused")).toEqual(["user_0004"]);

    emulator.faults.add(
      { route: "POST /workspaces/:id/members/add", status: 429, retryAfterMs: 1 },
      { route: "POST /workspaces/:id/members/add", status: 400, message: "scripted refusal" },
    );
    const refused = await api.addMembers("lost-then-refused", ["user_0005"]).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 400, attempts: 2, mayHaveApplied: false });
    expect(emulator.memberIds("lost-then-refused")).toEqual(["user_0004"]);
  });

  it("lists every member across short pages, sequentially and concurrently", async () => {
    emulator.createWorkspace({ slug: "listing" });
    emulator.addMembers("listing", orgUsers);
    emulator.configure({ pageSizeCap: 30 });
    expect((await api.listMembers("listing")).map((membership) => membership.userId)).toEqual(orgUsers);
    const sequential = emulator.log.entries.map((entry) => entry.path);
    expect(sequential).toHaveLength(8);
    expect(sequential.every((path) => path.endsWith("&limit=100"))).toBe(true);
    emulator.log.clear();
    // Latency makes the pages overlap in time whatever the machine's load, so the log can see it.
    emulator.configure({ latencyMs: 20 });
    expect((await api.listMembers("listing", { concurrency: 4 })).map((membership) => membership.userId)).toEqual(orgUsers);
    expect(emulator.log.maxInFlight).toBeGreaterThan(1);
  });

  it.each<[string, () => Promise<unknown>, number, RegExp]>([
    ["a change to the default workspace", async () => api.addMembers("default", ["user_0001"]), 403, /Cannot modify members of the default workspace/],
    ["a user outside the organization", async () => api.addMembers("errors", ["user_nobody"]), 400, /not members of the organization/],
    ["a SCIM-managed member", async () => api.removeMembers("errors", ["user_scim"]), 403, /identity provider/],
    ["a workspace that does not exist", async () => api.listMembers("no-such-workspace"), 404, /not found/i],
  ])("surfaces the service's refusal: %s", async (_name, call, status, message) => {
    if (emulator.workspace("errors") === undefined) {
      emulator.createWorkspace({ slug: "errors" });
      emulator.addMembers("errors", ["user_scim"]);
    }
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterApiError);
    expect(error).toMatchObject({ status, serviceMessage: expect.stringMatching(message) });
  });

  it("names the users the service refused", async () => {
    emulator.createWorkspace({ slug: "refused" });
    await expect(api.addMembers("refused", ["user_0001", "user_ghost"])).rejects.toMatchObject({ status: 400, userIds: ["user_ghost"] });
  });

  it("answers 401 for an unknown key and 403 for an inference key, each tried once", async () => {
    const wrongKey = new OpenRouterClient({ baseUrl: emulator.url, managementKey: "sk-or-v1-wrong", retry: FAST_RETRY });
    const inferenceKey = new OpenRouterClient({ baseUrl: emulator.url, managementKey: emulator.inferenceKey, retry: FAST_RETRY });
    try {
      await expect(wrongKey.getWorkspace("default")).rejects.toMatchObject({ status: 401, attempts: 1 });
      await expect(inferenceKey.getWorkspace("default")).rejects.toMatchObject({ status: 403, attempts: 1 });
      expect(emulator.log.entries).toHaveLength(2);
    } finally {
      await wrongKey.close();
      await inferenceKey.close();
    }
  });

  it("keeps an id like ../keys inside the workspace route", async () => {
    await expect(api.getWorkspace("../keys")).rejects.toMatchObject({ status: 404 });
    expect(emulator.log.entries.map((entry) => [entry.path, entry.route])).toEqual([["/api/v1/workspaces/..%2Fkeys", "GET /workspaces/:id"]]);
  });

  it("honours the emulator's scripted 503 with Retry-After, then succeeds", async () => {
    emulator.faults.add({ route: "GET /workspaces/:id", status: 503, retryAfterMs: 20 });
    const retries: RetryEvent[] = [];
    const patient = new OpenRouterClient({ baseUrl: emulator.url, managementKey: emulator.managementKey, retry: FAST_RETRY, onRetry: (event) => retries.push(event) });
    try {
      await expect(patient.getWorkspace("default")).resolves.toMatchObject({ slug: "default" });
      expect(retries.map((retry) => retry.delayMs)).toEqual([20]);
      expect(emulator.log.entries.map((entry) => entry.status)).toEqual([503, 200]);
    } finally {
      await patient.close();
    }
  });
});
