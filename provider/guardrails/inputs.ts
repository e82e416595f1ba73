/**
 * `check` and `diff` for `GuardrailMembers`: the set-membership rules (membership/inputs.ts,
 * membership/plan.ts) with the guardrail as the target. No I/O.
 */
import type { CheckedInputs } from "../core/check";
import { guardrailIdProblem } from "../core/ids";
import { isUnknown } from "../core/unknowns";
import { checkMemberInputs, type TargetInput } from "../membership/inputs";
import { diffMemberSets, type MembersDiff } from "../membership/plan";
import { GUARDRAIL_KEY } from "./state";

const GUARDRAIL: TargetInput = { key: GUARDRAIL_KEY, holds: "the guardrail's UUID", problem: guardrailIdProblem };

/** See `checkMemberInputs`: every rule is about the new inputs alone. */
export function checkInputs(news: Record<string, unknown>): CheckedInputs {
  return checkMemberInputs(GUARDRAIL, news);
}

/**
 * The diff the engine asks for, with no API call (the sets as `diffMemberSets` compares
 * them). Another guardrail replaces the resource, deleting first: the old resource's
 * delete then unassigns before the new one assigns, so it can never take back a member the
 * new one just adopted. A change of the UUID's letter case is the same guardrail: an
 * update. An unknown `guardrailId` lists the replacement it may turn out to be.
 */
export function diffGuardrailMembers(olds: Record<string, unknown>, news: Record<string, unknown>): MembersDiff {
  const newId = news[GUARDRAIL_KEY];
  if (isUnknown(newId)) return { changes: undefined, replaces: [GUARDRAIL_KEY], deleteBeforeReplace: true };
  const oldId = olds[GUARDRAIL_KEY];
  if (typeof oldId !== "string" || typeof newId !== "string" || oldId.toLowerCase() !== newId.toLowerCase()) {
    return { changes: true, replaces: [GUARDRAIL_KEY], deleteBeforeReplace: true };
  }
  const sets = diffMemberSets(olds, news);
  return sets.changes === false && oldId !== newId ? { changes: true, replaces: [] } : sets;
}

