import { EmulatorHttpError } from "./http-error";
import type { RandomSource } from "./random";
import { SortedIdMap, type Page } from "./sorted-map";
import type { WorkspaceIndex } from "./state";
import type { WireWorkspace } from "./workspace-shapes";

/** A guardrail as the emulator sends it (the fields a guardrail's members depend on, and its limits unset). */
export interface WireGuardrail {
  id: string;
  name: string;
  description: string | null;
  /** The workspace it belongs to, or `null` for a legacy guardrail predating workspaces. */
  workspace_id: string | null;
  limit_usd: number | null;
  reset_interval: string | null;
  allowed_providers: string[] | null;
  allowed_models: string[] | null;
  include_byok_in_budgets: boolean;
  created_at: string;
  updated_at: string | null;
}

/** A member's assignment to a guardrail, as the emulator sends it (no `workspace_id`, as on the wire). */
export interface WireAssignment {
  id: string;
  user_id: string;
  organization_id: string;
  guardrail_id: string;
  /** Who assigned them: `null` through the API (a management key is no user), or whoever the admin surface names. */
  assigned_by: string | null;
  created_at: string;
}

/** What the admin surface creates a guardrail from: its workspace (UUID or slug), or `null` for a legacy one. */
export interface GuardrailByHand {
  workspaceId: string | null;
  /** Default `Guardrail <n>`. */
  name?: string;
  /** Default a generated UUID. */
  id?: string;
  description?: string | null;
}

/** One member an assignment changes, and the guardrail of the same workspace they leave, if any. */
export interface AssignmentStep {
  userId: string;
  from: string | undefined;
}

/**
 * Pure: what assigning `userIds` to `guardrailId` does when a member has at most one direct
 * guardrail per workspace. `current` gives a user's guardrail in that workspace now. A user
 * already on this guardrail is unchanged (assigning again is idempotent); anyone else is
 * assigned, moving off the guardrail they had. A user asked for twice counts once.
 */
export function planAssignment(
  userIds: readonly string[],
  guardrailId: string,
  current: (userId: string) => string | undefined,
): { assign: AssignmentStep[]; unchanged: string[] } {
  const assign: AssignmentStep[] = [];
  const unchanged: string[] = [];
  for (const userId of new Set(userIds)) {
    const from = current(userId);
    if (from === guardrailId) unchanged.push(userId);
    else assign.push({ userId, from });
  }
  return { assign, unchanged };
}

/** What the guardrails need from the organization around them. */
export interface GuardrailSetting {
  workspaces: WorkspaceIndex;
  isOrgUser: (userId: string) => boolean;
  organizationId: string;
  random: RandomSource;
  now: () => Date;
}

interface GuardrailRecord {
  data: WireGuardrail;
  /** Its workspace's default guardrail: takes no assignments through the API. */
  isDefault: boolean;
  assignments: SortedIdMap<WireAssignment>;
}

/**
 * The organization's guardrails and their member assignments: the route rules, the
 * changes made by hand, and the hooks that keep them in step with the workspaces (a
 * workspace brings its default guardrail and takes its guardrails when deleted; a member
 * who leaves a workspace leaves its guardrail there).
 */
export class Guardrails {
  private readonly guardrails = new Map<string, GuardrailRecord>();
  /** Workspace id → user id → the member's direct guardrail there: the one-per-workspace rule's index. */
  private readonly byWorkspace = new Map<string, Map<string, string>>();
  private serial = 0;

  constructor(private readonly setting: GuardrailSetting) {}

  // ---- kept in step with the workspaces ------------------------------------------------

  /** Creates the new workspace's default guardrail, under the id the workspace names. */
  addDefault(workspace: WireWorkspace): void {
    this.insert({ id: workspace.default_guardrail_id, workspaceId: workspace.id, name: "Default Guardrail" }, true);
  }

