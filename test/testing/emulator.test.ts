/**
 * The OpenRouter emulator (provider/testing) over real HTTP: authentication, every route's
 * shape, the organization rules of the service (as OpenRouter's own Terraform fake encodes them),
 * pagination, workspace addressing, each fault kind, the rate limit, the request log, the
 * admin surface, scale, and the command line.
 */
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { join } from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions, type RandomFaults } from "../../provider/testing";

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire bodies are checked field by field
}

let emulator: Emulator;
let slugSerial = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: "emulator-test",
    users: [
      { id: "user_admin", role: "admin" },
      "user_m1",
      "user_m2",
      "user_m3",
      { id: "user_scim", scim: true },
      "user_keyholder",
    ],
  });
});

afterAll(() => emulator.close());

afterEach(() => {
  emulator.faults.clear();
  emulator.configure({
    nonOrgUsers: "reject",
    latencyMs: 0,
    randomFaults: null,
    rateLimit: null,
    pageSizeCap: null,
    maxUserIdsPerRequest: null,
  });
  emulator.log.clear();
});

async function call(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; key?: string | null; timeoutMs?: number; on?: Emulator } = {},
): Promise<Reply> {
  const target = options.on ?? emulator;
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = options.key === undefined ? target.managementKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers,
    body,
    ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A request with the path sent byte for byte (fetch would resolve `..` segments). */
function rawGet(path: string): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: emulator.host, port: emulator.port, path, headers: { authorization: `Bearer ${emulator.managementKey}` } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const newWorkspace = (members: string[] = []): string => {
  const slug = `ws-${++slugSerial}`;
  emulator.createWorkspace({ slug });
  emulator.addMembers(slug, members);
  return slug;
};

const add = (workspace: string, userIds: unknown) =>
  call("POST", `/workspaces/${workspace}/members/add`, { body: { user_ids: userIds } });
const remove = (workspace: string, userIds: unknown) =>
  call("POST", `/workspaces/${workspace}/members/remove`, { body: { user_ids: userIds } });

const errorShape = (code: number, message: string | RegExp) => ({
  error: expect.objectContaining({ code, message: typeof message === "string" ? message : expect.stringMatching(message) }),
  user_id: null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("authentication", () => {
  it("answers 401 without an Authorization header", async () => {
    const reply = await call("GET", "/workspaces", { key: null });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(errorShape(401, /credentials/));
  });

  it("answers 401 for an unknown key, without echoing it", async () => {
    const reply = await call("GET", "/workspaces", { key: "sk-or-v1-not-a-real-key" });
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain("not-a-real-key");
  });

  it("answers 403 for a valid inference key", async () => {
    const reply = await call("GET", "/workspaces", { key: emulator.inferenceKey });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual(errorShape(403, /management key/));
  });

  it("accepts the management key", async () => {
    expect((await call("GET", "/workspaces")).status).toBe(200);
  });
});

describe("workspace routes", () => {
  it("creates a workspace: 201 with every documented field", async () => {
    const reply = await call("POST", "/workspaces", {
      body: { name: "Team A", slug: "team-a", description: "first", is_observability_broadcast_enabled: true },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.data).toEqual({
      id: expect.stringMatching(UUID),
      name: "Team A",
      slug: "team-a",
      description: "first",
      created_at: expect.stringMatching(ISO),
      updated_at: null,
      created_by: null,
      default_text_model: null,
      default_image_model: null,
      default_provider_sort: null,
      io_logging_sampling_rate: 1,
      io_logging_api_key_ids: null,
      is_data_discount_logging_enabled: false,
      is_observability_broadcast_enabled: true,
      is_observability_io_logging_enabled: false,
      disabled_server_tools: null,
      include_byok_in_budgets: false,
      default_guardrail_id: expect.any(String),
    });
  });

  it("gets a workspace by UUID and by slug alike, and 404s an absent one", async () => {
    const created = emulator.createWorkspace({ slug: "lookup-me", name: "Lookup" });
    const byId = await call("GET", `/workspaces/${created.id}`);
    const bySlug = await call("GET", "/workspaces/lookup-me");
    expect(byId.status).toBe(200);
    expect(bySlug.json).toEqual(byId.json);
    expect(byId.json.data).toEqual(created);
    const absent = await call("GET", "/workspaces/no-such-workspace");
    expect(absent.status).toBe(404);
    expect(absent.json).toEqual(errorShape(404, "Workspace not found"));
  });

  it("patches any subset of fields, sets updated_at and moves the slug", async () => {
    emulator.createWorkspace({ slug: "patch-me" });
    const reply = await call("PATCH", "/workspaces/patch-me", { body: { slug: "patched", default_text_model: "openai/gpt-4o" } });
    expect(reply.status).toBe(200);
    expect(reply.json.data).toMatchObject({ slug: "patched", default_text_model: "openai/gpt-4o", name: "patch-me" });
    expect(reply.json.data.updated_at).toMatch(ISO);
    expect((await call("GET", "/workspaces/patch-me")).status).toBe(404);
    expect((await call("GET", "/workspaces/patched")).status).toBe(200);
  });

  it("deletes a workspace: 200 { deleted: true }, then 404", async () => {
    emulator.createWorkspace({ slug: "delete-me" });
    const reply = await call("DELETE", "/workspaces/delete-me");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ deleted: true });
    expect(emulator.workspace("delete-me")).toBeUndefined();
    expect((await call("DELETE", "/workspaces/delete-me")).status).toBe(404);
  });

  it("refuses to delete the default workspace", async () => {
    const reply = await call("DELETE", `/workspaces/${emulator.defaultWorkspaceId}`);
    expect(reply.status).toBe(403);
    expect(emulator.workspace("default")).toBeDefined();
  });

  it("lists workspaces with total_count, default workspace first", async () => {
    const reply = await call("GET", "/workspaces?limit=100");
    expect(reply.status).toBe(200);
    expect(reply.json.total_count).toBe(reply.json.data.length);
    expect(reply.json.data[0]).toMatchObject({ id: emulator.defaultWorkspaceId, slug: "default" });
  });

  it.each([
    ["not JSON", "{name:", /not valid JSON/],
    ["an empty body", "", /body is required/],
    ["a JSON array", "[]", /must be a JSON object/],
    ["no name", JSON.stringify({ slug: "ok" }), /^name is required$/],
    ["no slug", JSON.stringify({ name: "ok" }), /^slug is required$/],
    ["an uppercase slug", JSON.stringify({ name: "x", slug: "Team" }), /^slug must be .*"Team"/],
    ["a leading hyphen", JSON.stringify({ name: "x", slug: "-team" }), /^slug must be/],
    ["a double hyphen", JSON.stringify({ name: "x", slug: "a--b" }), /^slug must be/],
    ["a trailing hyphen", JSON.stringify({ name: "x", slug: "team-" }), /^slug must be/],
    ["a camelCase field", JSON.stringify({ name: "x", slug: "x", defaultTextModel: "m" }), /Unknown field "defaultTextModel"/],
    ["a mistyped field", JSON.stringify({ name: "x", slug: "x", io_logging_sampling_rate: "1" }), /io_logging_sampling_rate must be a number/],
  ])("refuses a create with %s: 400 naming the problem", async (_case, rawBody, message) => {
    const reply = await call("POST", "/workspaces", { rawBody });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, message));
  });

  it("refuses a duplicate slug with 409 (on create and on patch)", async () => {
    emulator.createWorkspace({ slug: "taken" });
    emulator.createWorkspace({ slug: "other" });
    const create = await call("POST", "/workspaces", { body: { name: "x", slug: "taken" } });
    expect(create.status).toBe(409);
    expect(create.json).toEqual(errorShape(409, /"taken" already exists/));
    expect((await call("PATCH", "/workspaces/other", { body: { slug: "taken" } })).status).toBe(409);
  });

  it("answers 404 for an unknown path and 405 for a known path with another method", async () => {
    expect((await call("GET", "/keys")).status).toBe(404);
    const wrongMethod = await call("PUT", "/workspaces");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
  });
});

