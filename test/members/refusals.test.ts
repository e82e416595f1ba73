/**
 * Issue 16, items 3 and 4, against the emulator: users outside the organization are named
 * and do not block the others; a failure that a rerun cannot mend never promises that a
 * rerun will, and says what to change instead.
 */
import * as lifecycle from "../../provider/members/lifecycle";
import { ChangeFailedError, PartialFailureError, RemovalLimitError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { emulatorStackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

const ORG = ["user_a", "user_b", "user_c", "user_d", "user_e"];
const RERUN_PROMISE = /again finishes/;
let emulator: Emulator;
let workspaceUuid: string;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(
    emulatorStackConfig(emulator, extra),
  );
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return { ...(result.inputs as Props), __provider: "serialized-provider" };
}

async function failure(operation: Promise<unknown>): Promise<Error> {
  const error = await operation.then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  if (error === undefined) throw new Error("expected the operation to fail");
  return error;
}

/** The requests since the last clear, as "METHOD route (n users)". */
function requests(): string[] {
  return emulator.log.entries.map((e) => `${e.route ?? e.path} ${e.status}${e.userIdsCount === undefined ? "" : ` (${e.userIdsCount})`}`);
}

beforeEach(async () => {
  emulator = await startEmulator({ seed: "refusals", users: [...ORG, { id: "user_scim", scim: true }] });
  workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
  await configure();
});

afterEach(async () => {
  await emulator.close();
});

describe("users outside the organization (item 3)", () => {
  it("are named, and everyone else of the batch is added: one directory listing, one more add", async () => {
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_ghost", "user_b", "user_phantom"] });
    emulator.log.clear();

    const error = (await failure(lifecycle.create(inputs))) as PartialFailureError;

    expect(error).toBeInstanceOf(PartialFailureError);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);
    expect(error.properties).toMatchObject({ userIds: ["user_a", "user_b"], unconfirmedUserIds: [] });
    expect(error.message).toBe(
      'Creating the members of workspace "platform" did not finish: user_ghost, user_phantom are not members of the ' +
        "organization, so the service refuses to add them. Added 2 of 4 and removed 0 of 0 users; the state records exactly " +
        "what went through. Invite them to the organization first, or take them out of userIds. Until then, pulumi up fails the same way.",
    );
    expect(error.retryable).toBe(false);
    expect(requests()).toEqual([
      "GET /workspaces/:id 200",
      "POST /workspaces/:id/members/add 400 (4)",
      "GET /organization/members 200",
      "POST /workspaces/:id/members/add 200 (2)",
    ]);
  });

  it("in several batches at once are found with one listing of the directory", async () => {
    await configure({ "openrouter:batchSize": "2", "openrouter:concurrency": "3" });
    const inputs = await checked({ workspaceId: "platform", userIds: ["user_a", "user_x1", "user_b", "user_c", "user_x2", "user_d"] });
    const error = (await failure(lifecycle.create(inputs))) as PartialFailureError;
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b", "user_c", "user_d"]);
    expect(error.properties.userIds).toEqual(["user_a", "user_b", "user_c", "user_d"]);
    expect(error.message).toContain("user_x1, user_x2 are not members of the organization");
    expect(emulator.log.entries.filter((e) => e.route === "GET /organization/members")).toHaveLength(1);
  });

  it("named in an update leave the state true and the rest added", async () => {
    const created = await lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a"] }));
    const news = await checked({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_ghost"] });
    const error = (await failure(lifecycle.update(workspaceUuid, created.outs, news))) as PartialFailureError;
    expect(error.properties.userIds).toEqual(["user_a", "user_b"]);
    expect(emulator.memberIds(workspaceUuid)).toEqual(["user_a", "user_b"]);
    expect(error.message).toMatch(/^Updating .* user_ghost is not a member of the organization, so the service refuses to add them\./);
    expect(error.message).not.toMatch(RERUN_PROMISE);
  });

  it("alone in a create change nothing: not a partial failure, and named", async () => {
    const error = await failure(lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_ghost"] })));
    expect(error).toBeInstanceOf(ChangeFailedError);
    expect(error).not.toBeInstanceOf(PartialFailureError);
    expect(error.message).toContain("user_ghost is not a member of the organization");
    expect(emulator.memberIds(workspaceUuid)).toEqual([]);
  });

  it("left out of the answer by a service that does not refuse are named as outsiders too", async () => {
    emulator.configure({ nonOrgUsers: "leave-out" });
    const error = (await failure(lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a", "user_ghost"] })))) as PartialFailureError;
    expect(error.properties.userIds).toEqual(["user_a"]);
    expect(error.message).toContain("user_ghost is not a member of the organization");
    expect(error.message).not.toMatch(RERUN_PROMISE);
  });

  it("when the directory cannot be listed, the service's refusal stands and nothing is recorded", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "GET /organization/members", status: 503, message: "directory down" });
    const error = await failure(lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a", "user_ghost"] })));
    expect(error).toBeInstanceOf(ChangeFailedError);
    expect(error.message).toContain("Some users are not members of the organization (400 POST");
    expect(emulator.memberIds(workspaceUuid)).toEqual([]);
  });
});

describe("permanent failures never say 'run again' (item 4)", () => {
  it("the default workspace (403) says to point workspaceId elsewhere", async () => {
    const error = (await failure(lifecycle.create(await checked({ workspaceId: "default", userIds: ["user_a"] })))) as ChangeFailedError;
    expect(error).toBeInstanceOf(ChangeFailedError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Cannot modify members of the default workspace (403 POST");
    expect(error.message).toContain("point workspaceId at another workspace. Until then, pulumi up fails the same way.");
    expect(error.message).not.toMatch(RERUN_PROMISE);
  });

  it("a workspace deleted by hand (404 on add) says to refresh, or point workspaceId elsewhere", async () => {
    const created = await lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a"] }));
    emulator.deleteWorkspace(workspaceUuid);
    const news = await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    const error = (await failure(lifecycle.update(workspaceUuid, created.outs, news))) as ChangeFailedError;
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("The workspace no longer exists: run pulumi refresh to take this resource out of the state");
    expect(error.message).not.toMatch(RERUN_PROMISE);
  });

  it("a removal refused for some users (active keys) says what to do, and destroy offers protectedUserIds", async () => {
    const created = await lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] }));
    emulator.giveApiKey(workspaceUuid, "user_b");

    const update = (await failure(lifecycle.update(workspaceUuid, created.outs, await checked({ workspaceId: "platform", userIds: [] })))) as PartialFailureError;
    expect(update.message).toContain("the service refused to remove user_b");
    expect(update.message).toContain("Do what the service asks for the users it names, or keep them in userIds.");
    expect(update.message).not.toMatch(RERUN_PROMISE);

    const destroy = await failure(lifecycle.remove(workspaceUuid, update.properties));
    expect(destroy.message).toContain("still members: user_b");
    expect(destroy.message).toContain("add them to protectedUserIds and run pulumi up first");
    expect(destroy.message).not.toMatch(RERUN_PROMISE);
  });

  it("a removal limit says to raise maxRemovals or split the change, never to run again", async () => {
    const created = await lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c"] }));
    const error = await failure(lifecycle.update(workspaceUuid, created.outs, await checked({ workspaceId: "platform", userIds: [], maxRemovals: 1 })));
    expect(error).toBeInstanceOf(RemovalLimitError);
    expect(error).toMatchObject({ removeCount: 3, maxRemovals: 1, userIds: ["user_a", "user_b", "user_c"] });
    expect(error.message).toBe(
      'Updating the members of workspace "platform": would remove 3 users (user_a, user_b, user_c), more than maxRemovals (1); ' +
        "raise maxRemovals or split the change",
    );
  });

  it("only a failure a rerun can mend (the service down) promises that a rerun finishes the rest", async () => {
    await configure({ "openrouter:batchSize": "1", "openrouter:concurrency": "1", "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 503, message: "down" });
    const error = (await failure(lifecycle.create(await checked({ workspaceId: "platform", userIds: ["user_a", "user_b"] })))) as PartialFailureError;
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/the state records exactly what went through\. Running pulumi up again finishes the rest\.$/);
  });
});
