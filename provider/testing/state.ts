import { Guardrails } from "./guardrails";
import { EmulatorHttpError } from "./http-error";
import { WorkspaceBudgets, type BudgetInterval, type WireBudget } from "./budgets";
import { Directory, type OrgUser, type OrgUserFields, type WireOrgMember } from "./directory";
import type { RandomSource } from "./random";
import { SortedIdMap, type Page } from "./sorted-map";
import {
  SLUG_PATTERN,
  type WireMember,
  type WireWorkspace,
  type WorkspaceByHand,
  type WorkspaceCreateFields,
  type WorkspacePatch,
} from "./workspace-shapes";

/** How a bulk add treats users who are not organization members. */
export type NonOrgUsersMode = "reject" | "leave-out";

/** What an {@link Organization} is built from. */
export interface OrganizationSetup {
  /** Generated UUIDs. */
  random: RandomSource;
  /** Derived user names, apart from `random` so adding users never shifts the ids generated after. */
  people: RandomSource;
  now: () => Date;
  nonOrgUsers: NonOrgUsersMode;
  /** The organization's id, which guardrail assignments carry. */
  organizationId: string;
}

/** A workspace and everything that goes when it is deleted. */
export interface WorkspaceRecord {
  /** Replaced, never changed in place: copies handed out stay as they were. */
  data: WireWorkspace;
  isDefault: boolean;
  members: SortedIdMap<WireMember>;
  /** Active API keys per user in this workspace. */
  apiKeyCounts: Map<string, number>;
  budgets: Map<BudgetInterval, WireBudget>;
}

/** How the areas beside the workspaces (budgets, guardrails) reach them. */
export interface WorkspaceIndex {
  /** For a route: the workspace by UUID or slug, else 404 `Workspace not found`. */
  requireWorkspace(idOrSlug: string): WorkspaceRecord;
  /** For the admin surface: the workspace by UUID or slug, else a plain `Error`. */
  workspaceByHand(idOrSlug: string): WorkspaceRecord;
}

const workspaceNotFound = () => new EmulatorHttpError(404, "Workspace not found");

/**
 * The organization the emulator serves: users (its directory), workspaces, memberships and
 * API-key ownership, with the workspaces' budgets and guardrails beside them in areas of
 * their own that it keeps in step. Methods that model routes throw {@link EmulatorHttpError}
 * with the service's refusal; the `*ByHand` methods model changes made in the dashboard and
 * throw a plain `Error` on misuse.
 */
export class Organization implements WorkspaceIndex {
  /** How a bulk add treats users outside the organization; changeable at runtime. */
  nonOrgUsers: NonOrgUsersMode;
  readonly defaultWorkspaceId: string;
  readonly organizationId: string;
  /** Each workspace's budgets, kept in its record. */
  readonly budgets: WorkspaceBudgets;
  /** The guardrails of every workspace (and legacy ones of none), with their member assignments. */
  readonly guardrails: Guardrails;
  private readonly directory: Directory;
  private readonly random: RandomSource;
  private readonly now: () => Date;
  private readonly workspaces = new Map<string, WorkspaceRecord>();
  private readonly idBySlug = new Map<string, string>();
  private apiKeySerial = 0;

  constructor(setup: OrganizationSetup) {
    this.random = setup.random;
    this.now = setup.now;
    this.nonOrgUsers = setup.nonOrgUsers;
    this.directory = new Directory(setup.people);
    this.organizationId = setup.organizationId;
    this.budgets = new WorkspaceBudgets(this, setup.random, setup.now);
    this.guardrails = new Guardrails({
      workspaces: this,
      isOrgUser: (userId) => this.directory.has(userId),
      organizationId: setup.organizationId,
      random: setup.random,
      now: setup.now,
    });
    this.defaultWorkspaceId = this.insertWorkspace({ name: "Default Workspace", slug: "default" }, true).data.id;
  }

  // ---- routes ------------------------------------------------------------------------

