import { guardrails } from "./program";

export const { members, guardrailMembers, guardrailWorkspace } = guardrails();
