import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { MANAGEMENT_KEYS_PAGE } from "../../provider/api/settings";
import { startEmulator, type Emulator } from "../../provider/testing";
import {
  Engine,
  captureRegistrationsInProcess,
  registrationNamed,
  secret,
  startPlugin,
  type PluginProcess,
  type Registration,
} from "./harness";
import { REPO_ROOT } from "./harness/build";
import { createPackedProject, type PackedProject } from "./harness/project";

// Issue 4: the package as a user installs it. A program in a temporary project imports the
// package from its `npm pack` tarball and runs in a plain Node process (as under
// `pulumi up`), and the plugin runs in that project: the serialized provider's require()
// calls must resolve from the project's node_modules (ARCHITECTURE.md "The plugin process").

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { WorkspaceMembers } = require("pulumi-openrouter");

module.exports = () => {
  const config = new pulumi.Config("team");
  new WorkspaceMembers("team", { workspaceId: config.require("workspace"), userIds: ["user_1", "user_2", "user_3"] });
};
`;

let project: PackedProject;
let emulator: Emulator;
let plugin: PluginProcess;
let registration: Registration;
const canary = `sk-or-canary-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  project = await createPackedProject({ file: "index.js", source: PROGRAM });
  emulator = await startEmulator({ seed: "tarball-test", users: ["user_1", "user_2", "user_3"] });
  emulator.createWorkspace({ slug: "installed" });
  // The program's process holds a key in its environment and in stack config, as a
  // user's `pulumi up` would; neither may reach the serialized provider.
  process.env.OPENROUTER_MANAGEMENT_KEY = canary;
  let registrations: Registration[];
  try {
    registrations = await captureRegistrationsInProcess(join(project.dir, "index.js"), {
      cwd: project.dir,
      project: "tarball-stack",
      config: { "team:workspace": "installed", "openrouter:managementKey": secret(canary) },
    });
  } finally {
    delete process.env.OPENROUTER_MANAGEMENT_KEY;
  }
  registration = registrationNamed(registrations, "team");
  plugin = await startPlugin({
    cwd: project.dir,
    plugin: join(project.dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"),
  });
  await plugin.configure({
    "openrouter:managementKey": secret(emulator.managementKey),
    "openrouter:baseUrl": emulator.url,
    "team:workspace": "installed",
  });
}, 120_000);

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
  project?.remove();
});

it("serializes a small, secret-free provider with no path of this machine", () => {
  const text = registration.inputs.__provider;
  expect(typeof text).toBe("string");
  const bytes = Buffer.byteLength(text as string);
  console.info(`installed package: ${bytes} bytes serialized`);
  expect(bytes).toBeLessThan(8 * 1024);
  expect(text).not.toMatch(/zod|undici/i);
  expect(text).not.toContain(canary);
  expect(text).not.toContain(project.dir);
  expect(text).not.toContain(REPO_ROOT);
});

it("serializes a provider whose every require() resolves from the user's project", () => {
  const text = String(registration.inputs.__provider);
  const specifiers = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
  const resolveFromProject = createRequire(join(project.dir, "package.json"));

  const unresolvable = specifiers.filter((specifier) => {
    try {
      resolveFromProject.resolve(specifier);
      return false;
    } catch {
      return true;
    }
  });
  expect(unresolvable).toEqual([]);
});

it("creates, reads and deletes through the plugin running in the project", async () => {
  const engine = new Engine(plugin);

  expect((await engine.up(registration)).map((s) => s.op)).toEqual(["create"]);
  expect(emulator.memberIds("installed")).toEqual(["user_1", "user_2", "user_3"]);

  emulator.removeMembers("installed", ["user_3"]);
  expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
  expect(engine.state("team").outputs).toMatchObject({ userIds: ["user_1", "user_2"] });

  expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);
  expect(emulator.memberIds("installed")).toEqual([]);
  expect(plugin.stdout + plugin.stderr).not.toContain(emulator.managementKey);
});

// Issue 16, item 9: the emulator is an executable of the installed package, and what it
// prints is what the installed provider takes.
it("installs the openrouter-emulator executable, whose printed base URL and key the installed lookups accept", async () => {
  const bin = join(project.dir, "node_modules", ".bin", "openrouter-emulator");
  const help = await runUntil(bin, ["--help"], () => false);
  expect(help).toMatch(/^Usage: openrouter-emulator \[options\]/);

  const child = spawn(bin, ["--port", "0", "--seed", "tarball-bin"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const output = await outputUntil(child, (text) => text.includes("OPENROUTER_MANAGEMENT_KEY="));
    const baseUrl = /^OPENROUTER_BASE_URL=(\S+)$/m.exec(output)?.[1];
    const managementKey = /^OPENROUTER_MANAGEMENT_KEY=(\S+)$/m.exec(output)?.[1];
    const installed = createRequire(join(project.dir, "package.json"))("pulumi-openrouter") as typeof import("../../provider/index");
    const workspaces = await installed.listWorkspaces({ baseUrl: baseUrl!, managementKey: managementKey! });
    expect(workspaces.map((workspace) => workspace.slug)).toEqual(["default", "demo-platform", "demo-research"]);
  } finally {
    child.kill("SIGTERM");
  }
});

// Issue 20: the export is an executable of the installed package too.
it("installs the pulumi-openrouter executable, whose export --help explains it", async () => {
  const help = await runUntil(join(project.dir, "node_modules", ".bin", "pulumi-openrouter"), ["export", "--help"], () => false);
  expect(help).toMatch(/^Usage: pulumi-openrouter export \[options\]/);
});

async function runUntil(command: string, args: string[], done: (output: string) => boolean): Promise<string> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  try {
    return await outputUntil(child, done);
  } finally {
    child.kill("SIGKILL");
  }
}

/** What the child printed once `done` holds for it, or once it exits. */
function outputUntil(child: ReturnType<typeof spawn>, done: (output: string) => boolean): Promise<string> {
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from the executable: ${output}`)), 20_000);
    const finish = (): void => {
      clearTimeout(timer);
      resolve(output);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (done(output)) finish();
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", finish);
  });
}

// Issue 16, item 8: the README the package ships says how to add it to a project, in terms
// that stay true: the peer range and the executable as package.json declares them.
it("ships a README whose Getting started names the peer range, the key page and the executable package.json declares", () => {
  const installed = join(project.dir, "node_modules", "pulumi-openrouter");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
    bin: Record<string, string>;
  };
  const readme = readFileSync(join(installed, "README.md"), "utf8");
  const gettingStarted = readme.slice(readme.indexOf("## Getting started"), readme.indexOf("## Example"));
  expect(gettingStarted).toContain("npm install pulumi-openrouter");
  expect(gettingStarted).toContain(`today \`${manifest.peerDependencies["@pulumi/pulumi"]}\``);
  expect(gettingStarted).toContain(MANAGEMENT_KEYS_PAGE);
  expect(Object.keys(manifest.bin).sort()).toEqual(["openrouter-emulator", "pulumi-openrouter"]);
  expect(gettingStarted).toContain("npx openrouter-emulator");
  expect(gettingStarted).toContain("npx pulumi-openrouter export");
  expect(gettingStarted).toContain("retainOnDelete");
  expect(readme).not.toContain("Every error the package throws is an");
});
