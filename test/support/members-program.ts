/** A program declaring one WorkspaceMembers, captured as the engine receives it: for the suites through the plugin. */
import { WorkspaceMembers, type WorkspaceMembersArgs } from "../../provider/members/resource";
import { captureRegistrations, registrationNamed, type Registration } from "../engine/harness";

/** The registration of a program that declares one `WorkspaceMembers` named `name`. */
export async function members(name: string, args: WorkspaceMembersArgs): Promise<Registration> {
  const registrations = await captureRegistrations(() => {
    new WorkspaceMembers(name, args);
  });
  return registrationNamed(registrations, name);
}