  /** `GET /organization/members`: every organization user, in id order. */
  listOrganizationMembers(offset: number, limit: number): Page<WireOrgMember> {
    return this.directory.list(offset, limit);
  }

  listWorkspaces(offset: number, limit: number): Page<WireWorkspace> {
    const all = [...this.workspaces.values()];
    return { data: all.slice(offset, offset + limit).map((w) => w.data), total_count: all.length };
  }

  createWorkspace(fields: WorkspaceCreateFields): WireWorkspace {
    if (this.idBySlug.has(fields.slug)) {
      throw new EmulatorHttpError(409, `A workspace with slug "${fields.slug}" already exists`);
    }
    return this.insertWorkspace(fields, false).data;
  }

  getWorkspace(idOrSlug: string): WireWorkspace {
    return this.requireWorkspace(idOrSlug).data;
  }

  updateWorkspace(idOrSlug: string, patch: WorkspacePatch): WireWorkspace {
    const record = this.requireWorkspace(idOrSlug);
    if (patch.slug !== undefined && patch.slug !== record.data.slug) {
      if (this.idBySlug.has(patch.slug)) {
        throw new EmulatorHttpError(409, `A workspace with slug "${patch.slug}" already exists`);
      }
      this.idBySlug.delete(record.data.slug);
      this.idBySlug.set(patch.slug, record.data.id);
    }
    record.data = { ...record.data, ...patch, updated_at: this.now().toISOString() };
    return record.data;
  }

  deleteWorkspace(idOrSlug: string): void {
    const record = this.requireWorkspace(idOrSlug);
    if (record.isDefault) throw new EmulatorHttpError(403, "Cannot delete the default workspace");
    this.dropWorkspace(record);
  }

  listMembers(idOrSlug: string, offset: number, limit: number): Page<WireMember> {
    return this.requireWorkspace(idOrSlug).members.page(offset, limit, (member) => member);
  }

  /**
   * Bulk add: every member gets the user's org role. `added_count` counts memberships
   * created plus those whose role changed to the org role; `data` holds a membership for
   * every org user asked for, already a member or not.
   */
  addMembers(idOrSlug: string, userIds: readonly string[]): { added_count: number; data: WireMember[] } {
    const record = this.requireWorkspace(idOrSlug);
    if (record.isDefault) throw new EmulatorHttpError(403, "Cannot modify members of the default workspace");
    const wanted = [...new Set(userIds)];
    const outsiders = wanted.filter((id) => !this.directory.has(id));
    if (outsiders.length > 0 && this.nonOrgUsers === "reject") {
      throw new EmulatorHttpError(400, "Some users are not members of the organization", { user_ids: outsiders });
    }
    let addedCount = 0;
    const data: WireMember[] = [];
    // One bulk add is one moment: its memberships share their creation time.
    const createdAt = this.now().toISOString();
    for (const userId of wanted) {
      const user = this.directory.get(userId);
      if (!user) continue;
      const existing = record.members.get(userId);
      if (existing && existing.role === user.role) {
        data.push(existing);
        continue;
      }
      data.push(this.putMember(record, userId, user.role, createdAt));
      addedCount++;
    }
    return { added_count: addedCount, data };
  }

  /**
   * Bulk remove, all or nothing: SCIM-managed members (403) and members with active API
   * keys here (400) refuse the whole request. Users who are not members are skipped.
   */
  removeMembers(idOrSlug: string, userIds: readonly string[]): { removed_count: number } {
    const record = this.requireWorkspace(idOrSlug);
    if (record.isDefault) throw new EmulatorHttpError(403, "Cannot modify members of the default workspace");
    const present = [...new Set(userIds)].filter((id) => record.members.has(id));
    const scimManaged = present.filter((id) => this.directory.get(id)?.scim === true);
    if (scimManaged.length > 0) {
      throw new EmulatorHttpError(
        403,
        `Cannot remove SCIM-managed members ${scimManaged.join(", ")}: change their membership in your identity provider`,
        { user_ids: scimManaged },
      );
    }
    const keyHolders = present.filter((id) => (record.apiKeyCounts.get(id) ?? 0) > 0);
    if (keyHolders.length > 0) {
      throw new EmulatorHttpError(
        400,
        `Cannot remove members with active API keys in this workspace: ${keyHolders.join(", ")}. Delete their API keys first`,
        { user_ids: keyHolders },
      );
    }
    this.dropMembers(record, present);
    return { removed_count: present.length };
  }

