import type { BudgetInterval, WireBudget } from "./budgets";
import type { OrgUser, OrgUserFields } from "./directory";
import type { GuardrailByHand, WireAssignment, WireGuardrail } from "./guardrails";
import type { Organization } from "./state";
import type { WireMember, WireWorkspace, WorkspaceByHand } from "./workspace-shapes";

/** An organization user to seed: just the id (role `member`, not SCIM, email and names derived) or the details. */
export type OrgUserSeed = string | OrgUserFields;

/**
 * The emulator's admin surface: changes made by hand in the dashboard, and reads of the
 * state, in-process with no HTTP and no faults. They bypass the service's rules and throw
 * a plain `Error` for a workspace that does not exist.
 */
export interface AdminSurface {
  /** Adds users to the organization (and its default workspace), or updates them; returns them as stored. */
  addUsers(users: OrgUserSeed[]): OrgUser[];
  /** An organization user, or `undefined`. */
  user(userId: string): OrgUser | undefined;
  /** The organization user with this email (any case), or `undefined`. */
  userByEmail(email: string): OrgUser | undefined;
  /** Every organization user, in id order. */
  users(): OrgUser[];
  /** Changes a user's org role; the next bulk add of that user updates their membership. */
  setUserRole(userId: string, role: string): void;
  /** Creates a workspace by hand (`name` defaults to the slug, `id` to a generated UUID). */
  createWorkspace(fields: WorkspaceByHand): WireWorkspace;
  /** Deletes a workspace by hand, the default one included. */
  deleteWorkspace(idOrSlug: string): void;
  /** The workspace by UUID or slug, or `undefined`. */
  workspace(idOrSlug: string): WireWorkspace | undefined;
  /** Adds members by hand with `role`, default their org role (or `member` for non-org users). */
  addMembers(idOrSlug: string, userIds: Iterable<string>, role?: string): void;
  /** Removes members by hand; non-members are ignored. */
  removeMembers(idOrSlug: string, userIds: Iterable<string>): void;
  /** Changes one member's workspace role by hand. */
  setMemberRole(idOrSlug: string, userId: string, role: string): void;
  /** Gives `userId` an active API key in the workspace (blocks their removal); returns its id. */
  giveApiKey(idOrSlug: string, userId: string): string;
  /** Deletes every API key `userId` has in the workspace. */
  revokeApiKeys(idOrSlug: string, userId: string): void;
  /** The workspace's member user ids, sorted. */
  memberIds(idOrSlug: string): string[];
  /** One membership, or `undefined`. */
  member(idOrSlug: string, userId: string): WireMember | undefined;

  /**
   * Creates or updates a budget by hand, bypassing the ordering rule (so a test can build a
   * state the API would refuse); `limitUsd` must still be above 0.
   */
  setBudget(idOrSlug: string, interval: BudgetInterval, limitUsd: number): WireBudget;
  /** Deletes a budget by hand; none is fine. */
  deleteBudget(idOrSlug: string, interval: BudgetInterval): void;
  /** The workspace's budgets, narrowest interval first. */
  budgets(idOrSlug: string): WireBudget[];
  /** One budget, or `undefined`. */
  budget(idOrSlug: string, interval: BudgetInterval): WireBudget | undefined;
  /** Sets the workspace-wide `include_byok_in_budgets` flag by hand. */
  setIncludeByokInBudgets(idOrSlug: string, include: boolean): void;

  /** Creates a guardrail in a workspace (`workspaceId`: UUID or slug) or, with `workspaceId: null`, a legacy one. */
  createGuardrail(fields: GuardrailByHand): WireGuardrail;
  /** Deletes a guardrail and its assignments (throws for a workspace's default guardrail). */
  deleteGuardrail(guardrailId: string): void;
  /** The guardrail, or `undefined`. */
  guardrail(guardrailId: string): WireGuardrail | undefined;
  /**
   * Assigns members by hand, bypassing every refusal (default or legacy guardrail, workspace
   * membership); a member on another guardrail of the same workspace still moves here.
   * `assignedBy` (default `null`) is the assignments' `assigned_by`.
   */
  assignGuardrailMembers(guardrailId: string, userIds: Iterable<string>, options?: { assignedBy?: string | null }): void;
  /** Unassigns by hand; users without an assignment here are ignored. */
  unassignGuardrailMembers(guardrailId: string, userIds: Iterable<string>): void;
  /** The user ids assigned to the guardrail, sorted. */
  guardrailMemberIds(guardrailId: string): string[];
  /** One assignment, or `undefined`. */
  guardrailAssignment(guardrailId: string, userId: string): WireAssignment | undefined;
  /** The id of the member's direct guardrail in the workspace (UUID or slug), or `undefined`. */
  memberGuardrailId(idOrSlug: string, userId: string): string | undefined;
}

/** The admin surface over `org`. */
export function adminSurface(org: Organization): AdminSurface {
  return {
    addUsers: (users) => org.addUsers(users),
    user: (userId) => org.user(userId),
    userByEmail: (email) => org.userByEmail(email),
    users: () => org.users(),
    setUserRole: (userId, role) => org.setUserRole(userId, role),
    createWorkspace: (fields) => org.createWorkspaceByHand(fields),
    deleteWorkspace: (idOrSlug) => org.deleteWorkspaceByHand(idOrSlug),
    workspace: (idOrSlug) => org.findWorkspace(idOrSlug),
    addMembers: (idOrSlug, userIds, role) => org.addMembersByHand(idOrSlug, userIds, role),
    removeMembers: (idOrSlug, userIds) => org.removeMembersByHand(idOrSlug, userIds),
    setMemberRole: (idOrSlug, userId, role) => org.setMemberRole(idOrSlug, userId, role),
    giveApiKey: (idOrSlug, userId) => org.giveApiKey(idOrSlug, userId),
    revokeApiKeys: (idOrSlug, userId) => org.revokeApiKeys(idOrSlug, userId),
    memberIds: (idOrSlug) => org.memberIds(idOrSlug),
    member: (idOrSlug, userId) => org.member(idOrSlug, userId),
    setBudget: (idOrSlug, interval, limitUsd) => org.budgets.setByHand(idOrSlug, interval, limitUsd),
    deleteBudget: (idOrSlug, interval) => org.budgets.deleteByHand(idOrSlug, interval),
    budgets: (idOrSlug) => org.budgets.listByHand(idOrSlug),
    budget: (idOrSlug, interval) => org.budgets.findByHand(idOrSlug, interval),
    setIncludeByokInBudgets: (idOrSlug, include) => org.budgets.setIncludeByokByHand(idOrSlug, include),
    createGuardrail: (fields) => org.guardrails.createByHand(fields),
    deleteGuardrail: (guardrailId) => org.guardrails.deleteByHand(guardrailId),
    guardrail: (guardrailId) => org.guardrails.findByHand(guardrailId),
    assignGuardrailMembers: (guardrailId, userIds, options) => org.guardrails.assignByHand(guardrailId, userIds, options?.assignedBy ?? null),
    unassignGuardrailMembers: (guardrailId, userIds) => org.guardrails.unassignByHand(guardrailId, userIds),
    guardrailMemberIds: (guardrailId) => org.guardrails.assignedUserIdsByHand(guardrailId),
    guardrailAssignment: (guardrailId, userId) => org.guardrails.assignmentByHand(guardrailId, userId),
    memberGuardrailId: (idOrSlug, userId) => org.guardrails.guardrailOfByHand(idOrSlug, userId),
  };
}
