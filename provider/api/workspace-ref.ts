/**
 * The workspace a resource points at, for every resource that lives on one workspace
 * (`WorkspaceMembers`, `WorkspaceBudgets`): resolved once at create, kept in state as its
 * UUID (the resource id) and slug, and compared with a new `workspaceId` so that a switch
 * between a workspace's slug and its own UUID is told apart from a move, with no API call.
 */
import { isUuid } from "../core/ids";
import { isUnknown } from "../core/unknowns";
import type { OpenRouterClient } from "./client";
import { readTarget } from "./read-first";
import type { Workspace } from "./types";

/** The workspace a resource points at: its UUID (the resource id) and slug if known. */
export interface WorkspaceRef {
  uuid: string;
  slug?: string;
}

/**
 * `GET /workspaces/{workspaceId}` before any change: a workspace that is not there is an
 * `OpenRouterNotFoundError` saying that nothing was changed and which input to check.
 */
export async function resolveWorkspace(client: OpenRouterClient, workspaceId: string): Promise<Workspace> {
  return readTarget(() => client.getWorkspace(workspaceId), { kind: "Workspace", id: workspaceId, input: "workspaceId", holds: "a workspace UUID or slug" });
}

/** The workspace a state (outputs with `workspaceUuid` and `workspaceSlug`) points at. */
export function stateTarget(id: string, state: Record<string, unknown>): WorkspaceRef {
  const slug = nonEmpty(state.workspaceSlug);
  return { uuid: nonEmpty(state.workspaceUuid) ?? id, ...(slug === undefined ? {} : { slug }) };
}

/**
 * Whether `newId` names the workspace the state points at: its recorded `workspaceId`, its
 * UUID (in any letter case) or its slug. Anything else is a move to another workspace.
 */
export function sameWorkspace(state: Record<string, unknown>, newId: unknown): boolean {
  if (typeof newId !== "string") return false;
  const aliases = [state.workspaceId, state.workspaceUuid, state.workspaceSlug].filter(
    (alias): alias is string => typeof alias === "string" && alias !== "",
  );
  return aliases.some(
    (alias) => alias === newId || (isUuid(alias) && isUuid(newId) && alias.toLowerCase() === newId.toLowerCase()),
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The diff of a resource whose `workspaceId` points at another workspace. */
export interface WorkspaceMove {
  /** `undefined` when the new `workspaceId` is a preview unknown: it may turn out to be the same one. */
  changes: true | undefined;
  replaces: ["workspaceId"];
  deleteBeforeReplace: true;
}

/**
 * The engine-facing diff when `newId` points at another workspace than the state's (see
 * {@link sameWorkspace}): replace, deleting first. Were the new resource created first and
 * the "other" workspace the same one under a name the diff could not match (its slug,
 * unknown without an API call), the old one's delete would then undo what the new one just
 * set. An unknown `newId` (it comes from a workspace being created or replaced) lists the
 * replacement it may turn out to be, so a preview warns of it. `undefined` when the
 * resource stays on its workspace.
 */
export function workspaceMove(state: Record<string, unknown>, newId: unknown): WorkspaceMove | undefined {
  if (isUnknown(newId)) return { changes: undefined, replaces: ["workspaceId"], deleteBeforeReplace: true };
  if (!sameWorkspace(state, newId)) return { changes: true, replaces: ["workspaceId"], deleteBeforeReplace: true };
  return undefined;
}
