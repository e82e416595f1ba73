/**
 * The demo organization (`seedDemoOrganization`, `--seed demo`) as a person trying the
 * new routes finds it: users with names and emails, budgets in order, a guardrail with
 * members; and the command line's help and start-up lines that point at them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { DEMO_GUARDRAIL_NAME, DEMO_WORKSPACE_SLUG, seedDemoOrganization, startEmulator, type Emulator } from "../../provider/testing";
import { checkBaseUrl } from "../../provider/api/settings";
import { printedBaseUrl } from "../../provider/testing/cli";
import { call } from "../support/emulator-http";

const CLI = join(__dirname, "..", "..", "provider", "testing", "cli.ts");

/** Runs the command line until `done` holds for its output (or it exits), then stops it. */
async function runCli(args: string[], done: (output: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not finish: ${output}`)), 20_000);
      const check = () => {
        if (!done(output)) return;
        clearTimeout(timer);
        resolve(output);
      };
      child.stdout.on("data", (chunk: Buffer) => ((output += chunk.toString()), check()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("exit", () => {
        clearTimeout(timer);
        resolve(output);
      });
    });
  } finally {
    child.kill("SIGKILL");
  }
}

describe("the demo organization", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "demo" });
    seedDemoOrganization(emulator);
  });

  afterAll(() => emulator.close());

  it("lists users with real-looking names and emails, one without a name on file", async () => {
    const members = (await call(emulator, "GET", "/organization/members")).json.data;
    expect(members).toHaveLength(8);
    expect(members[0]).toEqual({ id: "user_alice", email: "alice.nakamura@example.com", first_name: "Alice", last_name: "Nakamura", role: "org:admin" });
    expect(members.filter((m: { first_name: string | null }) => m.first_name === null).map((m: { id: string }) => m.id)).toEqual(["user_heidi"]);
  });

  it("gives demo-platform budgets that keep the ordering rule, BYOK included, and demo-research one", async () => {
    const platform = (await call(emulator, "GET", `/workspaces/${DEMO_WORKSPACE_SLUG}/budgets`)).json;
    expect(platform.data.map((b: { limit_usd: number }) => b.limit_usd)).toEqual([60, 300, 1000, 5000]);
    expect(platform.include_byok_in_budgets).toBe(true);
    expect((await call(emulator, "GET", "/workspaces/demo-research/budgets/monthly")).json.data.limit_usd).toBe(200);
    // The seeded limits are in order, so a PUT within them is accepted and one outside refused.
    expect((await call(emulator, "PUT", `/workspaces/${DEMO_WORKSPACE_SLUG}/budgets/weekly`, { body: { limit_usd: 999 } })).status).toBe(200);
    expect((await call(emulator, "PUT", `/workspaces/${DEMO_WORKSPACE_SLUG}/budgets/weekly`, { body: { limit_usd: 1000 } })).status).toBe(400);
  });

  it("has a guardrail in demo-platform with alice and erin, which takes bob and refuses carol", async () => {
    const guardrail = emulator.memberGuardrailId(DEMO_WORKSPACE_SLUG, "user_alice") as string;
    expect((await call(emulator, "GET", `/guardrails/${guardrail}`)).json.data.name).toBe(DEMO_GUARDRAIL_NAME);
    const rows = (await call(emulator, "GET", `/guardrails/${guardrail}/assignments/members`)).json.data;
    expect(rows.map((r: { user_id: string; assigned_by: string }) => [r.user_id, r.assigned_by])).toEqual([
      ["user_alice", "user_grace"],
      ["user_erin", "user_grace"],
    ]);
    const path = `/guardrails/${guardrail}/assignments/members`;
    expect((await call(emulator, "POST", path, { body: { member_user_ids: ["user_bob"] } })).json).toEqual({ assigned_count: 1 });
    expect((await call(emulator, "POST", path, { body: { member_user_ids: ["user_carol"] } })).status).toBe(400);
  });
});

describe("the command line", () => {
  it("names the new routes in its help", async () => {
    const help = await runCli(["--help"], () => false);
    for (const route of ["GET /organization/members", "/workspaces/{id}/budgets/{interval}", "/guardrails/{id}/assignments/members"]) {
      expect(help).toContain(route);
    }
  });

  // Issue 16, item 9: the printed base URL is one the provider accepts, whatever --host says.
  it.each<[string, string, string | undefined]>([
    ["127.0.0.1", "127.0.0.1", "http://127.0.0.1:4010/api/v1"],
    ["localhost", "localhost", "http://localhost:4010/api/v1"],
    ["every IPv4 interface", "0.0.0.0", "http://127.0.0.1:4010/api/v1"],
    ["every IPv6 interface", "::", "http://[::1]:4010/api/v1"],
    ["IPv6 loopback", "::1", "http://[::1]:4010/api/v1"],
    ["a private address", "10.0.0.5", undefined],
    ["a host name", "emulator.internal", undefined],
  ])("prints a base URL the provider accepts for --host %s, or says why there is none", (_name, host, expected) => {
    const printed = printedBaseUrl(host, 4010, "/api/v1");
    if (expected === undefined) {
      expect(printed).toEqual({ refused: expect.stringContaining(`The provider refuses plain http to ${host}, which is not a loopback host`) });
      expect(() => checkBaseUrl(`http://${host}:4010/api/v1`)).toThrow(/not a loopback host/);
    } else {
      expect(printed).toEqual({ url: expected });
      expect(checkBaseUrl(expected)).toBe(expected);
    }
  });

  it("started with --host localhost prints that base URL and a key", async () => {
    const output = await runCli(["--host", "localhost", "--port", "0", "--seed", "cli-host", "--empty"], (text) => text.includes("MANAGEMENT_KEY="));
    const baseUrl = /^OPENROUTER_BASE_URL=(http:\/\/localhost:\d+\/api\/v1)$/m.exec(output)?.[1];
    const key = /^OPENROUTER_MANAGEMENT_KEY=(\S+)$/m.exec(output)?.[1];
    expect(baseUrl).toBeDefined();
    expect(key).toBeDefined();
  });

  it("documents --seed in its help", async () => {
    const help = await runCli(["--help"], () => false);
    expect(help).toMatch(/^Usage: openrouter-emulator \[options\]/);
    expect(help).toContain("the same seed gives the same management key, ids and");
  });

  it("prints the demo's users, budgets and guardrail at start", async () => {
    const output = await runCli(["--port", "0", "--seed", "demo"], (text) => text.includes("guardrail "));
    expect(output).toContain("user user_alice <alice.nakamura@example.com> Alice Nakamura (org:admin)");
    expect(output).toContain("budgets (USD, BYOK included): daily 60, weekly 300, monthly 1000, lifetime 5000");
    expect(output).toMatch(/guardrail "Platform production" [0-9a-f-]{36}: user_alice, user_erin/);
  });
});