  /** The workspace is gone: so are its guardrails and their assignments. */
  dropWorkspace(workspaceId: string): void {
    for (const [id, record] of this.guardrails) {
      if (record.data.workspace_id === workspaceId) this.guardrails.delete(id);
    }
    this.byWorkspace.delete(workspaceId);
  }

  /** The users left the workspace: their direct guardrail there goes too. */
  dropMembers(workspaceId: string, userIds: Iterable<string>): void {
    const index = this.byWorkspace.get(workspaceId);
    if (!index) return;
    for (const userId of userIds) {
      const guardrailId = index.get(userId);
      if (guardrailId !== undefined) this.removeRow(this.guardrails.get(guardrailId) as GuardrailRecord, userId);
    }
  }

  // ---- routes ------------------------------------------------------------------------

  /** `GET /guardrails/{id}`. */
  get(id: string): WireGuardrail {
    return { ...this.require(id).data };
  }

  /** `GET /guardrails/{id}/assignments/members`: in user id order. */
  listAssignments(id: string, offset: number, limit: number): Page<WireAssignment> {
    return this.require(id).assignments.page(offset, limit, (row) => ({ ...row }));
  }

  /**
   * `POST /guardrails/{id}/assignments/members`, all or nothing: a default guardrail or one
   * with no workspace refuses; outside the default workspace every user must be a member of
   * the guardrail's workspace (in it, of the organization, whose members it holds).
   * `assigned_count` counts members assigned or moved here, not those already here.
   */
  assign(id: string, userIds: readonly string[]): { assigned_count: number } {
    const guardrail = this.require(id);
    if (guardrail.isDefault) {
      throw new EmulatorHttpError(400, "Cannot assign members to a default guardrail: it applies to its whole workspace already");
    }
    if (guardrail.data.workspace_id === null) throw new EmulatorHttpError(400, "Guardrail has no workspace_id");
    const workspace = this.setting.workspaces.requireWorkspace(guardrail.data.workspace_id);
    const wanted = [...new Set(userIds)];
    const [outsiders, message] = workspace.isDefault
      ? [wanted.filter((userId) => !this.setting.isOrgUser(userId)), "Some users are not members of the organization"]
      : [wanted.filter((userId) => !workspace.members.has(userId)), "Some users are not members of the workspace"];
    if (outsiders.length > 0) throw new EmulatorHttpError(400, message, { user_ids: outsiders });
    return { assigned_count: this.apply(guardrail, wanted, null) };
  }

  /** `POST .../members/remove`: removes this guardrail's rows only; users without one are skipped. */
  unassign(id: string, userIds: readonly string[]): { unassigned_count: number } {
    const guardrail = this.require(id);
    let count = 0;
    for (const userId of new Set(userIds)) if (this.removeRow(guardrail, userId)) count++;
    return { unassigned_count: count };
  }

  // ---- out of band: changes made by hand ----------------------------------------------

  /** Creates a guardrail in a workspace (UUID or slug), or a legacy one with `workspaceId: null`. */
  createByHand(fields: GuardrailByHand): WireGuardrail {
    if (fields.id !== undefined && this.guardrails.has(fields.id)) throw new Error(`Guardrail id "${fields.id}" is taken`);
    const workspaceId = fields.workspaceId === null ? null : this.setting.workspaces.workspaceByHand(fields.workspaceId).data.id;
    return { ...this.insert({ ...fields, workspaceId }, false).data };
  }

  /** Deletes a guardrail and its assignments; a default guardrail goes only with its workspace. */
  deleteByHand(id: string): void {
    const guardrail = this.byHand(id);
    if (guardrail.isDefault) throw new Error(`Guardrail "${id}" is its workspace's default guardrail: delete the workspace instead`);
    for (const userId of [...guardrail.assignments.sortedIds()]) this.removeRow(guardrail, userId);
    this.guardrails.delete(id);
  }

  findByHand(id: string): WireGuardrail | undefined {
    const guardrail = this.guardrails.get(id);
    return guardrail && { ...guardrail.data };
  }

