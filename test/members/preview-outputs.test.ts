/**
 * Issue 12, found under the real CLI: during a preview the engine answers a dynamic resource's
 * registration with its checked inputs in place of outputs (the plugin cannot preview a create
 * or update), so `userIds` reached the program as the checked map `{ "<id>": true }`. A program
 * that read `members.userIds` as the declared list broke at preview time, and every preview
 * showed the stack output flip from a list to a map.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkInputs } from "../../provider/members/inputs";
import { WorkspaceMembers } from "../../provider/members/resource";

const resolve = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((done) => output.apply(done));

/** Answers registrations as the engine does in a preview: with what the provider's check returned. */
async function previewWithCheckedInputs(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: "", state: checkInputs({}, args.inputs).inputs }),
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    true,
  );
}

describe("WorkspaceMembers outputs during a preview (issue 12)", () => {
  it("are the declared sorted lists, not the checked maps the engine answers with", async () => {
    await previewWithCheckedInputs();
    const members = new WorkspaceMembers("platform", {
      workspaceId: "platform",
      userIds: ["user_carol", "user_alice"],
      protectedUserIds: ["user_grace", "user_bob"],
    });
    expect(await resolve(members.userIds)).toEqual(["user_alice", "user_carol"]);
    expect(await resolve(members.protectedUserIds)).toEqual(["user_bob", "user_grace"]);
  });

  it("with emails (issue 15): the emails as the sorted list, and userIds unknown, since who the emails name is known only at apply", async () => {
    await previewWithCheckedInputs();
    const members = new WorkspaceMembers("platform", {
      workspaceId: "platform",
      userIds: ["user_carol"],
      emails: ["Dave@example.com", "bob@example.com"],
    });
    expect(await resolve(members.emails)).toEqual(["bob@example.com", "dave@example.com"]);
    // `isKnown` is the SDK's own (untyped) promise that settles with the value: an unknown
    // output runs no apply, so resolve() would wait forever.
    expect(await (members.userIds as unknown as { isKnown: Promise<boolean> }).isKnown).toBe(false);
  });

  it("after an apply, userIds is everyone the state records, however named", async () => {
    await pulumi.runtime.setMocks({
      newResource: (args) => ({
        id: "uuid",
        state: { ...args.inputs, userIds: ["user_bob", "user_carol"], emails: ["bob@example.com"], emailUserIds: { "bob@example.com": "user_bob" } },
      }),
      call: (args) => args.inputs,
    });
    const members = new WorkspaceMembers("platform", { workspaceId: "platform", userIds: ["user_carol"], emails: ["Bob@example.com"] });
    expect(await resolve(members.userIds)).toEqual(["user_bob", "user_carol"]);
    expect(await resolve(members.emails)).toEqual(["bob@example.com"]);
  });

  it("leave lists and an absent protectedUserIds as they are", async () => {
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: "uuid", state: args.inputs }), call: (args) => args.inputs });
    const members = new WorkspaceMembers("platform", { workspaceId: "platform", userIds: ["user_alice"] });
    expect(await resolve(members.userIds)).toEqual(["user_alice"]);
    expect(await resolve(members.protectedUserIds)).toBeUndefined();
  });
});
