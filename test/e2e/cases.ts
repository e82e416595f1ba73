import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { DEMO_WORKSPACE_SLUG, type Emulator } from "../../provider/testing";
import { QUICKSTART_USERS } from "../../examples/quickstart/program";
import type { CliResult, CliStack, ExampleName } from "./stacks";
import { planOf, userEntries } from "./output";

/** One end-to-end case: a story told through the CLI, in a fresh copy of one example stack. */
export interface E2eCase {
  title: string;
  example: ExampleName;
  run(stack: CliStack): Promise<void>;
}

const MEMBERS = "pulumi-nodejs:dynamic/openrouter:WorkspaceMembers";
const PLATFORM = DEMO_WORKSPACE_SLUG;
const RESEARCH = "demo-research";
/** demo-platform before any case: alice, bob (owns an API key) and erin (SCIM-managed). */
const PLATFORM_SEEDED = ["user_alice", "user_bob", "user_erin"];
/** The guardrail examples/gitops/members.yaml assigns people to: the demo organization's, under the emulator's seed "demo". */
const GITOPS_EXAMPLE_GUARDRAIL = "16af95b7-4e8b-4f0a-aaf7-1fd84422e164";

const sorted = (ids: Iterable<string>): string[] => [...new Set(ids)].sort();

/**
 * The requests the emulator received, as `route (users)`, in arrival order, and forgets them:
 * `["GET /workspaces/:id", "POST /workspaces/:id/members/add (3)"]`.
 */
function takeRequests(emulator: Emulator): string[] {
  const requests = [...emulator.log.entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => `${e.route ?? `${e.method} ${e.path}`}${e.userIdsCount === undefined ? "" : ` (${e.userIdsCount})`}${e.status === 200 ? "" : ` ${e.status}`}`);
  emulator.log.clear();
  return requests;
}

function assertMembers(emulator: Emulator, workspace: string, expected: string[]): void {
  assert.deepEqual(emulator.memberIds(workspace), sorted(expected), `members of ${workspace}`);
}

/**
 * The plan for one resource must have this operation and these user lines in its `userIds`
 * map (or its `emails` map): for a create, every user (bare ids: the CLI signs only the
 * resource's line); for an update, exactly the signed lines (`+ user_frank`, `- user_carol`;
 * the unchanged users are printed too, unsigned, as context).
 */
function assertUserPlan(result: CliResult, name: string, op: "create" | "update", users: string[], property = "userIds"): void {
  const plan = planOf(result.output, name);
  assert.equal(plan?.op, op, `the plan for ${name} in:\n${result.output}`);
  const entries = userEntries(plan.lines, property);
  const shown = op === "create" ? entries : entries.filter((entry) => /^[-+~] /.test(entry));
  assert.deepEqual(shown, [...users].sort(byUser), `users in the plan for ${name} in:\n${result.output}`);
}

const byUser = (a: string, b: string): number => a.replace(/^[-+] /, "").localeCompare(b.replace(/^[-+] /, ""));

/**
 * The stack output `members` (the resource's `userIds`) is a list in a preview as after an up,
 * though the engine answers a preview with the checked inputs, where the set is a map.
 */
