import type { OrgUserSeed } from "./admin";
import type { Emulator } from "./emulator";

/** The slug of the demo organization's main workspace. */
export const DEMO_WORKSPACE_SLUG = "demo-platform";

/** The name of the demo organization's guardrail in `demo-platform` that holds members. */
export const DEMO_GUARDRAIL_NAME = "Platform production";

/** The demo organization's users: two admins, one SCIM-managed member, one without a name on file. */
export const DEMO_USERS: readonly OrgUserSeed[] = [
  { id: "user_alice", role: "admin", email: "alice.nakamura@example.com", firstName: "Alice", lastName: "Nakamura" },
  { id: "user_bob", email: "bob.okafor@example.com", firstName: "Bob", lastName: "Okafor" },
  { id: "user_carol", email: "carol.lindqvist@example.com", firstName: "Carol", lastName: "Lindqvist" },
  { id: "user_dave", email: "dave.moreau@example.com", firstName: "Dave", lastName: "Moreau" },
  { id: "user_erin", scim: true, email: "erin.haddad@example.com", firstName: "Erin", lastName: "Haddad" },
  { id: "user_frank", email: "frank.silva@example.com", firstName: "Frank", lastName: "Silva" },
  { id: "user_grace", role: "admin", email: "grace.kowalski@example.com", firstName: "Grace", lastName: "Kowalski" },
  { id: "user_heidi", email: "heidi@example.com", firstName: null, lastName: null },
];

/**
 * Seeds a small organization to try the provider against: the users above;
 * `demo-platform` holding alice, bob and erin, where bob owns an active API key (so
 * removing him is refused) and erin is SCIM-managed (likewise), with budgets (lifetime
 * 5,000 > monthly 1,000 > weekly 300 > daily 60 USD, BYOK spend included) and a guardrail
 * "Platform production" that alice and erin are assigned to; `demo-research` holding carol,
 * with a monthly budget of 200 USD; and a legacy guardrail of no workspace. With the same
 * emulator seed the ids are the same on every run. Budgets and guardrails are seeded last,
 * so the ids of users, workspaces and memberships do not depend on them.
 */
export function seedDemoOrganization(emulator: Emulator): void {
  emulator.addUsers([...DEMO_USERS]);
  emulator.createWorkspace({ slug: DEMO_WORKSPACE_SLUG, name: "Demo Platform", description: "Seeded by the emulator" });
  emulator.addMembers(DEMO_WORKSPACE_SLUG, ["user_alice", "user_bob", "user_erin"]);
  emulator.giveApiKey(DEMO_WORKSPACE_SLUG, "user_bob");
  emulator.createWorkspace({ slug: "demo-research", name: "Demo Research" });
  emulator.addMembers("demo-research", ["user_carol"]);

  for (const [interval, limitUsd] of [["lifetime", 5000], ["monthly", 1000], ["weekly", 300], ["daily", 60]] as const) {
    emulator.setBudget(DEMO_WORKSPACE_SLUG, interval, limitUsd);
  }
  emulator.setIncludeByokInBudgets(DEMO_WORKSPACE_SLUG, true);
  emulator.setBudget("demo-research", "monthly", 200);
  const guardrail = emulator.createGuardrail({
    workspaceId: DEMO_WORKSPACE_SLUG,
    name: DEMO_GUARDRAIL_NAME,
    description: "Seeded by the emulator",
  });
  emulator.assignGuardrailMembers(guardrail.id, ["user_alice", "user_erin"], { assignedBy: "user_grace" });
  emulator.createGuardrail({ workspaceId: null, name: "Legacy spending cap" });
}