describe("member routes", () => {
  it("lists members: data of memberships and total_count", async () => {
    const slug = newWorkspace(["user_m2", "user_m1"]);
    const workspaceId = emulator.workspace(slug)?.id;
    const reply = await call("GET", `/workspaces/${slug}/members`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      total_count: 2,
      data: ["user_m1", "user_m2"].map((userId) => ({
        id: expect.stringMatching(UUID),
        user_id: userId,
        workspace_id: workspaceId,
        role: "member",
        created_at: expect.stringMatching(ISO),
      })),
    });
  });

  it("adds members with their organization role", async () => {
    const slug = newWorkspace();
    const reply = await add(slug, ["user_admin", "user_m1"]);
    expect(reply.status).toBe(200);
    expect(reply.json.added_count).toBe(2);
    expect(reply.json.data.map((m: { user_id: string; role: string }) => [m.user_id, m.role])).toEqual([
      ["user_admin", "admin"],
      ["user_m1", "member"],
    ]);
    expect(emulator.memberIds(slug)).toEqual(["user_admin", "user_m1"]);
  });

  it("is idempotent: re-adding returns the same memberships with added_count 0", async () => {
    const slug = newWorkspace();
    const first = await add(slug, ["user_m1", "user_m2"]);
    const again = await add(slug, ["user_m2", "user_m1", "user_m1"]);
    expect(again.status).toBe(200);
    expect(again.json.added_count).toBe(0);
    expect(again.json.data.map((m: { id: string }) => m.id).sort()).toEqual(first.json.data.map((m: { id: string }) => m.id).sort());
  });

  it("counts a member whose role is brought back to the org role as updated", async () => {
    const slug = newWorkspace(["user_admin"]);
    emulator.setMemberRole(slug, "user_admin", "member");
    const reply = await add(slug, ["user_admin"]);
    expect(reply.json.added_count).toBe(1);
    expect(reply.json.data[0].role).toBe("admin");
    expect(emulator.member(slug, "user_admin")?.role).toBe("admin");
  });

  it.each([["add"], ["remove"]])("refuses to %s members of the default workspace", async (verb) => {
    const reply = await call("POST", `/workspaces/default/members/${verb}`, { body: { user_ids: ["user_m1"] } });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual(errorShape(403, "Cannot modify members of the default workspace"));
    expect(emulator.memberIds("default")).toContain("user_m1");
  });

  it.each([
    ["empty", { user_ids: [] }],
    ["missing", {}],
  ])("answers 400 user_ids is required when user_ids is %s", async (_case, body) => {
    const slug = newWorkspace();
    for (const verb of ["add", "remove"]) {
      const reply = await call("POST", `/workspaces/${slug}/members/${verb}`, { body });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual(errorShape(400, "user_ids is required"));
    }
  });

  it("answers 400 naming a blank or non-string user id", async () => {
    const slug = newWorkspace();
    const reply = await add(slug, ["user_m1", 7]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, "user_ids[1] must be a non-empty string, got 7"));
  });

  it("refuses more user_ids than maxUserIdsPerRequest with a 400 naming the limit", async () => {
    emulator.configure({ maxUserIdsPerRequest: 2 });
    const slug = newWorkspace();
    const reply = await add(slug, ["user_m1", "user_m2", "user_m3"]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, "user_ids may hold at most 2 entries, got 3"));
    expect((await add(slug, ["user_m1", "user_m2"])).status).toBe(200);
  });

  it("rejects the whole add when a user is outside the organization (default mode)", async () => {
    const slug = newWorkspace();
    const reply = await add(slug, ["user_m1", "user_stranger"]);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(errorShape(400, "Some users are not members of the organization"));
    expect(reply.json.error.metadata).toEqual({ user_ids: ["user_stranger"] });
    expect(emulator.memberIds(slug)).toEqual([]);
  });

  it("leaves users outside the organization out of data in leave-out mode", async () => {
    emulator.configure({ nonOrgUsers: "leave-out" });
    const slug = newWorkspace();
    const reply = await add(slug, ["user_m1", "user_stranger"]);
    expect(reply.status).toBe(200);
    expect(reply.json.added_count).toBe(1);
    expect(reply.json.data.map((m: { user_id: string }) => m.user_id)).toEqual(["user_m1"]);
    expect(emulator.memberIds(slug)).toEqual(["user_m1"]);
  });

  it("removes members; a non-member is skipped and not counted", async () => {
    const slug = newWorkspace(["user_m1", "user_m2"]);
    const reply = await remove(slug, ["user_m1", "user_m3", "user_stranger"]);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ removed_count: 1 });
    expect(emulator.memberIds(slug)).toEqual(["user_m2"]);
  });

  it("refuses to remove a SCIM-managed member with 403 and removes nobody", async () => {
    const slug = newWorkspace(["user_m1", "user_scim"]);
    const reply = await remove(slug, ["user_m1", "user_scim"]);
    expect(reply.status).toBe(403);
    expect(reply.json.error.message).toContain("user_scim");
    expect(reply.json.error.message).toMatch(/identity provider/);
    expect(reply.json.error.message).not.toContain("user_m1");
    expect(emulator.memberIds(slug)).toEqual(["user_m1", "user_scim"]);
  });

  it("refuses to remove a member with an active API key with 400 and removes nobody", async () => {
    const slug = newWorkspace(["user_m1", "user_keyholder"]);
    emulator.giveApiKey(slug, "user_keyholder");
    const reply = await remove(slug, ["user_m1", "user_keyholder"]);
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toContain("user_keyholder");
    expect(reply.json.error.message).toMatch(/delete their API keys first/i);
    expect(emulator.memberIds(slug)).toEqual(["user_keyholder", "user_m1"]);

    emulator.revokeApiKeys(slug, "user_keyholder");
    expect((await remove(slug, ["user_keyholder"])).json).toEqual({ removed_count: 1 });
  });

  it("counts an API key only in its own workspace", async () => {
    const keyed = newWorkspace(["user_keyholder"]);
    const other = newWorkspace(["user_keyholder"]);
    emulator.giveApiKey(keyed, "user_keyholder");
    expect((await remove(other, ["user_keyholder"])).json).toEqual({ removed_count: 1 });
  });
});

