import { spawn } from "node:child_process";
import { join } from "node:path";
import { QUICKSTART_USERS } from "../../examples/quickstart/program";
import { DEMO_WORKSPACE_SLUG } from "../../provider/testing";
import {
  NEW_HIRES,
  castFor,
  createStyle,
  describePlan,
  requestLines,
  runDemo,
  setDifference,
  wantsColor,
  type ResourcePlan,
} from "../../scripts/demo";
import { REPO_ROOT, ensureBuilt } from "./harness/build";
import type { RequestLogEntry } from "../../provider/testing";
import type { ResourceState } from "./harness";

// Issue 4, "The embedded demo": `npm run demo` is the README's main command. The test runs
// the script as `npm run demo` does after its build step, in a child process whose output
// is a pipe (not a terminal), and reads what a person would read.

const TSX_CLI = join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
/** The demo organization's `demo-platform` members before the demo (provider/testing/demo.ts). */
const SEEDED_PLATFORM = ["user_alice", "user_bob", "user_erin"];

function runScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, "scripts/demo.ts"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The output split at the step headings (`3/10  Edit the list ...`), keyed by step number. */
function sections(output: string): Map<number, string> {
  const found = new Map<number, string>();
  const parts = output.split(/^(?=\d+\/\d+ {2})/m);
  for (const part of parts) {
    const number = /^(\d+)\//.exec(part);
    if (number) found.set(Number(number[1]), part);
  }
  return found;
}

beforeAll(async () => {
  await ensureBuilt();
});

describe("npm run demo", () => {
  const cast = castFor(QUICKSTART_USERS, SEEDED_PLATFORM);
  let result: { code: number | null; stdout: string; stderr: string };
  let steps: Map<number, string>;

  beforeAll(async () => {
    const env = { ...process.env };
    delete env.NO_COLOR;
    result = await runScript(env);
    steps = sections(result.stdout);
  });

  it("exits 0, every step matched, with nothing on stderr", () => {
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^All 10 steps matched what they expected, in [\d.]+ m?s\.$/m);
    expect(result.stdout).not.toContain("did not match");
  });

  it("writes no ANSI escape when its output is not a terminal", () => {
    expect(result.stdout).not.toContain("\x1b");
  });

  it("names each step, in order", () => {
    const headings = result.stdout.split("\n").filter((line) => /^\d+\/10 {2}/.test(line));
    expect(headings.map((h) => h.replace(/^\d+\/10 {2}/, "").split(/[:(]/)[0]!.trim())).toEqual([
      "Preview",
      "Up",
      "Edit the list and preview",
      "Up",
      "Edit and up",
      "A change by hand",
      "Refresh",
      "Preview",
      "Up",
      "Destroy",
    ]);
  });

  it("previews the create naming every user of the quickstart, with no API call", () => {
    const step = steps.get(1)!;
    for (const user of QUICKSTART_USERS) expect(step).toContain(`+ ${user}\n`);
    expect(step).toMatch(/API +none/);
  });

  it("shows the edit as one line per user added and removed, then sends only that", () => {
    expect(steps.get(3)).toContain(`- ${cast.leaver}\n`);
    for (const user of cast.joiners) expect(steps.get(3)).toContain(`+ ${user}\n`);
    expect(steps.get(4)).toMatch(new RegExp(`POST /workspaces/[0-9a-f]{8}…/members/add \\(${cast.joiners.length} users\\) 200`));
    expect(steps.get(4)).toMatch(/POST \/workspaces\/[0-9a-f]{8}…\/members\/remove \(1 user\) 200/);
  });

  it("shows progress while the 400-user step runs, and sends it in chunks of 50", () => {
    const step = steps.get(5)!;
    expect(step).toMatch(/progress .* 400\/400 users/);
    expect(step.match(/progress /g)!.length).toBeGreaterThan(2);
    expect(step).toMatch(/POST \/workspaces\/[0-9a-f]{8}…\/members\/add ×8 \(400 users\) 200/);
  });

  it("reports the member removed by hand as drift on refresh, then previews and applies the repair", () => {
    expect(steps.get(6)).toContain(`remove ${cast.drifted} from ${DEMO_WORKSPACE_SLUG}`);
    expect(steps.get(7)).toContain(`~ platform (changed outside Pulumi)\n                - ${cast.drifted}\n`);
    expect(steps.get(8)).toContain(`+ ${cast.drifted}\n`);
    expect(steps.get(9)).toMatch(/members\/add \(1 user\) 200/);
  });

  it("destroys: the managed users leave, the state is empty, the members nobody managed stay", () => {
    const step = steps.get(10)!;
    expect(step).toMatch(/state +empty/);
    const remaining = SEEDED_PLATFORM.filter((u) => !cast.edited.includes(u));
    expect(step).toContain(`members  ${DEMO_WORKSPACE_SLUG}: ${remaining.join(", ")}\n`);
    expect(step).toMatch(/members\/remove ×8 \(400 users\) 200/);
  });
});

