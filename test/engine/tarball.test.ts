import { createRequire } from "node:module";
import { join } from "node:path";
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
