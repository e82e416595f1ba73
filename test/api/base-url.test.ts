/**
 * A 404 means "gone" only when the base URL is proven right (issue 16, item 1): the client
 * proves it once, with a route every API root serves, before it hands a 404 on as
 * `OpenRouterNotFoundError`. Against the emulator, counting what its request log recorded.
 */
import { OpenRouterClient } from "../../provider/api/client";
import { OpenRouterApiError, OpenRouterConfigError, OpenRouterNotFoundError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";

let emulator: Emulator;
let client: OpenRouterClient | undefined;

beforeEach(async () => {
  emulator = await startEmulator({ seed: "base-url", users: ["user_a"] });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await emulator.close();
});

function clientAt(baseUrl: string): OpenRouterClient {
  client = new OpenRouterClient({
    baseUrl,
    managementKey: emulator.managementKey,
    retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    sources: { baseUrl: { kind: "env", name: "OPENROUTER_BASE_URL" } },
  });
  return client;
}

const requests = (): string[] => emulator.log.entries.map((entry) => `${entry.method} ${entry.path}`);
const origin = (): string => emulator.url.replace(/\/api\/v1$/, "");

describe("under a wrong base URL", () => {
  it.each([
    ["the origin alone", () => origin()],
    ["/v1", () => `${origin()}/v1`],
    ["/api/v2", () => `${origin()}/api/v2`],
  ])("(%s) a 404 becomes an OpenRouterConfigError naming the base URL and where it was set", async (_name, baseUrl) => {
    const error = await clientAt(baseUrl()).listMembers("platform").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterConfigError);
    expect(error).not.toBeInstanceOf(OpenRouterNotFoundError);
    expect((error as Error).message).toBe(
      `The base URL ${baseUrl()} (the environment variable OPENROUTER_BASE_URL) looks wrong: ` +
        "GET /workspaces/platform/members?offset=0&limit=100 answered 404, and so did GET /workspaces, which every OpenRouter " +
        "API root serves, so the 404 is not taken to mean that anything is gone. Set it to the API's root, which ends in " +
        "/api/v1: OpenRouter's is https://openrouter.ai/api/v1; the emulator prints its own when it starts.",
    );
    const path = new URL(baseUrl()).pathname.replace(/\/$/, "");
    expect(requests()).toEqual([`GET ${path}/workspaces/platform/members?offset=0&limit=100`, `GET ${path}/workspaces?offset=0&limit=1`]);
  });

  it("a removal sent to it is never taken as done: the error keeps what the client knows of the attempts", async () => {
    const error = await clientAt(origin()).removeMembers("platform", ["user_a"]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenRouterConfigError);
    expect(error).toMatchObject({ method: "POST", path: "/workspaces/platform/members/remove", attempts: 1, mayHaveApplied: false });
  });
});

describe("under the right base URL", () => {
  it("a 404 is handed on as OpenRouterNotFoundError after one proof, and later 404s cost no second one", async () => {
    const api = clientAt(emulator.url);
    await expect(api.getWorkspace("nope")).rejects.toBeInstanceOf(OpenRouterNotFoundError);
    await expect(api.listMembers("nope")).rejects.toBeInstanceOf(OpenRouterNotFoundError);
    await expect(api.getWorkspace("nope-either")).rejects.toMatchObject({ status: 404, message: "Workspace not found (404 GET /workspaces/nope-either)" });
    expect(requests()).toEqual([
      "GET /api/v1/workspaces/nope",
      "GET /api/v1/workspaces?offset=0&limit=1",
      "GET /api/v1/workspaces/nope/members?offset=0&limit=100",
      "GET /api/v1/workspaces/nope-either",
    ]);
  });

  it("404s at the same time share one proof", async () => {
    const api = clientAt(emulator.url);
    const failures = await Promise.all(["a", "b", "c", "d"].map((id) => api.getWorkspace(id).catch((caught: unknown) => caught)));
    for (const failure of failures) expect(failure).toBeInstanceOf(OpenRouterNotFoundError);
    expect(requests().filter((request) => request.startsWith("GET /api/v1/workspaces?"))).toHaveLength(1);
  });

  it("a proof that cannot be made hands on its own failure, never the 404, and is made again at the next 404", async () => {
    const api = clientAt(emulator.url);
    emulator.faults.add({ route: "GET /workspaces", status: 503, times: 2 });
    const first = await api.getWorkspace("nope").catch((caught: unknown) => caught);
    expect(first).toBeInstanceOf(OpenRouterApiError);
    expect(first).not.toBeInstanceOf(OpenRouterNotFoundError);
    expect(first).toMatchObject({ status: 503, path: "/workspaces?offset=0&limit=1" });

    await expect(api.getWorkspace("nope")).rejects.toBeInstanceOf(OpenRouterNotFoundError);
    expect(requests().filter((request) => request.startsWith("GET /api/v1/workspaces?"))).toHaveLength(3);
  });

  it("a refused key is not a proof either: the 401 is what the caller sees", async () => {
    client = new OpenRouterClient({ baseUrl: `${origin()}/v1`, managementKey: "sk-or-v1-wrong", retry: { maxAttempts: 1 } });
    await expect(client.getWorkspace("x")).rejects.toMatchObject({ status: 401 });
  });
});