  // ---- out of band: the organization's setup and changes made by hand ----------------

  /** Adds users to the organization (and so to the default workspace), or updates them (see {@link OrgUserFields}). */
  addUsers(users: Iterable<string | OrgUserFields>): OrgUser[] {
    const defaultWorkspace = this.workspaces.get(this.defaultWorkspaceId) as WorkspaceRecord;
    return [...users].map((entry) => {
      const user = this.directory.put(typeof entry === "string" ? { id: entry } : entry);
      const membership = defaultWorkspace.members.get(user.id);
      if (membership?.role !== user.role) this.putMember(defaultWorkspace, user.id, user.role, this.now().toISOString());
      return { ...user };
    });
  }

  /** The organization user `userId`, if there is one. */
  user(userId: string): OrgUser | undefined {
    return this.directory.get(userId);
  }

  /** The organization user with this email (compared case-insensitively), if there is one. */
  userByEmail(email: string): OrgUser | undefined {
    return this.directory.byEmail(email);
  }

  /** Every organization user, in id order. */
  users(): OrgUser[] {
    return this.directory.all();
  }

  /** Changes a user's org role (their default-workspace membership follows; others do not). */
  setUserRole(userId: string, role: string): void {
    if (!this.directory.has(userId)) throw new Error(`No organization user "${userId}"`);
    this.addUsers([{ id: userId, role }]);
  }

  /** Creates a workspace as the dashboard would; `name` defaults to the slug, `id` to a generated UUID. */
  createWorkspaceByHand(fields: WorkspaceByHand): WireWorkspace {
    if (!SLUG_PATTERN.test(fields.slug)) throw new Error(`Invalid workspace slug ${JSON.stringify(fields.slug)}`);
    if (this.idBySlug.has(fields.slug)) throw new Error(`Workspace slug "${fields.slug}" is taken`);
    if (fields.id !== undefined && this.workspaces.has(fields.id)) throw new Error(`Workspace id "${fields.id}" is taken`);
    return { ...this.insertWorkspace({ ...fields, name: fields.name ?? fields.slug }, false).data };
  }

  deleteWorkspaceByHand(idOrSlug: string): void {
    this.dropWorkspace(this.workspaceByHand(idOrSlug));
  }

  /** Adds members bypassing every rule except that the workspace exists; `role` defaults to the org role, else "member". */
  addMembersByHand(idOrSlug: string, userIds: Iterable<string>, role?: string): void {
    const record = this.workspaceByHand(idOrSlug);
    const createdAt = this.now().toISOString();
    for (const userId of userIds) {
      this.putMember(record, userId, role ?? this.directory.get(userId)?.role ?? "member", createdAt);
    }
  }

  /** Removes members bypassing SCIM and API-key rules; non-members are ignored; their guardrail there goes too. */
  removeMembersByHand(idOrSlug: string, userIds: Iterable<string>): void {
    this.dropMembers(this.workspaceByHand(idOrSlug), [...userIds]);
  }

  setMemberRole(idOrSlug: string, userId: string, role: string): void {
    const record = this.workspaceByHand(idOrSlug);
    const member = record.members.get(userId);
    if (!member) throw new Error(`"${userId}" is not a member of workspace "${idOrSlug}"`);
    record.members.set(userId, { ...member, role });
  }

