/**
 * The lookup functions (issue #7) against the emulator over real loopback HTTP: every page
 * read, settings resolved like the resources' (options, then stack config, then the
 * environment), the same errors, and the `...Output` variants inside a program.
 */
import * as pulumi from "@pulumi/pulumi";
import { OpenRouterApiError, OpenRouterConfigError } from "../../provider/core/errors";
import {
  getWorkspace,
  getWorkspaceMembers,
  getWorkspaceMembersOutput,
  getWorkspaceOutput,
  listWorkspaces,
} from "../../provider/lookups/workspaces";
import { getOrganizationMembers, getOrganizationMembersOutput } from "../../provider/lookups/organization";
import { startEmulator, type Emulator } from "../../provider/testing";
import { inFreshProcess } from "../support/fresh-process";
import { saveEnvironment, type SavedEnvironment } from "../support/environment";

const USERS = Array.from({ length: 23 }, (_, i) => `user_${String(i).padStart(2, "0")}`);
const ENV_KEYS = ["OPENROUTER_MANAGEMENT_KEY", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "OPENROUTER_CONCURRENCY"] as const;

let emulator: Emulator;
let savedEnv: SavedEnvironment;

beforeAll(async () => {
  // Short pages force several requests per listing.
  emulator = await startEmulator({ seed: "lookups", users: USERS, pageSizeCap: 5 });
  emulator.createWorkspace({ slug: "platform", name: "Platform" });
  emulator.addMembers("platform", [...USERS].reverse());
  for (let i = 0; i < 11; i++) emulator.createWorkspace({ slug: `team-${i}` });
  savedEnv = saveEnvironment(ENV_KEYS);
});

beforeEach(() => {
  savedEnv.clear();
  process.env.OPENROUTER_MANAGEMENT_KEY = emulator.managementKey;
  process.env.OPENROUTER_BASE_URL = emulator.url;
  pulumi.runtime.setAllConfig({}, []);
  emulator.log.clear();
});

afterAll(async () => {
  savedEnv.restore();
  pulumi.runtime.setAllConfig({}, []);
  await emulator.close();
});

function requestsTo(route: string): number {
  return emulator.log.entries.filter((e) => e.route === route).length;
}

describe("getWorkspace", () => {
  it("reads a workspace by slug or UUID with every field, camelCase", async () => {
    const bySlug = await getWorkspace("platform");
    const stored = emulator.workspace("platform");
    expect(bySlug).toMatchObject({
      id: stored?.id,
      slug: "platform",
      name: "Platform",
      createdAt: stored?.created_at,
      ioLoggingSamplingRate: stored?.io_logging_sampling_rate,
      isObservabilityIoLoggingEnabled: stored?.is_observability_io_logging_enabled,
    });
    expect(await getWorkspace(bySlug.id)).toEqual(bySlug);
  });

  it("throws the client's OpenRouterApiError with status 404 for a workspace that does not exist", async () => {
    expect.assertions(2);
    try {
      await getWorkspace("nope");
    } catch (error) {
      expect(error).toBeInstanceOf(OpenRouterApiError);
      expect(error).toMatchObject({ status: 404, message: "Workspace not found (404 GET /workspaces/nope)" });
    }
  });
});

describe("listWorkspaces", () => {
  it("reads every page", async () => {
    const all = await listWorkspaces();
    expect(all.map((w) => w.slug)).toEqual(["default", "platform", ...Array.from({ length: 11 }, (_, i) => `team-${i}`)]);
    expect(requestsTo("GET /workspaces")).toBeGreaterThanOrEqual(3);
  });
});

describe("getWorkspaceMembers", () => {
  it("reads every page and returns the members sorted, with the workspace's UUID", async () => {
    const result = await getWorkspaceMembers("platform");
    expect(result.workspaceId).toBe("platform");
    expect(result.workspaceUuid).toBe(emulator.workspace("platform")?.id);
    expect(result.userIds).toEqual(USERS);
    expect(result.memberships.map((m) => m.userId)).toEqual(USERS);
    expect(result.memberships[0]).toMatchObject({ workspaceId: result.workspaceUuid, role: "member" });
    expect(requestsTo("GET /workspaces/:id/members")).toBeGreaterThanOrEqual(5);
  });

  it("fails with status 404 before listing when the workspace does not exist", async () => {
    await expect(getWorkspaceMembers("nope")).rejects.toMatchObject({ status: 404 });
    expect(requestsTo("GET /workspaces/:id/members")).toBe(0);
  });
});

describe("getOrganizationMembers (issue 15)", () => {
  it("reads every page of the directory, sorted by user id, with emails, names and roles", async () => {
    const { members } = await getOrganizationMembers();
    expect(members.map((m) => m.userId)).toEqual(USERS);
    expect(members[0]).toEqual({
      userId: "user_00",
      email: emulator.user("user_00")?.email,
      firstName: emulator.user("user_00")?.firstName,
      lastName: emulator.user("user_00")?.lastName,
      role: "org:member",
    });
    // 23 people, pages of at most 5.
    expect(requestsTo("GET /organization/members")).toBe(5);
  });

  it("fetches the pages settings.concurrency at a time", async () => {
    emulator.configure({ latencyMs: 20 });
    try {
      process.env.OPENROUTER_CONCURRENCY = "1";
      await getOrganizationMembers();
      expect(emulator.log.maxInFlight).toBe(1);
      emulator.log.clear();
      process.env.OPENROUTER_CONCURRENCY = "3";
      await getOrganizationMembers();
      expect(emulator.log.maxInFlight).toBeGreaterThan(1);
      expect(emulator.log.maxInFlight).toBeLessThanOrEqual(3);
    } finally {
      emulator.configure({ latencyMs: 0 });
    }
  });

  it("as an Output, inside a program", async () => {
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (a) => a.inputs });
    const result = await new Promise<{ members: { userId: string }[] }>((resolve) => getOrganizationMembersOutput().apply(resolve));
    expect(result.members.map((m) => m.userId)).toEqual(USERS);
  });
});

