/**
 * The state of a `WorkspaceMembers` resource: what its outputs hold, and how a ledger's
 * snapshot becomes them and the inputs a refresh hands back. Reading the inputs and an old
 * state is membership/state.ts. Pure.
 */
import type { Membership } from "../api/types";
import type { WorkspaceRef } from "../api/workspace-ref";
import type { MembershipLedger } from "../membership/ledger";
import { namesState, type Names } from "../membership/names";
import { checkedInputsOf, type Desired, type MemberSetState } from "../membership/state";

/** The input naming the workspace, and the output holding the records. */
export const WORKSPACE_KEY = "workspaceId";
export const MEMBERSHIPS_KEY = "memberships";

/** The outputs of a `WorkspaceMembers` resource, as stored in state. */
export interface MembersState extends MemberSetState {
  workspaceId: string;
  workspaceUuid: string;
  /** The workspace's slug, resolved at create: lets diff tell a slug from its own UUID without a call. */
  workspaceSlug?: string;
  /** Managed users the service confirmed as members (an add's answer or a listing), named by id or by email. */
  userIds: string[];
  /** Their memberships, exactly as the service returned them. */
  memberships: Membership[];
  /** Managed users whose last change was sent but neither confirmed nor refuted. */
  unconfirmedUserIds: string[];
}

/** The outputs: the inputs echoed, the ledger's record of members, and the names of those still managed. */
export function toState(desired: Desired, target: WorkspaceRef, ledger: MembershipLedger<Membership>, names: Names): MembersState {
  const { userIds, memberships, unconfirmedUserIds } = ledger.snapshot();
  return {
    workspaceId: desired.target,
    workspaceUuid: target.uuid,
    ...(target.slug === undefined ? {} : { workspaceSlug: target.slug }),
    userIds,
    memberships,
    unconfirmedUserIds,
    ...namesState(names, userIds, unconfirmedUserIds),
    exclusive: desired.exclusive,
    protectedUserIds: desired.protectedUserIds,
    ...(desired.maxRemovals === undefined ? {} : { maxRemovals: desired.maxRemovals }),
  };
}

/** The inputs a refresh hands back (see `checkedInputsOf`). */
export function toCheckedInputs(state: MembersState): Record<string, unknown> {
  return checkedInputsOf(WORKSPACE_KEY, state.workspaceId, state);
}
