/**
 * Adoption, end to end through Pulumi's real plugin (issue 20): the demo organization, with
 * a workspace whose settings and one member's role were changed by hand, is exported as a
 * members file; the gitops example runs on that file as it was written; the first preview
 * plans creates only (of the members and budgets, never of a workspace), `up` changes no
 * membership, no role and no budget, a second preview is all `same`, and `destroy` (every
 * entry is `retainOnDelete`) forgets everything and leaves the organization as it was.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitops } from "../../examples/gitops/program";
import { exportOrganization, formatMembersFile } from "../../provider/export/index";
import { seedDemoOrganization, startEmulator, type Emulator } from "../../provider/testing";
import { Engine, captureRegistrations, startPluginAgainst, type PluginProcess, type Registration } from "./harness";

let emulator: Emulator;
let plugin: PluginProcess;

beforeAll(async () => {
  // Short pages: the export and the resources read every page.
  emulator = await startEmulator({ seed: "export-plugin", pageSizeCap: 2 });
  seedDemoOrganization(emulator);
  emulator.createWorkspace({ slug: "demo-ops", name: "Demo Ops", description: "Runbooks", default_text_model: "openai/gpt-4o" });
  emulator.addMembers("demo-ops", ["user_dave", "user_frank", "user_grace", "user_heidi"]);
  // An admin of this workspace only: adopting them would give them their organization role.
  emulator.setMemberRole("demo-ops", "user_heidi", "admin");
  emulator.setBudget("demo-ops", "weekly", 40);
  plugin = await startPluginAgainst(emulator);
});

afterAll(async () => {
  await plugin?.stop();
  await emulator?.close();
});

/** Everything adoption must leave as it is: every workspace's members with their roles, and its budgets. */
function organizationNow(): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const slug of ["default", "demo-platform", "demo-research", "demo-ops"]) {
    const uuid = emulator.workspace(slug)!.id;
    found[slug] = {
      members: emulator.memberIds(uuid).map((userId) => `${userId} ${emulator.member(uuid, userId)!.role}`),
      budgets: emulator.budgets(uuid).map((budget) => `${budget.reset_interval ?? "lifetime"} ${budget.limit_usd}`),
      workspace: emulator.workspace(uuid),
    };
  }
  return found;
}

const changingRequests = () => emulator.log.entries.filter((entry) => entry.method !== "GET" && !entry.path.endsWith("/members/add"));

it("adopts an exported organization: creates that change nothing, then no changes, and a destroy that leaves it all in place", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "export-plugin-")), "members.yaml");
  writeFileSync(file, formatMembersFile(await exportOrganization({ baseUrl: emulator.url, managementKey: emulator.managementKey })));
  const registrations: Registration[] = await captureRegistrations(() => gitops(file).then(() => undefined), {
    project: "openrouter-gitops",
    config: { "openrouter:baseUrl": emulator.url, "openrouter:managementKey": emulator.managementKey },
  });
  const before = organizationNow();
  expect(registrations.map((r) => `${r.type.split(":").pop()}::${r.name}`).sort()).toEqual([
    "WorkspaceBudgets::demo-ops",
    "WorkspaceBudgets::demo-platform",
    "WorkspaceBudgets::demo-research",
    "WorkspaceMembers::demo-ops",
    "WorkspaceMembers::demo-platform",
    "WorkspaceMembers::demo-research",
  ]);
  expect(registrations.every((r) => r.retainOnDelete === true)).toBe(true);

  const engine = new Engine(plugin);
  emulator.log.clear();
  expect((await engine.preview(registrations)).map((step) => step.op)).toEqual(Array(6).fill("create"));
  expect(emulator.log.entries.filter((entry) => entry.method !== "GET")).toEqual([]);

  expect((await engine.up(registrations)).map((step) => step.op)).toEqual(Array(6).fill("create"));
  // Adds of people already members, with the role they have: no removal, no budget request.
  expect(changingRequests()).toEqual([]);
  expect(organizationNow()).toEqual(before);
  const opsMembers = registrations.find((r) => r.name === "demo-ops" && r.type.endsWith(":WorkspaceMembers"))!;
  expect(engine.state(opsMembers.urn).outputs.userIds).toEqual(["user_dave", "user_frank", "user_grace"]);
  expect(emulator.member("demo-ops", "user_heidi")!.role).toBe("admin");

  emulator.log.clear();
  expect((await engine.preview(registrations)).map((step) => step.op)).toEqual(Array(6).fill("same"));
  expect((await engine.refresh()).map((step) => step.op)).toEqual(Array(6).fill("same"));
  expect((await engine.preview(registrations)).map((step) => step.op)).toEqual(Array(6).fill("same"));
  expect(emulator.log.entries.filter((entry) => entry.method !== "GET")).toEqual([]);

  // retainOnDelete: destroy drops each resource from the state and sends nothing.
  expect((await engine.destroy()).map((step) => step.op)).toEqual(Array(6).fill("delete"));
  expect(engine.resources).toEqual([]);
  expect(emulator.log.entries.filter((entry) => entry.method !== "GET")).toEqual([]);
  expect(organizationNow()).toEqual(before);
});
