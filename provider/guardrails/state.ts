/**
 * The state of a `GuardrailMembers` resource: what its outputs hold, and how a ledger's
 * snapshot becomes them and the inputs a refresh hands back. Reading the inputs and an old
 * state is membership/state.ts. Pure.
 */
import type { GuardrailAssignment } from "../api/types";
import type { MembershipLedger } from "../membership/ledger";
import { namesState, type Names } from "../membership/names";
import { checkedInputsOf, type Desired, type MemberSetState } from "../membership/state";

/** The input naming the guardrail, and the output holding the records. */
export const GUARDRAIL_KEY = "guardrailId";
export const ASSIGNMENTS_KEY = "assignments";

/** The guardrail a resource's members belong to: its UUID (the resource id) and its workspace's. */
export interface GuardrailRef {
  id: string;
  workspaceId: string;
}

/** The outputs of a `GuardrailMembers` resource, as stored in state. */
export interface GuardrailMembersState extends MemberSetState {
  guardrailId: string;
  /** The guardrail's workspace (its UUID), resolved at create. */
  workspaceId: string;
  /** Managed users the last listing showed assigned directly to the guardrail, named by id or by email. */
  userIds: string[];
  /** Their assignments, exactly as the listing returned them. */
  assignments: GuardrailAssignment[];
  /** Managed users whose last change was sent but neither confirmed nor refuted. */
  unconfirmedUserIds: string[];
}

/** The outputs: the inputs echoed, the ledger's record of assignments, and the names of those still managed. */
export function toState(desired: Desired, guardrail: GuardrailRef, ledger: MembershipLedger<GuardrailAssignment>, names: Names): GuardrailMembersState {
  const { userIds, memberships, unconfirmedUserIds } = ledger.snapshot();
  return {
    guardrailId: desired.target,
    workspaceId: guardrail.workspaceId,
    userIds,
    assignments: memberships,
    unconfirmedUserIds,
    ...namesState(names, userIds, unconfirmedUserIds),
    exclusive: desired.exclusive,
    protectedUserIds: desired.protectedUserIds,
    ...(desired.maxRemovals === undefined ? {} : { maxRemovals: desired.maxRemovals }),
  };
}

/** The guardrail a state points at; `id` is the resource id (the guardrail's UUID). */
export function stateGuardrail(id: string, state: Record<string, unknown>): GuardrailRef {
  return { id, workspaceId: typeof state.workspaceId === "string" ? state.workspaceId : "" };
}

/** The inputs a refresh hands back (see `checkedInputsOf`). */
export function toCheckedInputs(state: GuardrailMembersState): Record<string, unknown> {
  return checkedInputsOf(GUARDRAIL_KEY, state.guardrailId, state);
}