function assertOutputsAreLists(result: CliResult): void {
  assert.match(result.output, /^\s+[-+~]? ?members\s*: \[$/m, `members shown as a list in:\n${result.output}`);
  assert.doesNotMatch(result.output, /^\s+[-+~]? ?members\s*: \{$/m, `members shown as a map in:\n${result.output}`);
}

function assertNoChanges(result: CliResult): void {
  // With a change, its count comes first: `~ 1 to update`.
  assert.match(result.output, /^Resources:\n\s+\d+ unchanged\n/m, `expected no changes in:\n${result.output}`);
}

/** Everything adoption must leave as it is: each workspace's members with their roles, and its budgets. */
function organizationNow(emulator: Emulator): string[] {
  return [PLATFORM, RESEARCH, "default"].flatMap((slug) => [
    ...emulator.memberIds(slug).map((userId) => `${slug} ${userId} ${emulator.member(slug, userId)!.role}`),
    ...emulator.budgets(slug).map((budget) => `${slug} ${budget.reset_interval ?? "lifetime"} ${budget.limit_usd}`),
  ]);
}

/**
 * `npx pulumi-openrouter export <args>` in the stack's folder, as a person adopting their
 * organization runs it: the package's bin from the install the stacks share, the key in the
 * environment only.
 */
function exportCommand(stack: CliStack, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(dirname(stack.dir), "node_modules", ".bin", "pulumi-openrouter");
  const env = { PATH: process.env.PATH, OPENROUTER_BASE_URL: stack.emulator.url, OPENROUTER_MANAGEMENT_KEY: stack.emulator.managementKey };
  return new Promise((resolve) => {
    execFile(bin, ["export", ...args], { cwd: stack.dir, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function upQuickstart(stack: CliStack): Promise<void> {
  await stack.up();
  assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, ...QUICKSTART_USERS]);
  takeRequests(stack.emulator);
}

export const CASES: E2eCase[] = [
  {
    title: "quickstart: preview names the users, up makes exactly the expected calls, a second preview is clean",
    example: "quickstart",
    async run(stack) {
      const preview = await stack.preview();
      // A create lists the whole set under `+ ...: (create)`; the users carry no sign of their own.
      assertUserPlan(preview, "platform", "create", QUICKSTART_USERS);
      assert.match(preview.output, /^\s+\+ 2 to create$/m);
      assertOutputsAreLists(preview);
      assert.deepEqual(takeRequests(stack.emulator), [], "a preview calls no API");

      await stack.up();
      assert.deepEqual(takeRequests(stack.emulator), [
        "GET /workspaces/:id",
        `POST /workspaces/:id/members/add (${QUICKSTART_USERS.length})`,
      ]);
      assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, ...QUICKSTART_USERS]);

      assertNoChanges(await stack.preview());
      assert.deepEqual(takeRequests(stack.emulator), []);
    },
  },
  {
    title: "edit the list: preview shows one line per changed user, up sends only the change",
    example: "quickstart",
    async run(stack) {
      await upQuickstart(stack);
      // carol leaves, frank and heidi join.
      const edited = ["user_alice", "user_dave", "user_frank", "user_heidi"];
      stack.edit("program.ts", (text) => text.replace(/QUICKSTART_USERS = \[[^\]]*\]/, `QUICKSTART_USERS = ${JSON.stringify(edited)}`));

      const preview = await stack.preview();
      assertUserPlan(preview, "platform", "update", ["- user_carol", "+ user_frank", "+ user_heidi"]);
      assertOutputsAreLists(preview);
      assert.deepEqual(takeRequests(stack.emulator), []);

      await stack.up();
      assert.deepEqual(takeRequests(stack.emulator), ["POST /workspaces/:id/members/add (2)", "POST /workspaces/:id/members/remove (1)"]);
      assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, ...edited]);
      assertNoChanges(await stack.preview());
    },
  },
  {
    title: "a member removed by hand: refresh reports it, preview shows the repair, up repairs it",
    example: "quickstart",
    async run(stack) {
      await upQuickstart(stack);
      stack.emulator.removeMembers(PLATFORM, ["user_carol"]);

      const refresh = await stack.refresh();
      assert.equal(planOf(refresh.output, "platform")?.op, "update", `refresh should report platform as changed:\n${refresh.output}`);
      // The CLI previews a refresh before doing it, and both read: two listings.
      assert.deepEqual(takeRequests(stack.emulator), ["GET /workspaces/:id/members", "GET /workspaces/:id/members"]);
      const state = await stack.resource(MEMBERS, "platform");
      assert.deepEqual(state?.outputs?.userIds, ["user_alice", "user_dave"]);

      assertUserPlan(await stack.preview(), "platform", "update", ["+ user_carol"]);
      await stack.up();
      assert.deepEqual(takeRequests(stack.emulator), ["POST /workspaces/:id/members/add (1)"]);
      assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, ...QUICKSTART_USERS]);
      assertNoChanges(await stack.preview());
    },
  },
  {
    title: "partial failure: up fails with the provider's message, the state holds what went through, the next up converges",
    example: "quickstart",
    async run(stack) {
      await stack.pulumi(["config", "set", "openrouter:batchSize", "2"]);
      await stack.pulumi(["config", "set", "openrouter:concurrency", "1"]);
      const refusal = "refused by the e2e suite";
      stack.emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 400, message: refusal });

      const failed = await stack.up({ fails: true });
      // The provider's whole message: what failed, what went through, and, since the service
      // refused, what to change rather than a promise that a rerun finishes (issue 16).
      assert.match(
        failed.output,
        new RegExp(`^\\s+\\* .* did not finish: ${refusal} .*Added 2 of 3 .*exactly what went through\\. Change what the service refused, as its words above say\\. Until then, pulumi up fails the same way\\.$`, "m"),
      );
      assert.deepEqual(takeRequests(stack.emulator), [
        "GET /workspaces/:id",
        "POST /workspaces/:id/members/add (2)",
        "POST /workspaces/:id/members/add (1) 400",
        // A 400 on add may be users outside the organization: the directory shows none here.
        "GET /organization/members",
      ]);
      const there = QUICKSTART_USERS.filter((u) => stack.emulator.memberIds(PLATFORM).includes(u));
      assert.equal(there.length, 2, "the first chunk went through, the second did not");

      const partial = await stack.resource(MEMBERS, "platform");
      assert.ok(partial, "the partial create is in the state");
      assert.deepEqual(partial.outputs?.userIds, sorted(there), "the state records exactly the members really there");
      assert.equal(typeof partial.outputs?.__provider, "string", "the partial state keeps __provider, so refresh and destroy can load the provider");
      assert.ok((partial.initErrors ?? []).length > 0, "the CLI records the initialization error");

      stack.emulator.faults.clear();
      await stack.up();
      assert.deepEqual(takeRequests(stack.emulator), ["POST /workspaces/:id/members/add (1)"]);
      assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, ...QUICKSTART_USERS]);
      assertNoChanges(await stack.preview());
    },
  },
  {
    title: "exclusive: a member added by hand is drift and is removed; maxRemovals stops an over-large change before any change",
    example: "exclusive",
    async run(stack) {
      await stack.up();
      assertMembers(stack.emulator, RESEARCH, ["user_carol", "user_dave"]);
      takeRequests(stack.emulator);

      stack.emulator.addMembers(RESEARCH, ["user_frank"]);
      await stack.refresh();
      assertUserPlan(await stack.preview(), "research", "update", ["- user_frank"]);
      await stack.up();
      assert.deepEqual(takeRequests(stack.emulator).filter((r) => r.startsWith("POST")), ["POST /workspaces/:id/members/remove (1)"]);
      assertMembers(stack.emulator, RESEARCH, ["user_carol", "user_dave"]);

      stack.emulator.addMembers(RESEARCH, ["user_alice", "user_frank", "user_heidi"]);
      await stack.refresh();
      takeRequests(stack.emulator);
      // The refreshed inputs name whom the update would remove: the preview already fails, in
      // check (issue 16); the refresh above, which calls diff, must not.
      const previewed = await stack.preview({ fails: true });
      assert.match(previewed.output, /would remove 3 users \(user_alice, user_frank, user_heidi\), more than maxRemovals \(2\)/);
      const refused = await stack.up({ fails: true });
      assert.match(refused.output, /would remove 3 users \(user_alice, user_frank, user_heidi\), more than maxRemovals \(2\)/);
      assert.deepEqual(takeRequests(stack.emulator).filter((r) => r.startsWith("POST")), [], "no change was sent");
      assertMembers(stack.emulator, RESEARCH, ["user_alice", "user_carol", "user_dave", "user_frank", "user_heidi"]);
    },
  },
  {
    title: "gitops: the members file drives several workspaces, people named by email; a bad entry or a typo'd email fails the preview naming file, line and entry",
    example: "gitops",
    async run(stack) {
      // The file names the demo guardrail by its id under the seed "demo"; this organization has its own.
      const guardrail = stack.emulator.memberGuardrailId(PLATFORM, "user_alice") as string;
      stack.edit("members.yaml", (text) => text.replace(GITOPS_EXAMPLE_GUARDRAIL, guardrail));
      await stack.up();
      assertMembers(stack.emulator, PLATFORM, [...PLATFORM_SEEDED, "user_frank", "user_grace"]);
      assert.deepEqual(stack.emulator.guardrailMemberIds(guardrail), ["user_alice", "user_erin", "user_grace"]);
      assertMembers(stack.emulator, RESEARCH, ["user_carol", "user_heidi"]);
      assertMembers(stack.emulator, "demo-evals", ["user_dave", "user_grace"]);
      assert.equal(stack.emulator.workspace("demo-evals")?.name, "Demo Evals");
      assertNoChanges(await stack.preview());
      takeRequests(stack.emulator);

      // An email added: the preview names it as the resource keys it, lower-cased; the only
      // request is the program's one listing of the organization, which checks every person.
      stack.edit("members.yaml", (text) => text.replace("      - carol.lindqvist@example.com\n", "      - carol.lindqvist@example.com\n      - Dave.Moreau@example.com\n"));
      assertUserPlan(await stack.preview(), RESEARCH, "update", ["+ dave.moreau@example.com"], "emails");
      assert.deepEqual(takeRequests(stack.emulator), ["GET /organization/members"]);
      await stack.up();
      assertMembers(stack.emulator, RESEARCH, ["user_carol", "user_dave", "user_heidi"]);
      takeRequests(stack.emulator);

      // A typo'd email: the preview fails naming the file, its line, the entry and the nearest known email.
      let typoLine = 0;
      stack.edit("members.yaml", (text) => {
        const edited = text.replace("      - frank.silva@example.com\n", "      - frank.silvq@example.com\n");
        typoLine = edited.split("\n").indexOf("      - frank.silvq@example.com") + 1;
        return edited;
      });
      const typo = await stack.preview({ fails: true });
      assert.match(
        typo.output,
        new RegExp(`^error: members\\.yaml:${typoLine}: workspaces\\.demo-platform\\.users\\[1\\]: "frank\\.silvq@example\\.com" is no member of the organization \\(did you mean "frank\\.silva@example\\.com"\\?\\)$`, "m"),
      );
      assert.doesNotMatch(typo.output, /^\s+at /m, "the problem is shown without a stack trace");
      assert.deepEqual(takeRequests(stack.emulator), ["GET /organization/members"]);

      stack.edit("members.yaml", (text) => text.replace("      - frank.silvq@example.com\n", "      - frank.silva@example.com\n      - Alice.Nakamura@example.com\n"));
      const failed = await stack.preview({ fails: true });
      assert.match(failed.output, /^error: members\.yaml:\d+: workspaces\.demo-platform\.users\[2\]: "Alice\.Nakamura@example\.com" is listed twice \(first at users\[0\]\)$/m);
      assert.doesNotMatch(failed.output, /^\s+at /m, "the problem is shown without a stack trace");
      assert.deepEqual(takeRequests(stack.emulator), []);
    },
  },
  {
    title: "destroy removes exactly the managed members; unmanaged ones stay",
    example: "quickstart",
    async run(stack) {
      await upQuickstart(stack);
      stack.emulator.addMembers(PLATFORM, ["user_frank"]);
      await stack.destroy();
      assert.deepEqual(takeRequests(stack.emulator), [`POST /workspaces/:id/members/remove (${QUICKSTART_USERS.length})`]);
      assertMembers(stack.emulator, PLATFORM, ["user_bob", "user_erin", "user_frank"]);
      const { deployment } = await stack.exportState();
      assert.deepEqual(deployment.resources?.filter((r) => r.type === MEMBERS) ?? [], []);
    },
  },
  {
    title: "the key is in no CLI output, no stack export and no file of the state",
    example: "quickstart",
    async run(stack) {
      const key = stack.emulator.managementKey;
      stack.emulator.faults.add({ route: "POST /workspaces/:id/members/add", status: 403, message: "refused by the e2e suite" });
      await stack.up({ fails: true });
      await stack.up();
      stack.emulator.removeMembers(PLATFORM, ["user_carol"]);
      await stack.refresh();
      await stack.preview();
      const exported = await stack.exportState();
      await stack.destroy();

      const config = stack.filesOnDisk().find((f) => f.path.endsWith("Pulumi.e2e.yaml"));
      assert.match(config?.text ?? "", /openrouter:managementKey:\n\s+secure: v1:/, "the stack config holds the key encrypted");
      assert.equal(exported.text.includes(key), false, "stack export");
      for (const run of stack.history) assert.equal(run.output.includes(key), false, `output of ${run.command}`);
      for (const file of stack.filesOnDisk()) assert.equal(file.text.includes(key), false, file.path);
      assert.ok(stack.history.length >= 9 && stack.filesOnDisk().length >= 3, "the scan covered the runs and the state files");
    },
  },
  {
    title: "export: the installed bin writes the members file of the organization; its first preview only adopts, up changes no membership, destroy leaves everyone",
    example: "gitops",
    async run(stack) {
      const before = organizationNow(stack.emulator);
      const refused = await exportCommand(stack, ["--output", "members.yaml"]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /members\.yaml exists: pass --force to overwrite it/);
      assert.deepEqual(takeRequests(stack.emulator), [], "a refused export sends nothing");
      const exported = await exportCommand(stack, ["--output", "members.yaml", "--force"]);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(exported.stdout, "");
      assert.match(exported.stderr, /^Exported 2 workspaces: 4 memberships \(4 by email, 0 by user id\), 2 with budgets; written to members\.yaml\.$/m);
      takeRequests(stack.emulator);

      // Creates of the members and budgets only: no workspace, nothing to delete or update.
      const preview = await stack.preview();
      assert.match(preview.output, /^Resources:\n\s+\+ 5 to create\n/m, preview.output);
      assert.doesNotMatch(preview.output, /to (update|delete|replace)|Workspace: \(create\)/, preview.output);
      // (Its WorkspaceBudgets has the same name, so the block is found by the full URN.)
      const platformMembers = preview.output.split("[urn=").find((block) => block.startsWith(`urn:pulumi:e2e::openrouter-gitops::${MEMBERS}::${PLATFORM}]`));
      assert.match(
        platformMembers ?? "",
        /^\s+emails\s*: \{\n\s+alice\.nakamura@example\.com: true\n\s+bob\.okafor@example\.com\s*: true\n\s+erin\.haddad@example\.com\s*: true\n\s+\}$/m,
        preview.output,
      );
      assert.deepEqual(takeRequests(stack.emulator), ["GET /organization/members"], "a preview only checks the people");

      await stack.up();
      assert.deepEqual(organizationNow(stack.emulator), before, "up changed no membership, role or budget");
      assert.deepEqual(takeRequests(stack.emulator).filter((r) => !r.startsWith("GET") && !r.startsWith("POST /workspaces/:id/members/add")), []);
      assertNoChanges(await stack.preview());

      // Every entry is retainOnDelete: destroy forgets the resources and sends no change.
      takeRequests(stack.emulator);
      await stack.destroy();
      assert.deepEqual(takeRequests(stack.emulator).filter((r) => !r.startsWith("GET")), []);
      assert.deepEqual(organizationNow(stack.emulator), before);
      const { deployment } = await stack.exportState();
      assert.deepEqual(deployment.resources?.filter((r) => r.type === MEMBERS) ?? [], []);
    },
  },
];