  /** Records an active API key owned by `userId` in the workspace; returns the key's id. */
  giveApiKey(idOrSlug: string, userId: string): string {
    const record = this.workspaceByHand(idOrSlug);
    record.apiKeyCounts.set(userId, (record.apiKeyCounts.get(userId) ?? 0) + 1);
    return `key_${++this.apiKeySerial}`;
  }

  /** Deletes every API key `userId` owns in the workspace. */
  revokeApiKeys(idOrSlug: string, userId: string): void {
    this.workspaceByHand(idOrSlug).apiKeyCounts.delete(userId);
  }

  /** The workspace, or `undefined` when absent. */
  findWorkspace(idOrSlug: string): WireWorkspace | undefined {
    const record = this.lookup(idOrSlug);
    return record && { ...record.data };
  }

  memberIds(idOrSlug: string): string[] {
    return [...this.workspaceByHand(idOrSlug).members.sortedIds()];
  }

  member(idOrSlug: string, userId: string): WireMember | undefined {
    const member = this.workspaceByHand(idOrSlug).members.get(userId);
    return member && { ...member };
  }

  // ---- internals ----------------------------------------------------------------------

  private insertWorkspace(fields: WorkspaceCreateFields & { id?: string }, isDefault: boolean): WorkspaceRecord {
    const { id = this.random.uuid(), name, slug, ...settings } = fields;
    const data: WireWorkspace = {
      id,
      name,
      slug,
      description: null,
      created_at: this.now().toISOString(),
      updated_at: null,
      created_by: null,
      default_text_model: null,
      default_image_model: null,
      default_provider_sort: null,
      io_logging_sampling_rate: 1,
      io_logging_api_key_ids: null,
      is_data_discount_logging_enabled: false,
      is_observability_broadcast_enabled: false,
      is_observability_io_logging_enabled: false,
      disabled_server_tools: null,
      include_byok_in_budgets: false,
      default_guardrail_id: this.random.uuid(),
      ...settings,
    };
    const record: WorkspaceRecord = {
      data,
      isDefault,
      members: new SortedIdMap(),
      apiKeyCounts: new Map(),
      budgets: new Map(),
    };
    this.workspaces.set(id, record);
    this.idBySlug.set(data.slug, id);
    this.guardrails.addDefault(data);
    return record;
  }

  /** The record takes the members, API keys and budgets with it; the guardrails are told. */
  private dropWorkspace(record: WorkspaceRecord): void {
    this.workspaces.delete(record.data.id);
    this.idBySlug.delete(record.data.slug);
    this.guardrails.dropWorkspace(record.data.id);
  }

  /** A member who leaves a workspace leaves their guardrail there too. */
  private dropMembers(record: WorkspaceRecord, userIds: readonly string[]): void {
    for (const userId of userIds) record.members.delete(userId);
    this.guardrails.dropMembers(record.data.id, userIds);
  }

  private putMember(record: WorkspaceRecord, userId: string, role: string, createdAt: string): WireMember {
    const existing = record.members.get(userId);
    const member: WireMember = existing
      ? { ...existing, role }
      : {
          id: this.random.uuid(),
          user_id: userId,
          workspace_id: record.data.id,
          role,
          created_at: createdAt,
        };
    record.members.set(userId, member);
    return member;
  }

  private lookup(idOrSlug: string): WorkspaceRecord | undefined {
    return this.workspaces.get(idOrSlug) ?? this.workspaces.get(this.idBySlug.get(idOrSlug) ?? "");
  }

  // ---- for the budgets and guardrails areas ({@link WorkspaceIndex}) -------------------

  requireWorkspace(idOrSlug: string): WorkspaceRecord {
    const record = this.lookup(idOrSlug);
    if (!record) throw workspaceNotFound();
    return record;
  }

  workspaceByHand(idOrSlug: string): WorkspaceRecord {
    const record = this.lookup(idOrSlug);
    if (!record) throw new Error(`The emulator has no workspace "${idOrSlug}"`);
    return record;
  }
}
