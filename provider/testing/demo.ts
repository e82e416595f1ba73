import type { OrgUserSeed } from "./admin";
import type { Emulator } from "./emulator";

/** The slug of the demo organization's main workspace. */
export const DEMO_WORKSPACE_SLUG = "demo-platform";

/** The demo organization's users: two admins, one SCIM-managed member. */
export const DEMO_USERS: readonly OrgUserSeed[] = [
  { id: "user_alice", role: "admin" },
  "user_bob",
  "user_carol",
  "user_dave",
  { id: "user_erin", scim: true },
  "user_frank",
  { id: "user_grace", role: "admin" },
  "user_heidi",
];

/**
 * Seeds a small organization to try the provider against: the users above;
 * `demo-platform` holding alice, bob and erin, where bob owns an active API key (so
 * removing him is refused) and erin is SCIM-managed (likewise); `demo-research` holding
 * carol. With the same emulator seed the ids are the same on every run.
 */
export function seedDemoOrganization(emulator: Emulator): void {
  emulator.addUsers([...DEMO_USERS]);
  emulator.createWorkspace({ slug: DEMO_WORKSPACE_SLUG, name: "Demo Platform", description: "Seeded by the emulator" });
  emulator.addMembers(DEMO_WORKSPACE_SLUG, ["user_alice", "user_bob", "user_erin"]);
  emulator.giveApiKey(DEMO_WORKSPACE_SLUG, "user_bob");
  emulator.createWorkspace({ slug: "demo-research", name: "Demo Research" });
  emulator.addMembers("demo-research", ["user_carol"]);
}