describe("settings", () => {
  it("reads the program's stack config (the key as a secret) before the environment", async () => {
    process.env.OPENROUTER_MANAGEMENT_KEY = "sk-or-v1-wrong";
    process.env.OPENROUTER_BASE_URL = "http://127.0.0.1:9/api/v1";
    pulumi.runtime.setAllConfig(
      { "openrouter:managementKey": emulator.managementKey, "openrouter:baseUrl": emulator.url },
      ["openrouter:managementKey"],
    );
    expect((await getWorkspace("platform")).slug).toBe("platform");
  });

  it("takes explicit options over both", async () => {
    process.env.OPENROUTER_MANAGEMENT_KEY = "sk-or-v1-wrong";
    process.env.OPENROUTER_BASE_URL = "http://127.0.0.1:9/api/v1";
    const workspaces = await listWorkspaces({ baseUrl: emulator.url, managementKey: emulator.managementKey });
    expect(workspaces.length).toBe(13);
  });

  it("fails naming every place a key can be set, and refuses plain http off loopback", async () => {
    delete process.env.OPENROUTER_MANAGEMENT_KEY;
    await expect(getWorkspace("platform")).rejects.toThrow(/openrouter:managementKey.*OPENROUTER_MANAGEMENT_KEY.*OPENROUTER_API_KEY/);
    await expect(getWorkspace("platform", { managementKey: "k", baseUrl: "http://example.com/api/v1" })).rejects.toBeInstanceOf(
      OpenRouterConfigError,
    );
  });

  it("never shows the key in an error", async () => {
    const key = "sk-or-v1-not-a-real-key-0123456789";
    const error = await getWorkspace("platform", { managementKey: key }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.stringify(error)).not.toContain(key);
    expect(String((error as Error).message)).not.toContain(key);
    expect((error as Error).message).toContain("The management key in the program option managementKey was not accepted");
  });

  // Issue 16, item 1: under a wrong base URL every route is a 404, which must not read as "no such workspace".
  it.each(["/v1", ""])("a base URL ending in %j fails saying it looks wrong, naming where it was set", async (path) => {
    process.env.OPENROUTER_BASE_URL = emulator.url.replace(/\/api\/v1$/, path);
    const error = await getWorkspaceMembers("platform").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConfigError);
    expect((error as Error).message).toMatch(/^The base URL http:\/\/127\.0\.0\.1:\d+(\/v1)? \(the environment variable OPENROUTER_BASE_URL\) looks wrong/);
    expect(requestsTo("GET /workspaces/:id/members")).toBe(0);
  });

  // Issue 16, item 6: a secret read from config is an Output, the commonest wrong type.
  it("a key passed as an Output is a settings error saying what to pass, sent nowhere", async () => {
    const key = pulumi.secret(emulator.managementKey);
    const error = await getWorkspace("platform", { managementKey: key as unknown as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterConfigError);
    expect((error as Error).message).toMatch(/^The program option managementKey must be a string, not a Pulumi Output; lookups need the plain value/);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe("Output variants", () => {
  async function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
  }

  it("resolve from an Input inside a program", async () => {
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (a) => a.inputs });
    const slug = pulumi.output(Promise.resolve("platform"));
    const workspace = await valueOf(getWorkspaceOutput(slug));
    const members = await valueOf(getWorkspaceMembersOutput(workspace.id));
    expect(workspace.slug).toBe("platform");
    expect(members.workspaceUuid).toBe(workspace.id);
    expect(members.userIds).toEqual(USERS);
  });

  it("send no request during a preview while the input is still unknown", async () => {
    // An empty id from the mock is what a preview gives a resource not yet created.
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: "", state: args.inputs }), call: (a) => a.inputs },
      "project",
      "stack",
      true,
    );
    class Thing extends pulumi.CustomResource {
      constructor(name: string) {
        super("test:index:Thing", name, {});
      }
    }
    const resource = new Thing("thing");
    const lookedUp = getWorkspaceMembersOutput(resource.id);
    // Once the output is settled as unknown, Pulumi runs none of its applies: the lookup,
    // which runs inside one, can send nothing (no waiting on a clock for a request not to
    // come). `isKnown` is the SDK's own (untyped) promise that settles with the value.
    expect(await (lookedUp as unknown as { isKnown: Promise<boolean> }).isKnown).toBe(false);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe("importing the package", () => {
  it("loads neither zod nor undici until a lookup runs", () => {
    const loadedModules = inFreshProcess([
      'require("./provider/index.ts");',
      'process.stdout.write(JSON.stringify({ zod: loaded("zod"), undici: loaded("undici") }));',
    ]);
    expect(loadedModules).toEqual({ zod: false, undici: false });
  });
});