describe("runDemo's checks", () => {
  it("exits 1 and names the difference when the world is not what a step expects", async () => {
    let output = "";
    const code = await runDemo({
      output: { write: (text: string) => (output += text), isTTY: false },
      env: {},
      // Someone adds grace in the dashboard while the first up runs.
      beforeStep: (index, emulator) => {
        if (index === 1) emulator.addMembers(DEMO_WORKSPACE_SLUG, ["user_grace"]);
      },
    });

    expect(code).toBe(1);
    expect(output).toContain(`members of ${DEMO_WORKSPACE_SLUG}: unexpected user_grace`);
    expect(output).toContain("Step 2 did not go as expected; stopping.");
    expect(output).not.toContain("3/10");
  });
});

describe("the demo's reading aids", () => {
  const plain = createStyle(false);

  it.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: "1" }, false],
    [true, { NO_COLOR: "" }, true],
    [true, { TERM: "dumb" }, false],
  ])("colour when isTTY is %s and env is %j: %s", (isTTY, env, expected) => {
    expect(wantsColor(isTTY, env)).toBe(expected);
  });

  it("styles nothing without colour and wraps in ANSI with it", () => {
    expect(plain.green("+")).toBe("+");
    expect(createStyle(true).green("+")).toBe("\x1b[32m+\x1b[39m");
  });

  it("picks the edit from the quickstart's list: the first user who was not a member leaves", () => {
    expect(castFor(["user_alice", "user_carol", "user_dave"], SEEDED_PLATFORM)).toEqual({
      original: ["user_alice", "user_carol", "user_dave"],
      seeded: SEEDED_PLATFORM,
      leaver: "user_carol",
      joiners: ["user_frank", "user_heidi"],
      edited: ["user_alice", "user_dave", "user_frank", "user_heidi"],
      drifted: "user_dave",
    });
  });

  it("reads a plan from the checked inputs' keyed maps against the state, as preview --diff shows it", () => {
    const urn = "urn:pulumi:demo::p::pulumi-nodejs:dynamic/openrouter:WorkspaceMembers::platform";
    const state: ResourceState = {
      urn,
      type: "t",
      id: "id",
      inputs: { workspaceId: "w", userIds: { user_a: true, user_b: true }, maxRemovals: 5 },
      outputs: { userIds: ["user_a", "user_b"] },
    };
    const plans = describePlan(
      [{ urn, op: "update", inputs: { workspaceId: "w", userIds: { user_b: true, user_c: true }, maxRemovals: 6 } }],
      [state],
    );

    expect(plans).toEqual<ResourcePlan[]>([
      { name: "platform", op: "update", added: ["user_c"], removed: ["user_a"], changed: [{ path: "maxRemovals", kind: "update" }] },
    ]);
    expect(describePlan([{ urn, op: "delete" }], [state])[0]).toMatchObject({ op: "delete", removed: ["user_a", "user_b"] });
  });

  it("folds consecutive requests to one route and status, summing the users and dropping the base path and query", () => {
    const uuid = "4ca78110-1c61-4b97-ac57-ac383e0bc7a0";
    const entry = (seq: number, method: string, path: string, status: number, users?: number): RequestLogEntry => ({
      seq,
      method,
      path: `/api/v1${path}`,
      route: undefined,
      status,
      userIdsCount: users,
      fault: undefined,
      retryAfterMs: undefined,
      clientAborted: false,
      time: 0,
      startedAt: seq,
      durationMs: 1,
      inFlight: 1,
    });
    const lines = requestLines(
      [
        entry(2, "POST", `/workspaces/${uuid}/members/add`, 200, 50),
        entry(1, "GET", "/workspaces/demo-platform", 200),
        entry(3, "POST", `/workspaces/${uuid}/members/add`, 200, 30),
        entry(4, "POST", `/workspaces/${uuid}/members/remove`, 400, 1),
        entry(5, "GET", `/workspaces/${uuid}/members?offset=0&limit=100`, 200),
      ],
      plain,
    );

    expect(lines).toEqual([
      "GET /workspaces/demo-platform 200",
      "POST /workspaces/4ca78110…/members/add ×2 (80 users) 200",
      "POST /workspaces/4ca78110…/members/remove (1 user) 400",
      "GET /workspaces/4ca78110…/members 200",
    ]);
  });

  it("names what is missing and what is unexpected, counting past five", () => {
    expect(setDifference("members", ["a", "b"], ["b", "a"])).toBeUndefined();
    expect(setDifference("members", ["a", "x"], ["a", "b"])).toBe("members: missing b; unexpected x");
    expect(setDifference("hires", [], NEW_HIRES.slice(0, 7))).toBe(
      "hires: missing user_hire_001, user_hire_002, user_hire_003, user_hire_004, user_hire_005 and 2 more",
    );
  });
});
