/**
 * What a set-membership resource's program sees during a preview. The engine then answers
 * with the checked inputs in place of outputs (the plugin cannot preview a create or
 * update), and `check` turns the sets into maps `{ "<id>": true }`: these turn them back
 * into the declared sorted lists. Runs in the program's process: loads nothing but Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";

/** The set outputs every set-membership resource declares. */
export interface SetOutputs {
  userIds: pulumi.Output<string[]>;
  emails: pulumi.Output<string[]>;
  protectedUserIds: pulumi.Output<string[]>;
  emailUserIds: pulumi.Output<Record<string, string>>;
}

/**
 * Replaces the set outputs of `resource` (just registered) by their list form. The checked
 * `userIds` holds only the users named by id: who the emails name is known once they are
 * resolved (`emailUserIds`, absent from a preview's answer, so unknown), so with emails a
 * preview's `userIds` is unknown rather than short of those users.
 */
export function declareSetOutputs(resource: SetOutputs, emails: pulumi.Input<pulumi.Input<string>[]> | undefined): void {
  const namesEmails = pulumi.output(emails ?? []).apply((list) => list.length > 0);
  const { userIds, emailUserIds } = resource;
  resource.userIds = pulumi.all([userIds, namesEmails]).apply(([ids, byEmail]) =>
    isCheckedMap(ids) && byEmail
      ? emailUserIds.apply((named) => [...new Set([...asIdList(ids), ...Object.values(named ?? {})])].sort())
      : pulumi.output(asIdList(ids)),
  );
  resource.emails = resource.emails.apply(asIdList);
  resource.protectedUserIds = resource.protectedUserIds.apply(asIdList);
}

/** Whether the engine sent a set in the checked map form `{ "<id>": true }` rather than as the outputs' list. */
function isCheckedMap(set: unknown): boolean {
  return set !== null && typeof set === "object" && !Array.isArray(set);
}

/** A set as the sorted list the outputs declare, whether the engine sent the list or the checked map. */
function asIdList(ids: string[]): string[] {
  return isCheckedMap(ids) ? Object.keys(ids).sort() : ids;
}