  /** Assigns bypassing every refusal (default or legacy guardrail, membership); members still move. */
  assignByHand(id: string, userIds: Iterable<string>, assignedBy: string | null): void {
    this.apply(this.byHand(id), [...userIds], assignedBy);
  }

  unassignByHand(id: string, userIds: Iterable<string>): void {
    const guardrail = this.byHand(id);
    for (const userId of userIds) this.removeRow(guardrail, userId);
  }

  assignedUserIdsByHand(id: string): string[] {
    return [...this.byHand(id).assignments.sortedIds()];
  }

  assignmentByHand(id: string, userId: string): WireAssignment | undefined {
    const row = this.byHand(id).assignments.get(userId);
    return row && { ...row };
  }

  /** The member's direct guardrail in the workspace (UUID or slug), or `undefined`. */
  guardrailOfByHand(workspaceIdOrSlug: string, userId: string): string | undefined {
    return this.byWorkspace.get(this.setting.workspaces.workspaceByHand(workspaceIdOrSlug).data.id)?.get(userId);
  }

  // ---- internals ----------------------------------------------------------------------

  private insert(fields: GuardrailByHand & { workspaceId: string | null }, isDefault: boolean): GuardrailRecord {
    const data: WireGuardrail = {
      id: fields.id ?? this.setting.random.uuid(),
      name: fields.name ?? `Guardrail ${++this.serial}`,
      description: fields.description ?? null,
      workspace_id: fields.workspaceId,
      limit_usd: null,
      reset_interval: null,
      allowed_providers: null,
      allowed_models: null,
      include_byok_in_budgets: false,
      created_at: this.setting.now().toISOString(),
      updated_at: null,
    };
    const record: GuardrailRecord = { data, isDefault, assignments: new SortedIdMap() };
    this.guardrails.set(data.id, record);
    return record;
  }

  /** Assigns (moving members off their other guardrail of the workspace); returns how many changed. */
  private apply(guardrail: GuardrailRecord, userIds: readonly string[], assignedBy: string | null): number {
    const index = this.indexOf(guardrail);
    const current = (userId: string) => (index ? index.get(userId) : guardrail.assignments.has(userId) ? guardrail.data.id : undefined);
    const { assign } = planAssignment(userIds, guardrail.data.id, current);
    // One request is one moment: its assignments share their creation time.
    const createdAt = this.setting.now().toISOString();
    for (const { userId, from } of assign) {
      if (from !== undefined) this.removeRow(this.guardrails.get(from) as GuardrailRecord, userId);
      guardrail.assignments.set(userId, {
        id: this.setting.random.uuid(),
        user_id: userId,
        organization_id: this.setting.organizationId,
        guardrail_id: guardrail.data.id,
        assigned_by: assignedBy,
        created_at: createdAt,
      });
      index?.set(userId, guardrail.data.id);
    }
    return assign.length;
  }

  /** Removes the user's row on this guardrail, if any, from the guardrail and the workspace's index. */
  private removeRow(guardrail: GuardrailRecord, userId: string): boolean {
    if (!guardrail.assignments.delete(userId)) return false;
    this.indexOf(guardrail)?.delete(userId);
    return true;
  }

  /** The one-per-workspace index of the guardrail's workspace; none for a legacy guardrail. */
  private indexOf(guardrail: GuardrailRecord): Map<string, string> | undefined {
    const workspaceId = guardrail.data.workspace_id;
    if (workspaceId === null) return undefined;
    let index = this.byWorkspace.get(workspaceId);
    if (!index) this.byWorkspace.set(workspaceId, (index = new Map()));
    return index;
  }

  private require(id: string): GuardrailRecord {
    const guardrail = this.guardrails.get(id);
    if (!guardrail) throw new EmulatorHttpError(404, "Guardrail not found");
    return guardrail;
  }

  private byHand(id: string): GuardrailRecord {
    const guardrail = this.guardrails.get(id);
    if (!guardrail) throw new Error(`The emulator has no guardrail "${id}"`);
    return guardrail;
  }
}
