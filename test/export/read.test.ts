/**
 * `exportOrganization` against the emulator over loopback HTTP (issue 20): every page of
 * every listing, the default workspace never read, a subset by slug or UUID, progress, the
 * concurrency bound, settings resolved from options then the environment.
 */
import { OpenRouterApiError, OpenRouterArgumentError, OpenRouterConfigError } from "../../provider/core/errors";
import { exportOrganization, type ExportProgress } from "../../provider/export/index";
import { startEmulator, type Emulator } from "../../provider/testing";
import { saveEnvironment, type SavedEnvironment } from "../support/environment";

const USERS = Array.from({ length: 30 }, (_, i) => ({ id: `user_${String(i).padStart(2, "0")}`, email: `person${i}@example.com` }));
const ENV_KEYS = ["OPENROUTER_MANAGEMENT_KEY", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "OPENROUTER_CONCURRENCY"] as const;

let emulator: Emulator;
let savedEnv: SavedEnvironment;

beforeAll(async () => {
  // Short pages: every listing takes several requests.
  emulator = await startEmulator({ seed: "export-read", users: USERS, pageSizeCap: 7 });
  for (let i = 0; i < 12; i++) {
    emulator.createWorkspace({ slug: `team-${String(i).padStart(2, "0")}` });
    emulator.addMembers(`team-${String(i).padStart(2, "0")}`, USERS.slice(0, i * 2).map((user) => user.id));
  }
  emulator.addMembers("team-11", USERS.map((user) => user.id));
  savedEnv = saveEnvironment(ENV_KEYS);
});

beforeEach(() => {
  savedEnv.clear();
  emulator.log.clear();
});

afterAll(async () => {
  savedEnv.restore();
  await emulator.close();
});

const connection = () => ({ baseUrl: emulator.url, managementKey: emulator.managementKey });
const requests = (route: string) => emulator.log.entries.filter((entry) => entry.route === route);

describe("exportOrganization", () => {
  it("reads every page of the workspaces, the directory and each workspace's members, and never the default workspace's members", async () => {
    const exported = await exportOrganization(connection());

    expect(exported.entries.map((entry) => entry.key)).toEqual(Array.from({ length: 12 }, (_, i) => `team-${String(i).padStart(2, "0")}`));
    expect(exported.entries.map((entry) => entry.emails.length)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 30]);
    expect(exported.people).toBe(30);
    expect(exported.defaultWorkspaceId).toBe(emulator.defaultWorkspaceId);
    // 13 workspaces (the default one too) in pages of 7; 30 people in pages of 7.
    expect(requests("GET /workspaces")).toHaveLength(2);
    expect(requests("GET /organization/members")).toHaveLength(5);
    const listed = requests("GET /workspaces/:id/members").map((entry) => entry.path);
    expect(listed.some((path) => path.includes(emulator.defaultWorkspaceId))).toBe(false);
    // team-00 and team-01: one page each; then ceil(members / 7), and 30 members take 5.
    expect(listed).toHaveLength(1 + 1 + 1 + 1 + 2 + 2 + 2 + 2 + 3 + 3 + 3 + 5);
    expect(requests("GET /workspaces/:id/budgets")).toHaveLength(12);
    expect(emulator.log.entries.every((entry) => entry.method === "GET")).toBe(true);
  });

  it("keeps at most `concurrency` requests in flight, and reports progress workspace by workspace", async () => {
    emulator.configure({ latencyMs: 5 });
    process.env.OPENROUTER_CONCURRENCY = "2";
    const progress: ExportProgress[] = [];
    try {
      await exportOrganization({ ...connection(), onProgress: (event) => progress.push(event) });
    } finally {
      emulator.configure({ latencyMs: 0 });
    }
    expect(emulator.log.maxInFlight).toBeLessThanOrEqual(2);
    expect(progress[0]).toEqual({ kind: "listed", workspaces: 12, people: 30 });
    const steps = progress.slice(1);
    expect(steps.map((event) => event.kind === "workspace" && event.done)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(steps.at(-1)).toMatchObject({ total: 12, memberships: 2 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10) + 30 });
  });

  it("exports the workspaces asked for, by slug or UUID, each once, and reads nothing of the others", async () => {
    const uuid = emulator.workspace("team-01")!.id.toUpperCase();
    const exported = await exportOrganization({ ...connection(), workspaces: ["team-03", uuid, "team-03"] });
    expect(exported.entries.map((entry) => entry.key)).toEqual(["team-01", "team-03"]);
    expect(requests("GET /workspaces/:id/budgets")).toHaveLength(2);
  });

  it("refuses a workspace the organization does not have, with the nearest slug, and the default workspace, before reading any workspace", async () => {
    await expect(exportOrganization({ ...connection(), workspaces: ["team-3"] })).rejects.toThrow(
      new OpenRouterArgumentError('workspace "team-3": the organization has no such workspace (did you mean "team-03"?)'),
    );
    await expect(exportOrganization({ ...connection(), workspaces: [emulator.defaultWorkspaceId] })).rejects.toThrow(
      `workspace "${emulator.defaultWorkspaceId}" is the default workspace: every member of the organization is in it, so a members file has nothing to declare there`,
    );
    expect(requests("GET /workspaces/:id/members")).toEqual([]);
  });

  it("names everyone by user id when asked", async () => {
    const exported = await exportOrganization({ ...connection(), workspaces: ["team-02"], byUserIds: true });
    expect(exported.entries[0]).toMatchObject({ emails: [], userIds: ["user_00", "user_01", "user_02", "user_03"] });
  });

  it("takes the base URL and key from the environment, as the resources do, and fails like them without a key or with a wrong one", async () => {
    process.env.OPENROUTER_BASE_URL = emulator.url;
    process.env.OPENROUTER_API_KEY = emulator.managementKey;
    expect((await exportOrganization({ workspaces: ["team-01"] })).entries).toHaveLength(1);

    delete process.env.OPENROUTER_API_KEY;
    await expect(exportOrganization()).rejects.toThrow(OpenRouterConfigError);
    await expect(exportOrganization({ managementKey: "sk-or-v1-wrong" })).rejects.toMatchObject({ constructor: OpenRouterApiError, status: 401 });
  });
});
