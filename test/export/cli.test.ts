/**
 * The `pulumi-openrouter export` command (issue 20), run as the package's bin: a Node
 * process of the built `lib/export/cli.js`, against the emulator's demo organization. What
 * it prints where, the files it writes or refuses to, and one clear line (no stack trace,
 * a non-zero exit) for every mistake and failure; the key never appears anywhere.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../provider/export/cli";
import { parseMembersFile } from "../../provider/gitops/load";
import { seedDemoOrganization, startEmulator, type Emulator } from "../../provider/testing";
import { REPO_ROOT, ensureBuilt } from "../engine/harness/build";

const BIN = join(REPO_ROOT, "lib", "export", "cli.js");

let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  emulator = await startEmulator({ seed: "export-cli" });
  seedDemoOrganization(emulator);
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "export-cli-"));
  emulator.log.clear();
});

afterAll(async () => {
  await emulator?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin in `dir` with only the given environment (and none of the test process's OPENROUTER_ settings). */
function run(args: string[], env: NodeJS.ProcessEnv = reachable()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const reachable = (): NodeJS.ProcessEnv => ({ OPENROUTER_BASE_URL: emulator.url, OPENROUTER_MANAGEMENT_KEY: emulator.managementKey });

/** A failure as the command must report it: one line on stderr, no stack trace, nothing on stdout. */
function expectOneLine(result: Run, code: number, pattern: RegExp): void {
  expect(result).toMatchObject({ code, stdout: "" });
  expect(result.stderr).toMatch(/^pulumi-openrouter export: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

describe("pulumi-openrouter export", () => {
  it("prints the members file on stdout and nothing else; progress and a summary on stderr; the key appears in neither", async () => {
    const result = await run(["export"]);

    expect(result.code).toBe(0);
    const file = parseMembersFile(result.stdout, "stdout");
    expect(file.workspaces.map((entry) => [entry.key, entry.emails])).toEqual([
      ["demo-platform", ["alice.nakamura@example.com", "bob.okafor@example.com", "erin.haddad@example.com"]],
      ["demo-research", ["carol.lindqvist@example.com"]],
    ]);
    expect(result.stderr.split("\n")).toEqual([
      "Reading 2 workspaces of an organization of 8 people",
      expect.stringMatching(/^\[1\/2\] demo-(platform|research): \d members? \(\d memberships? so far\)$/),
      expect.stringMatching(/^\[2\/2\] demo-(platform|research): \d members? \(4 memberships so far\)$/),
      "Exported 2 workspaces: 4 memberships (4 by email, 0 by user id), 2 with budgets.",
      "",
    ]);
    expect(`${result.stdout}${result.stderr}`).not.toContain(emulator.managementKey);
  });

  it("writes --output, refuses to overwrite it (before any request) unless --force, and writes a program for a .ts file", async () => {
    const output = join(dir, "members.yaml");
    expect(await run(["export", "--output", output, "--ids"])).toMatchObject({ code: 0, stdout: "" });
    const written = readFileSync(output, "utf8");
    expect(parseMembersFile(written, output).workspaces[0]).toMatchObject({ userIds: ["user_alice", "user_bob", "user_erin"], emails: [] });
    expect(written).not.toContain(emulator.managementKey);

    emulator.log.clear();
    expectOneLine(await run(["export", "--output", output]), 2, /members\.yaml exists: pass --force to overwrite it/);
    expect(emulator.log.entries).toEqual([]);
    expect(readFileSync(output, "utf8")).toBe(written);

    const forced = await run(["export", "--output", output, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/written to .*members\.yaml\.\n$/);
    expect(parseMembersFile(readFileSync(output, "utf8"), output).workspaces[0]!.emails).toHaveLength(3);

    const program = join(dir, "index.ts");
    expect((await run(["export", "--output", program])).code).toBe(0);
    expect(readFileSync(program, "utf8")).toContain('new openrouter.WorkspaceMembers("demo-platform", {');
  });

  it("explains itself with --help, saying the key comes from the environment only", async () => {
    const help = await run(["export", "--help"], {});
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("Usage: pulumi-openrouter export [options]");
    expect(help.stdout).toMatch(/The management key is read from the environment only, never from the command line/);
    expect(help.stdout).toContain("OPENROUTER_MANAGEMENT_KEY (or OPENROUTER_API_KEY)");
    expect((await run(["--help"], {})).stdout).toContain("export    write the organization as a members file");
  });

  it.each([
    [["export", "--frobnicate"], /unknown option "--frobnicate": the options are --workspace, --ids, --format, --output, --force, --help/],
    [["export", "--worksapce", "x"], /unknown option "--worksapce": did you mean "--workspace"\?/],
    [["export", "--management-key=sk-or-v1-secret"], /the management key is read from OPENROUTER_MANAGEMENT_KEY \(or OPENROUTER_API_KEY\) only, never from the command line/],
    [["export", "sk-or-v1-secret"], /export takes options only: argument 1 is not one \(it is not shown, in case it is a key\)/],
    [["export", "--format", "json"], /--format must be yaml or ts, got "json"/],
    [["export", "--output"], /Option '--output <value>' argument missing/],
    [["export", "--ids=yes"], /Option '--ids' does not take an argument/],
    [["export", "--force"], /--force overwrites the --output file, and there is none/],
    [["exprot"], /unknown command "exprot": did you mean "export"\?/],
    [["export", "--base-url", "http://127.0.0.1:1/api/v1"], /unknown option "--base-url"/],
  ])("refuses %j with one line and exit code 2, before any request, never echoing a value that could be a key", async (args, message) => {
    const result = await run(args);
    expectOneLine(result, 2, message);
    expect(result.stderr).not.toContain("sk-or-v1-secret");
    expect(emulator.log.entries).toEqual([]);
  });

  it("refuses to run without a key in the environment", async () => {
    expectOneLine(await run(["export"], { OPENROUTER_BASE_URL: emulator.url }), 2, /no management key: set OPENROUTER_MANAGEMENT_KEY \(or OPENROUTER_API_KEY\) in the environment/);
  });

  it("says the key was refused, without showing it, when the service does not know it", async () => {
    const result = await run(["export"], { OPENROUTER_BASE_URL: emulator.url, OPENROUTER_API_KEY: "sk-or-v1-not-a-real-key" });
    expectOneLine(result, 1, /cannot read the organization at http:\/\/127\.0\.0\.1:\d+\/api\/v1: .*401.*The management key in the environment variable OPENROUTER_API_KEY was not accepted/);
    expect(result.stderr).not.toContain("sk-or-v1-not-a-real-key");
  });

  it("refuses a base URL that would send the key in clear, naming the variable and not its value, before any request", async () => {
    const result = await run(["export"], { OPENROUTER_BASE_URL: "http://example.com/api/v1", OPENROUTER_MANAGEMENT_KEY: emulator.managementKey });
    expectOneLine(result, 2, /the environment variable OPENROUTER_BASE_URL uses plain http to http:\/\/example\.com, which is not a loopback host/);
    expect(emulator.log.entries).toEqual([]);
  });

  it("says the service cannot be reached when nothing listens there", async () => {
    const port = await closedPort();
    const result = await run(["export"], {
      OPENROUTER_BASE_URL: `http://127.0.0.1:${port}/api/v1`,
      OPENROUTER_MANAGEMENT_KEY: "sk-or-v1-anything",
      OPENROUTER_MAX_ATTEMPTS: "2",
      OPENROUTER_RETRY_BASE_DELAY_MS: "1",
    });
    expectOneLine(result, 1, new RegExp(`cannot read the organization at http://127\\.0\\.0\\.1:${port}/api/v1: .*ECONNREFUSED`));
  });

  it("names the nearest workspace for one the organization does not have, before reading any workspace", async () => {
    const result = await run(["export", "--workspace", "demo-platfrom"]);
    expectOneLine(result, 2, /workspace "demo-platfrom": the organization has no such workspace \(did you mean "demo-platform"\?\)/);
    expect(emulator.log.entries.filter((entry) => entry.route === "GET /workspaces/:id/members")).toEqual([]);
    expect(existsSync(join(dir, "members.yaml"))).toBe(false);
  });

  it("rewrites one progress line on a terminal, and ends it before the summary", async () => {
    let stderr = "";
    let stdout = "";
    const saved = { ...process.env };
    Object.assign(process.env, reachable());
    let code: number;
    try {
      code = await runCommand(["export", "--workspace", "demo-research"], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text), isTTY: true },
      });
    } finally {
      process.env = saved;
    }
    expect(code).toBe(0);
    expect(stdout).toContain("demo-research:");
    expect(stderr).toBe(
      "\r\u001b[KReading 1 workspace of an organization of 8 people" +
        "\r\u001b[K[1/1] demo-research: 1 member (1 membership so far)\n" +
        "Exported 1 workspace: 1 membership (1 by email, 0 by user id), 1 with budgets.\n",
    );
  });
});

/** A loopback port nothing listens on (listened on, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
