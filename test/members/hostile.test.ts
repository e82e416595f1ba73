/**
 * Hostile ids and hostile answers at the lifecycle level (issue #5). The client's own tests
 * (test/api/client.test.ts) cover one call each; here the question is what the *resource* does:
 * which route a hostile id reaches, and what state a mangled answer leaves behind.
 */
import type { ServerResponse } from "node:http";
import * as lifecycle from "../../provider/members/lifecycle";
import { PartialFailureError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { stackConfig } from "../support/stack-config";
import { sendJson, startTestServer, type TestServer } from "../support/http-server";

type Props = Record<string, unknown>;

let emulator: Emulator;

async function configure(baseUrl: string, extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(
    stackConfig({
      "openrouter:managementKey": emulator.managementKey,
      "openrouter:baseUrl": baseUrl,
      "openrouter:retryBaseDelayMs": "1",
      "openrouter:maxAttempts": "2",
      ...extra,
    }),
  );
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );

const HOSTILE_USER_IDS = ["user/../../keys", "user?x=1&y=2", "user#frag", "user%2F..%2F", "ключ-пользователя", "user \"quoted\"", "..", "."];

beforeEach(async () => {
  emulator = await startEmulator({ seed: "hostile", users: ["user_a", "user_b", "user_c", "user_d", ...HOSTILE_USER_IDS] });
  emulator.createWorkspace({ slug: "platform" });
  await configure(emulator.url);
});

afterEach(async () => {
  await emulator.close();
});

describe("hostile ids never change the route", () => {
  it("user ids travel only in the JSON body, each recorded exactly as given", async () => {
    const inputs = await checked({ workspaceId: "platform", userIds: HOSTILE_USER_IDS });
    const { id, outs } = await lifecycle.create({ ...inputs, __provider: "p" });

    expect(outs.userIds).toEqual([...HOSTILE_USER_IDS].sort());
    expect(emulator.memberIds("platform")).toEqual([...HOSTILE_USER_IDS].sort());
    expect(emulator.log.entries.map((e) => [e.route, e.path])).toEqual([
      ["GET /workspaces/:id", "/api/v1/workspaces/platform"],
      ["POST /workspaces/:id/members/add", `/api/v1/workspaces/${id}/members/add`],
    ]);
  });

  // check refuses such workspace ids; state edited by hand (or by an older version) can still hold one.
  it.each<[string, string]>([
    ["../../keys", "..%2F..%2Fkeys"],
    ["platform/members/remove", "platform%2Fmembers%2Fremove"],
    ["platform?offset=0#x", "platform%3Foffset%3D0%23x"],
    ["%2e%2e", "%252e%252e"],
  ])("a workspace id %j from state reaches the API percent-encoded as %s, on the route meant", async (hostile, encoded) => {
    emulator.addMembers("platform", ["user_a"]);
    const state = { workspaceId: hostile, workspaceUuid: hostile, userIds: ["user_a"], exclusive: false, protectedUserIds: [] };

    await expect(lifecycle.read(hostile, state)).resolves.toEqual({ id: "" });
    await lifecycle.remove(hostile, state);
    const created = await failure(lifecycle.create({ workspaceId: hostile, userIds: { user_a: true }, exclusive: false }));

    expect(created.message).toContain("was not found; nothing was changed");
    expect(emulator.log.entries.map((e) => [e.route, e.path, e.status])).toEqual([
      ["GET /workspaces/:id/members", `/api/v1/workspaces/${encoded}/members?offset=0&limit=100`, 404],
      // The client's first 404 proves the base URL before it means "gone".
      ["GET /workspaces", "/api/v1/workspaces?offset=0&limit=1", 200],
      // A state without memberships leaves its users unconfirmed: delete lists before removing.
      ["GET /workspaces/:id/members", `/api/v1/workspaces/${encoded}/members?offset=0&limit=100`, 404],
      ["GET /workspaces/:id", `/api/v1/workspaces/${encoded}`, 404],
    ]);
    expect(emulator.memberIds("platform")).toEqual(["user_a"]);
  });

  it.each(["..", "."])("a workspace id %j is refused before any request", async (dots) => {
    const error = await failure(lifecycle.create({ workspaceId: dots, userIds: { user_a: true }, exclusive: false }));
    expect(error.name).toBe("OpenRouterArgumentError");
    expect(error.message).toContain(JSON.stringify(dots));
    expect(emulator.log.entries).toEqual([]);
  });
});

describe("hostile answers leave a truthful state", () => {
  it.each(["truncated", "wrong-types", "not-json"] as const)(
    "an add answered with a %s body is settled by a listing, so the state records who arrived",
    async (malformed) => {
      await configure(emulator.url, { "openrouter:batchSize": "2", "openrouter:concurrency": "1" });
      // The mangled answer comes after the change was made: the service did add the users.
      emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, malformed });
      const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c", "user_d"] });

      const error = await failure(lifecycle.create({ ...inputs, __provider: "p" }));

      expect(error).toBeInstanceOf(PartialFailureError);
      expect(error.message).toMatch(/did not finish: POST \/workspaces\/[0-9a-f-]+\/members\/add: /);
      // The answer could not be read, so whether the change happened was unknown: one listing
      // settles it, and the state records what the service really holds.
      const partial = (error as PartialFailureError).properties;
      expect(emulator.memberIds("platform")).toEqual(["user_a", "user_b", "user_c", "user_d"]);
      expect(partial.userIds).toEqual(emulator.memberIds("platform"));
      expect(emulator.log.entries.at(-1)?.route).toBe("GET /workspaces/:id/members");

      // The engine stores the partial state and runs an update from it: nothing is left to do.
      emulator.log.clear();
      const { outs } = await lifecycle.update((error as PartialFailureError).id, partial, { ...inputs, __provider: "p" });
      expect(outs?.userIds).toEqual(["user_a", "user_b", "user_c", "user_d"]);
      expect(emulator.log.entries).toEqual([]);
    },
  );

  it("a 200 whose body is an error is a failure naming the service's words, and nothing is recorded", async () => {
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 200, message: "Some users are not members of the organization" });
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a"] });

    const error = await failure(lifecycle.create({ ...inputs, __provider: "p" }));

    expect(error).not.toBeInstanceOf(PartialFailureError);
    expect(error.message).toContain("Some users are not members of the organization (200 POST");
    expect(emulator.memberIds("platform")).toEqual([]);
  });

  describe("from a server that is not OpenRouter", () => {
    let server: TestServer;
    let elsewhere: TestServer;
    let workspace: { id: string };

    beforeEach(() => {
      workspace = emulator.workspace("platform")!;
    });

    afterEach(async () => {
      await server?.close();
      await elsewhere?.close();
    });

    it("never follows a redirect: the other host sees no request, in create, read or delete", async () => {
      elsewhere = await startTestServer((_request, response) => sendJson(response, 200, { data: workspace }));
      server = await startTestServer((_request, response) => {
        response.writeHead(307, { location: `${elsewhere.url}/api/v1/workspaces/platform` });
        response.end();
      });
      await configure(`${server.url}/api/v1`);
      const state = { workspaceId: "platform", workspaceUuid: workspace.id, userIds: ["user_a"], exclusive: false };

      const errors = await Promise.all([
        failure(lifecycle.create({ workspaceId: "platform", userIds: { user_a: true }, exclusive: false })),
        failure(lifecycle.read(workspace.id, state)),
        failure(lifecycle.remove(workspace.id, state)),
      ]);

      for (const error of errors) expect(error.message).toContain("not followed so the key is never sent elsewhere");
      expect(server.requests).toHaveLength(3);
      expect(elsewhere.requests).toEqual([]);
    });

    it("caps an enormous answer: reads at most maxResponseBytes and fails naming the limit", async () => {
      let bytesSent = 0;
      server = await startTestServer((request, response: ServerResponse) => {
        if (request.method === "GET") return sendJson(response, 200, { data: workspace });
        // 64 MiB streamed without a length: only the cap can stop it.
        response.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        const pump = (): void => {
          while (bytesSent < 64 * 1024 * 1024 && !response.destroyed) {
            bytesSent += chunk.length;
            if (!response.write(chunk)) return void response.once("drain", pump);
          }
          if (!response.destroyed) response.end("{}");
        };
        response.on("error", () => undefined);
        pump();
      });
      await configure(`${server.url}/api/v1`, { "openrouter:maxAttempts": "1" });

      const error = await failure(lifecycle.create({ workspaceId: "platform", userIds: { user_a: true }, exclusive: false }));

      expect(error.message).toContain("response body larger than 10485760 bytes (maxResponseBytes), not read");
      expect(bytesSent).toBeLessThan(64 * 1024 * 1024);
    });
  });
});