describe("pagination", () => {
  let slug: string;
  const userIds = Array.from({ length: 250 }, (_, i) => `user_p${String(249 - i).padStart(3, "0")}`);

  beforeAll(() => {
    emulator.addUsers(userIds);
    slug = newWorkspace(userIds);
  });

  it("pages members by offset and limit, ordered by user id, with total_count", async () => {
    const pages = [];
    for (const offset of [0, 100, 200]) pages.push((await call("GET", `/workspaces/${slug}/members?offset=${offset}&limit=100`)).json);
    expect(pages.map((page) => page.data.length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.total_count)).toEqual([250, 250, 250]);
    const listed = pages.flatMap((page) => page.data.map((m: { user_id: string }) => m.user_id));
    expect(listed).toEqual([...userIds].sort());
  });

  it("defaults to 50 a page and answers an offset past the end with an empty page", async () => {
    expect((await call("GET", `/workspaces/${slug}/members`)).json.data).toHaveLength(50);
    const past = await call("GET", `/workspaces/${slug}/members?offset=300`);
    expect(past.json).toEqual({ data: [], total_count: 250 });
  });

  it.each([["limit=101"], ["limit=0"], ["limit=abc"], ["offset=-1"], ["limit=1.5"]])(
    "refuses %s with a 400 naming the parameter",
    async (query) => {
      const reply = await call("GET", `/workspaces/${slug}/members?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.json.error.message).toMatch(new RegExp(`^${query.split("=")[0]} must be an integer`));
    },
  );

  it("serves smaller pages than asked when pageSizeCap is set", async () => {
    emulator.configure({ pageSizeCap: 30 });
    const reply = await call("GET", `/workspaces/${slug}/members?limit=100`);
    expect(reply.json.data).toHaveLength(30);
    expect(reply.json.total_count).toBe(250);
  });

  it("pages workspaces the same way", async () => {
    const all = (await call("GET", "/workspaces?limit=100")).json;
    const second = (await call("GET", "/workspaces?offset=1&limit=2")).json;
    expect(second.total_count).toBe(all.total_count);
    expect(second.data).toEqual(all.data.slice(1, 3));
  });
});

describe("workspace addressing in the path", () => {
  it("decodes the id segment once", async () => {
    emulator.createWorkspace({ slug: "encoded" });
    expect((await call("GET", "/workspaces/%65ncoded")).status).toBe(200);
    expect((await call("GET", "/workspaces/%2565ncoded")).status).toBe(404);
  });

  it("treats ..%2Fkeys as a workspace that does not exist", async () => {
    const reply = await call("GET", "/workspaces/..%2Fkeys");
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual(errorShape(404, "Workspace not found"));
    expect(emulator.log.entries.at(-1)?.route).toBe("GET /workspaces/:id");
  });

  it("never resolves dot segments: /workspaces/../keys is not found", async () => {
    const reply = await rawGet("/api/v1/workspaces/../workspaces");
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual(errorShape(404, "Not Found"));
  });

  it("does not let an encoded slash reach a member route", async () => {
    const slug = newWorkspace(["user_m1"]);
    expect((await call("GET", `/workspaces/${slug}%2Fmembers`)).status).toBe(404);
  });
});

describe("scripted faults", () => {
  it("answers a status with the error body, Retry-After and retry-after-ms, `times` times", async () => {
    emulator.faults.add({ route: "GET /workspaces", status: 503, times: 2, retryAfter: 3, retryAfterMs: 2500 });
    const first = await call("GET", "/workspaces");
    expect(first.status).toBe(503);
    expect(first.json).toEqual(errorShape(503, "Service Unavailable"));
    expect(first.headers.get("retry-after")).toBe("3");
    expect(first.headers.get("retry-after-ms")).toBe("2500");
    expect((await call("GET", "/workspaces")).status).toBe(503);
    expect((await call("GET", "/workspaces")).status).toBe(200);
    expect(emulator.faults.remaining()).toEqual([]);
  });

  it("sends Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 5000);
    emulator.faults.add({ route: "*", status: 429, retryAfter: at });
    const reply = await call("GET", "/workspaces");
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe(at.toUTCString());
  });

  it("only affects its route, and `skip` lets matching requests through first", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 500, skip: 1 });
    expect((await call("GET", `/workspaces/${slug}/members`)).status).toBe(200);
    expect((await add(slug, ["user_m1"])).status).toBe(200);
    expect((await add(slug, ["user_m2"])).status).toBe(500);
    expect(emulator.memberIds(slug)).toEqual(["user_m1"]);
  });

  it("refuses a status fault before the change is applied", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 502 });
    expect((await add(slug, ["user_m1"])).status).toBe(502);
    expect(emulator.memberIds(slug)).toEqual([]);
  });

  it("applies the change, then fails, with applyFirst and a status", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 500, applyFirst: true });
    expect((await add(slug, ["user_m1"])).status).toBe(500);
    expect(emulator.memberIds(slug)).toEqual(["user_m1"]);
    expect(emulator.log.entries.at(-1)?.fault).toBe("script:apply-then-500");
  });

  it("drops the connection without an answer and without applying", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", drop: true });
    await expect(add(slug, ["user_m1"])).rejects.toThrow("fetch failed");
    expect(emulator.memberIds(slug)).toEqual([]);
    expect(emulator.log.entries.at(-1)).toMatchObject({ status: "dropped", clientAborted: false, fault: "script:drop" });
  });

  it("loses the response of an applied change with applyFirst and drop", async () => {
    const slug = newWorkspace(["user_m1"]);
    emulator.faults.add({ route: "POST /workspaces/:id/members/remove", drop: true, applyFirst: true });
    await expect(remove(slug, ["user_m1"])).rejects.toThrow("fetch failed");
    expect(emulator.memberIds(slug)).toEqual([]);
    expect(emulator.log.entries.at(-1)?.status).toBe("dropped");
  });

  it("stalls past a client timeout; the abandoned request changes nothing", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", delayMs: 1000 });
    await expect(
      call("POST", `/workspaces/${slug}/members/add`, { body: { user_ids: ["user_m1"] }, timeoutMs: 100 }),
    ).rejects.toThrow(/timeout|aborted/i);
    // Past the end of the stall, when the change would have been made: nothing was.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(emulator.memberIds(slug)).toEqual([]);
    expect(emulator.log.entries.at(-1)).toMatchObject({ clientAborted: true, fault: "script:delay" });
  });

  it("answers normally after a stall the client waits out", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", delayMs: 80 });
    const reply = await add(slug, ["user_m1"]);
    expect(reply.status).toBe(200);
    expect(emulator.log.entries.at(-1)?.durationMs).toBeGreaterThanOrEqual(75);
  });

  it("truncates the real answer's JSON (the change was made)", async () => {
    const slug = newWorkspace();
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", malformed: "truncated" });
    const reply = await add(slug, ["user_m1"]);
    expect(reply.status).toBe(200);
    expect(reply.json).toBeUndefined();
    expect(reply.text.startsWith('{"added_count":1')).toBe(true);
    expect(emulator.memberIds(slug)).toEqual(["user_m1"]);
  });

  it("sends the real answer with wrong types", async () => {
    const slug = newWorkspace(["user_m1"]);
    emulator.faults.add({ route: "GET /workspaces/:id/members", malformed: "wrong-types" });
    const reply = await call("GET", `/workspaces/${slug}/members`);
    expect(reply.json.total_count).toBe("1");
    expect(typeof reply.json.data[0].user_id).toBe("number");
  });

  it("sends a non-JSON page", async () => {
    emulator.faults.add({ route: "GET /workspaces", malformed: "not-json" });
    const reply = await call("GET", "/workspaces");
    expect(reply.headers.get("content-type")).toBe("text/html");
    expect(reply.json).toBeUndefined();
  });

  it("can be armed at start", async () => {
    const other = await startEmulator({ faults: [{ route: "GET /workspaces", status: 504 }] });
    try {
      expect((await call("GET", "/workspaces", { on: other })).status).toBe(504);
      expect((await call("GET", "/workspaces", { on: other })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("refuses a fault that does nothing", () => {
    expect(() => emulator.faults.add({ route: "GET /workspaces" })).toThrow(/no effect/);
  });
});

describe("random faults, latency and rate limit", () => {
  async function statusesFor(options: EmulatorOptions, count: number): Promise<Array<number | "dropped">> {
    const other = await startEmulator(options);
    try {
      for (let i = 0; i < count; i++) await call("GET", "/workspaces", { on: other }).catch(() => undefined);
      return other.log.entries.map((entry) => entry.status);
    } finally {
      await other.close();
    }
  }

  it("draws the same faults for the same seed and request sequence", async () => {
    const randomFaults: RandomFaults = { rate: 0.5, kinds: ["429", "500", "503", "drop"] };
    const first = await statusesFor({ seed: "s1", randomFaults }, 40);
    const again = await statusesFor({ seed: "s1", randomFaults }, 40);
    const otherSeed = await statusesFor({ seed: "s2", randomFaults }, 40);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(first).toContain(200);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it("sends Retry-After with a random 429", async () => {
    emulator.configure({ randomFaults: { rate: 1, kinds: ["429"], retryAfterSeconds: 2 } });
    const reply = await call("GET", "/workspaces");
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("2");
    expect(emulator.log.entries.at(-1)).toMatchObject({ fault: "random:429", retryAfterMs: 2000 });
  });

  it("drops, stalls and slows down at random, on the routes chosen", async () => {
    emulator.configure({ randomFaults: { rate: 1, kinds: ["drop"], routes: ["GET /workspaces"] } });
    await expect(call("GET", "/workspaces")).rejects.toThrow("fetch failed");
    expect((await call("GET", "/workspaces/default")).status).toBe(200);

    emulator.configure({ randomFaults: { rate: 1, kinds: ["stall"], stallMs: 5000 } });
    await expect(call("GET", "/workspaces", { timeoutMs: 100 })).rejects.toThrow(/timeout|aborted/i);

    emulator.configure({ randomFaults: { rate: 1, kinds: ["latency"], latencyMs: 60 } });
    expect((await call("GET", "/workspaces")).status).toBe(200);
    expect(emulator.log.entries.at(-1)?.durationMs).toBeGreaterThanOrEqual(55);
  });

  it("applies then drops at random when that kind is chosen", async () => {
    const slug = newWorkspace();
    emulator.configure({ randomFaults: { rate: 1, kinds: ["apply-then-drop"] } });
    await expect(add(slug, ["user_m1"])).rejects.toThrow("fetch failed");
    expect(emulator.memberIds(slug)).toEqual(["user_m1"]);
  });

  it("adds latency to every request, counted from its arrival and never cut short", async () => {
    emulator.configure({ latencyMs: 40 });
    await call("GET", "/workspaces");
    expect(emulator.log.entries.at(-1)?.durationMs).toBeGreaterThanOrEqual(40);
  });

  it("applies a request that meets no fault on arrival and holds its answer for the latency", async () => {
    const slug = newWorkspace();
    emulator.configure({ latencyMs: 400 });
    const answered = add(slug, ["user_m1"]);
    // The change is made while the answer still waits: a service's own work is inside its latency.
    while (emulator.memberIds(slug).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emulator.log.inFlight).toBe(1);
    expect(emulator.log.entries).toEqual([]);
    await answered;
    expect(emulator.log.entries.at(-1)?.durationMs).toBeGreaterThanOrEqual(400);
  });

  it("rate limits with 429, Retry-After and retry-after-ms, then lets requests through again", async () => {
    emulator.configure({ rateLimit: { requests: 3, windowMs: 1000 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("GET", "/workspaces")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call("GET", "/workspaces");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    const waitMs = Number(limited.headers.get("retry-after-ms"));
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(1000);
    expect(limited.json).toEqual(errorShape(429, "Rate limit exceeded"));
    await new Promise((resolve) => setTimeout(resolve, waitMs + 10));
    expect((await call("GET", "/workspaces")).status).toBe(200);
  });

  it("refuses a random fault rate outside 0..1", () => {
    expect(() => emulator.configure({ randomFaults: { rate: 2 } })).toThrow(/rate must be a number from 0 to 1/);
  });
});

describe("request log", () => {
  it("records method, raw path, route, status, user_ids count and time", async () => {
    const slug = newWorkspace();
    const before = Date.now();
    await add(slug, ["user_m1", "user_m2"]);
    await call("GET", `/workspaces/${slug}/members?limit=10`);
    await call("GET", "/nowhere");
    expect(emulator.log.entries).toEqual([
      expect.objectContaining({
        method: "POST",
        path: `/api/v1/workspaces/${slug}/members/add`,
        route: "POST /workspaces/:id/members/add",
        status: 200,
        userIdsCount: 2,
        time: expect.any(Number),
      }),
      expect.objectContaining({ path: `/api/v1/workspaces/${slug}/members?limit=10`, route: "GET /workspaces/:id/members", userIdsCount: undefined }),
      expect.objectContaining({ path: "/api/v1/nowhere", route: undefined, status: 404 }),
    ]);
    expect(emulator.log.entries[0]?.time).toBeGreaterThanOrEqual(before);
    expect(emulator.log.countByRoute()).toEqual({
      "POST /workspaces/:id/members/add": 1,
      "GET /workspaces/:id/members": 1,
      unmatched: 1,
    });
    emulator.log.clear();
    expect(emulator.log.entries).toEqual([]);
  });

  it("tracks the most requests in flight at once", async () => {
    emulator.configure({ latencyMs: 300 });
    await Promise.all(Array.from({ length: 5 }, () => call("GET", "/workspaces")));
    expect(emulator.log.maxInFlight).toBe(5);
    expect(emulator.log.inFlight).toBe(0);
    emulator.log.clear();
    await call("GET", "/workspaces");
    expect(emulator.log.maxInFlight).toBe(1);
  });

  it("records how long the client waited after being asked to retry later", async () => {
    emulator.faults.add({ route: "GET /workspaces", status: 429, retryAfterMs: 50 });
    await call("GET", "/workspaces");
    await new Promise((resolve) => setTimeout(resolve, 60));
    await call("GET", "/workspaces");
    const [wait] = emulator.log.retryAfterWaits();
    expect(wait).toMatchObject({ route: "GET /workspaces", askedMs: 50 });
    expect(wait?.waitedMs).toBeGreaterThanOrEqual(50);
  });
});

describe("connections and lifecycle", () => {
  it("keeps connections alive between requests and still closes promptly", async () => {
    const other = await startEmulator();
    const agent = new Agent({ keepAlive: true });
    const get = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = httpRequest(
          { host: other.host, port: other.port, path: "/api/v1/workspaces", agent, headers: { authorization: `Bearer ${other.managementKey}` } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(req.reusedSocket));
          },
        );
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await get()).toBe(false);
      expect(await get()).toBe(true);
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      agent.destroy();
      await other.close();
    }
  });

  it("generates the same ids and keys from the same seed", async () => {
    const [a, b] = await Promise.all([startEmulator({ seed: "same" }), startEmulator({ seed: "same" })]);
    try {
      expect(a.defaultWorkspaceId).toBe(b.defaultWorkspaceId);
      expect(a.managementKey).toBe(b.managementKey);
      expect(a.createWorkspace({ slug: "x" }).id).toBe(b.createWorkspace({ slug: "x" }).id);
      expect(a.managementKey).not.toBe(emulator.managementKey);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("admin surface", () => {
  it("changes made by hand show through the API", async () => {
    const slug = newWorkspace(["user_m1", "user_m2"]);
    emulator.removeMembers(slug, ["user_m1"]);
    emulator.setMemberRole(slug, "user_m2", "admin");
    const listed = (await call("GET", `/workspaces/${slug}/members`)).json;
    expect(listed.data.map((m: { user_id: string; role: string }) => [m.user_id, m.role])).toEqual([["user_m2", "admin"]]);
    emulator.deleteWorkspace(slug);
    expect((await call("GET", `/workspaces/${slug}/members`)).status).toBe(404);
  });

  it("puts every organization user in the default workspace with their org role", () => {
    emulator.addUsers([{ id: "user_late", role: "admin" }]);
    expect(emulator.memberIds("default")).toContain("user_late");
    expect(emulator.member("default", "user_late")?.role).toBe("admin");
    emulator.setUserRole("user_late", "member");
    expect(emulator.member("default", "user_late")?.role).toBe("member");
  });

  it("throws a plain error naming an absent workspace", () => {
    expect(() => emulator.memberIds("nope")).toThrow('The emulator has no workspace "nope"');
  });

  it("creates workspaces with members at start", async () => {
    const other = await startEmulator({ users: ["user_x"], workspaces: [{ slug: "seeded", members: ["user_x"] }] });
    try {
      expect(other.memberIds("seeded")).toEqual(["user_x"]);
    } finally {
      await other.close();
    }
  });
});

describe("scale", () => {
  it("holds 10,000 members and pages through them in order", async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `user_s${String(i).padStart(5, "0")}`);
    emulator.addUsers(ids);
    const slug = newWorkspace();
    for (let i = 0; i < ids.length; i += 100) expect((await add(slug, ids.slice(i, i + 100))).status).toBe(200);
    const listed: string[] = [];
    for (let offset = 0; offset < ids.length; offset += 100) {
      const page = (await call("GET", `/workspaces/${slug}/members?offset=${offset}&limit=100`)).json;
      expect(page.total_count).toBe(10_000);
      listed.push(...page.data.map((m: { user_id: string }) => m.user_id));
    }
    expect(listed).toEqual(ids);
  });
});

describe("command line", () => {
  it("prints a URL and a management key that work, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(__dirname, "..", "..", "provider", "testing", "cli.ts"), "--port", "0", "--seed", "demo"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 20_000);
        child.stdout.on("data", () => {
          if (/OPENROUTER_MANAGEMENT_KEY=\S+\n/.test(output) && output.includes("workspace demo-research")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = /OPENROUTER_BASE_URL=(\S+)/.exec(output)?.[1] as string;
      const key = /OPENROUTER_MANAGEMENT_KEY=(\S+)/.exec(output)?.[1] as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
      const response = await fetch(`${url}/workspaces/demo-platform/members`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await response.json()) as { data: Array<{ user_id: string }> };
      expect(body.data.map((m) => m.user_id)).toEqual(["user_alice", "user_bob", "user_erin"]);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toContain("Emulator stopped (SIGTERM)");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
