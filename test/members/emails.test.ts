/**
 * People named by email (issue 15): the WorkspaceMembers lifecycle against the emulator over
 * real loopback HTTP, called as the plugin calls it. Emails resolve with one listing of the
 * organization's directory, made only when there are emails; an unknown email fails before
 * any change; and everything else (exclusive, guards, partial failure, unconfirmed changes,
 * refresh) holds for people named by email exactly as for ids.
 * test/engine/members-emails-plugin.test.ts covers the same through Pulumi's real plugin.
 */
import * as lifecycle from "../../provider/members/lifecycle";
import { PartialFailureError, UnknownEmailError } from "../../provider/core/errors";
import { startEmulator, type Emulator } from "../../provider/testing";
import { takeRequests } from "../support/requests";
import { emulatorStackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

const DIRECTORY_ROUTE = "GET /organization/members";
const ADD = "POST /workspaces/:id/members/add";
const REMOVE = "POST /workspaces/:id/members/remove";
const LIST = "GET /workspaces/:id/members";

let emulator: Emulator;
let workspaceUuid: string;

async function configure(extra: Record<string, string> = {}): Promise<void> {
  await lifecycle.configure(emulatorStackConfig(emulator, extra));
}

async function checked(news: Props): Promise<Props> {
  const result = await lifecycle.check({}, { workspaceId: "platform", ...news, __provider: "serialized-provider" });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Props;
}

async function create(news: Props): Promise<Props> {
  return (await lifecycle.create(await checked(news))).outs as Props;
}

async function update(olds: Props, news: Props): Promise<Props> {
  return (await lifecycle.update(workspaceUuid, olds, await checked(news))).outs as Props;
}


/** The outputs a refresh reads, and the inputs it hands back. */
async function refresh(props: Props): Promise<{ props: Props; inputs: Props }> {
  const answer = await lifecycle.read(workspaceUuid, props);
  return { props: answer.props as Props, inputs: answer.inputs as Props };
}

beforeEach(async () => {
  emulator = await startEmulator({
    seed: "emails",
    users: [
      { id: "user_alice", email: "Alice.Nakamura@Example.com" },
      { id: "user_bob", email: "bob@example.com" },
      "user_carol",
      "user_dave",
      "user_erin",
      "user_frank",
      { id: "user_scim", scim: true },
    ],
  });
  workspaceUuid = emulator.createWorkspace({ slug: "platform" }).id;
  await configure();
});

afterEach(async () => {
  await emulator.close();
});

describe("create", () => {
  it("resolves emails, any case, with one listing of the directory beside the workspace's lookup, and records both names", async () => {
    const outs = await create({ userIds: ["user_dave"], emails: ["ALICE.NAKAMURA@example.com", "bob@example.com"] });

    expect(emulator.memberIds("platform")).toEqual(["user_alice", "user_bob", "user_dave"]);
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY_ROUTE, "GET /workspaces/:id", `${ADD} x3`]);
    expect(outs).toMatchObject({
      userIds: ["user_alice", "user_bob", "user_dave"],
      emails: ["alice.nakamura@example.com", "bob@example.com"],
      emailUserIds: { "alice.nakamura@example.com": "user_alice", "bob@example.com": "user_bob" },
      doublyNamedUserIds: [],
      unconfirmedUserIds: [],
    });
    expect((outs.memberships as { userId: string }[]).map((m) => m.userId)).toEqual(["user_alice", "user_bob", "user_dave"]);
  });

  it("makes no directory listing when no email is given", async () => {
    await create({ userIds: ["user_dave"] });
    expect(takeRequests(emulator)).toEqual(["GET /workspaces/:id", `${ADD} x1`]);
  });

  it("refuses an email of no organization member before any change, naming it and the nearest known email", async () => {
    emulator.addMembers("platform", ["user_carol"]);
    const inputs = await checked({ userIds: ["user_dave"], emails: ["bob@exmaple.com", "bob@example.com", "zed@elsewhere.org"], exclusive: true });
    const error = await lifecycle.create(inputs).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnknownEmailError);
    expect((error as UnknownEmailError).emails).toEqual([{ email: "bob@exmaple.com", closest: "bob@example.com" }, { email: "zed@elsewhere.org" }]);
    expect((error as Error).message).toBe(
      'Creating the members of workspace "platform": emails "bob@exmaple.com" is no member of the organization ' +
        '(did you mean "bob@example.com"?); "zed@elsewhere.org" is no member of the organization. Nothing was changed.',
    );
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY_ROUTE, "GET /workspaces/:id"]);
    expect(emulator.memberIds("platform")).toEqual(["user_carol"]);
  });

  it("manages a user named both by id and by email once: one add, one membership", async () => {
    const outs = await create({ userIds: ["user_bob", "user_dave"], emails: ["bob@example.com"] });
    expect(takeRequests(emulator).filter((r) => r.startsWith("POST"))).toEqual([`${ADD} x2`]);
    expect(outs).toMatchObject({ userIds: ["user_bob", "user_dave"], emails: ["bob@example.com"], doublyNamedUserIds: ["user_bob"] });

    // The refresh hands each name back where the program put it: bob under both.
    const { inputs } = await refresh(outs);
    expect(inputs).toMatchObject({ userIds: { user_bob: true, user_dave: true }, emails: { "bob@example.com": true } });
    expect((await lifecycle.diff(workspaceUuid, outs, await checked({ userIds: ["user_bob", "user_dave"], emails: ["bob@example.com"] }))).changes).toBe(false);
  });

  it("in exclusive mode removes everyone named neither way, keeping protected users", async () => {
    emulator.addMembers("platform", ["user_carol", "user_erin", "user_frank"]);
    const outs = await create({ userIds: ["user_dave"], emails: ["carol@example.com"], exclusive: true, protectedUserIds: ["user_frank"] });
    expect(emulator.memberIds("platform")).toEqual(["user_carol", "user_dave", "user_frank"]);
    expect(outs).toMatchObject({ userIds: ["user_carol", "user_dave"], emails: ["carol@example.com"] });
  });
});

describe("update", () => {
  it("adds a new email's user and removes a dropped email's user, with one directory listing", async () => {
    const outs = await create({ emails: ["bob@example.com", "carol@example.com"] });
    takeRequests(emulator);

    const next = await update(outs, { emails: ["carol@example.com", "dave@example.com"] });
    expect(takeRequests(emulator)).toEqual([DIRECTORY_ROUTE, `${ADD} x1`, `${REMOVE} x1`]);
    expect(emulator.memberIds("platform")).toEqual(["user_carol", "user_dave"]);
    expect(next).toMatchObject({ userIds: ["user_carol", "user_dave"], emails: ["carol@example.com", "dave@example.com"] });
  });

  it("removes the user a dropped email named, even after the directory gave that person another email", async () => {
    const outs = await create({ emails: ["bob@example.com", "carol@example.com"] });
    emulator.addUsers([{ id: "user_bob", email: "robert@example.com" }, { id: "user_erin", email: "bob@example.com" }]);
    takeRequests(emulator);

    const next = await update(outs, { emails: ["carol@example.com"] });
    expect(emulator.memberIds("platform")).toEqual(["user_carol"]);
    expect(takeRequests(emulator)).toEqual([DIRECTORY_ROUTE, `${REMOVE} x1`]);
    expect(next).toMatchObject({ userIds: ["user_carol"], emails: ["carol@example.com"], emailUserIds: { "carol@example.com": "user_carol" } });

    // With no email left, no listing at all.
    const last = await update(next, { userIds: [] });
    expect(takeRequests(emulator)).toEqual([`${REMOVE} x1`]);
    expect(last).toMatchObject({ userIds: [], emails: [], emailUserIds: {} });
  });

  it("moving a user from emails to userIds changes nothing in the workspace", async () => {
    const outs = await create({ userIds: ["user_dave"], emails: ["bob@example.com"] });
    takeRequests(emulator);
    const next = await update(outs, { userIds: ["user_bob", "user_dave"] });
    expect(takeRequests(emulator)).toEqual([]);
    expect(next).toMatchObject({ userIds: ["user_bob", "user_dave"], emails: [], emailUserIds: {} });
  });

  it("refuses an unknown email before any change, the dropped ones included", async () => {
    const outs = await create({ emails: ["bob@example.com", "carol@example.com"] });
    takeRequests(emulator);
    await expect(update(outs, { emails: ["carol@example.com", "dave@exmaple.com"] })).rejects.toThrow(
      /"dave@exmaple.com" is no member of the organization \(did you mean "dave@example.com"\?\)\. Nothing was changed\./,
    );
    expect(takeRequests(emulator)).toEqual([DIRECTORY_ROUTE]);
    expect(emulator.memberIds("platform")).toEqual(["user_bob", "user_carol"]);
  });

  it("a protected user dropped from emails stays in the workspace and leaves management", async () => {
    const outs = await create({ emails: ["bob@example.com", "carol@example.com"], protectedUserIds: ["user_bob"] });
    const next = await update(outs, { emails: ["carol@example.com"], protectedUserIds: ["user_bob"] });
    expect(emulator.memberIds("platform")).toEqual(["user_bob", "user_carol"]);
    expect(next).toMatchObject({ userIds: ["user_carol"], emails: ["carol@example.com"] });
  });

  it("counts the users of dropped emails against maxRemovals, before any request that changes anything", async () => {
    const outs = await create({ emails: ["bob@example.com", "carol@example.com", "dave@example.com"], maxRemovals: 1 });
    takeRequests(emulator);
    await expect(update(outs, { emails: ["dave@example.com"], maxRemovals: 1 })).rejects.toThrow(/would remove 2 users \(user_bob, user_carol\), more than maxRemovals \(1\)/);
    expect(takeRequests(emulator)).toEqual([DIRECTORY_ROUTE]);
    expect(emulator.memberIds("platform")).toEqual(["user_bob", "user_carol", "user_dave"]);
    await expect(lifecycle.remove(workspaceUuid, outs)).rejects.toThrow(/would remove 3 users \(user_bob, user_carol, user_dave\), more than maxRemovals \(1\)/);
  });

  it("lists the directory at most settings.concurrency pages at a time", async () => {
    emulator.addUsers(Array.from({ length: 12 }, (_, i) => `user_extra_${i}`));
    emulator.configure({ pageSizeCap: 2, latencyMs: 20 });
    const outs = await create({ emails: ["bob@example.com"] });

    for (const concurrency of [1, 3]) {
      await configure({ "openrouter:concurrency": String(concurrency) });
      emulator.log.clear();
      // Additive, nothing unconfirmed: the directory is the update's only listing.
      await update(outs, { emails: ["bob@example.com", "carol@example.com"] });
      expect(emulator.log.entries.filter((e) => e.route === DIRECTORY_ROUTE)).toHaveLength(10);
      if (concurrency === 1) expect(emulator.log.maxInFlight).toBe(1);
      else expect(emulator.log.maxInFlight).toBeGreaterThan(1);
      expect(emulator.log.maxInFlight).toBeLessThanOrEqual(concurrency);
    }
  });
});

describe("read (refresh)", () => {
  it("shows a user named by email and removed by hand as the email missing, so the next update adds them back", async () => {
    const outs = await create({ userIds: ["user_dave"], emails: ["bob@example.com", "carol@example.com"] });
    emulator.removeMembers("platform", ["user_bob"]);
    takeRequests(emulator);

    const { props, inputs } = await refresh(outs);
    expect(takeRequests(emulator).sort()).toEqual([DIRECTORY_ROUTE, LIST]);
    expect(props).toMatchObject({ userIds: ["user_carol", "user_dave"], emails: ["carol@example.com"] });
    expect(inputs).toEqual({
      workspaceId: "platform",
      userIds: { user_dave: true },
      emails: { "carol@example.com": true },
      exclusive: false,
    });

    const program = await checked({ userIds: ["user_dave"], emails: ["bob@example.com", "carol@example.com"] });
    expect((await lifecycle.diff(workspaceUuid, props, program)).changes).toBe(true);
    const repaired = (await lifecycle.update(workspaceUuid, props, program)).outs as Props;
    expect(emulator.memberIds("platform")).toEqual(["user_bob", "user_carol", "user_dave"]);
    expect(repaired).toMatchObject({ emails: ["bob@example.com", "carol@example.com"] });
  });

  it("shows an email the directory no longer gives its user as drift, and the update then names it with the nearest email", async () => {
    const outs = await create({ emails: ["bob@example.com"] });
    emulator.addUsers([{ id: "user_bob", email: "bob@example.org" }]);

    const { props, inputs } = await refresh(outs);
    // bob stays a managed member (the resource added him), no longer under that email.
    expect(props).toMatchObject({ userIds: ["user_bob"], emails: [], emailUserIds: {} });
    expect(inputs).toEqual({ workspaceId: "platform", userIds: { user_bob: true }, exclusive: false });
    const program = await checked({ emails: ["bob@example.com"] });
    expect((await lifecycle.diff(workspaceUuid, props, program)).changes).toBe(true);
    await expect(lifecycle.update(workspaceUuid, props, program)).rejects.toThrow(
      /"bob@example.com" is no member of the organization \(did you mean "bob@example.org"\?\)/,
    );
    expect(emulator.memberIds("platform")).toEqual(["user_bob"]);

    // The program follows the directory: nothing to send, bob named by his new email.
    const fixed = await update(props, { emails: ["Bob@Example.org"] });
    expect(fixed).toMatchObject({ userIds: ["user_bob"], emails: ["bob@example.org"] });
    expect(emulator.memberIds("platform")).toEqual(["user_bob"]);
  });

  it("reads with no directory listing when the state names nobody by email", async () => {
    const outs = await create({ userIds: ["user_dave"] });
    takeRequests(emulator);
    await refresh(outs);
    expect(takeRequests(emulator)).toEqual([LIST]);
  });

  it("takes the resource out of the state when the workspace is gone, whatever the directory says", async () => {
    const outs = await create({ emails: ["bob@example.com"] });
    emulator.deleteWorkspace("platform");
    expect((await lifecycle.read(workspaceUuid, outs)).id).toBe("");
  });
});

describe("truth under failure", () => {
  it("a create that fails part-way records the emails of exactly the users that went through, and a rerun converges", async () => {
    await configure({ "openrouter:batchSize": "1", "openrouter:concurrency": "1", "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: ADD, skip: 1, status: 500 });
    const inputs = await checked({ emails: ["bob@example.com", "carol@example.com", "dave@example.com"] });

    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.properties).toMatchObject({
      userIds: ["user_bob"],
      emails: ["bob@example.com"],
      emailUserIds: { "bob@example.com": "user_bob" },
      __provider: "serialized-provider",
    });
    expect(emulator.memberIds("platform")).toEqual(["user_bob"]);

    const rerun = (await lifecycle.update(workspaceUuid, error.properties, inputs)).outs as Props;
    expect(emulator.memberIds("platform")).toEqual(["user_bob", "user_carol", "user_dave"]);
    expect(rerun).toMatchObject({ emails: ["bob@example.com", "carol@example.com", "dave@example.com"] });
  });

  it("a lost add whose listing fails too keeps the email with its unconfirmed user, and a refresh settles it under that email", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: ADD, drop: true, applyFirst: true }, { route: LIST, status: 503 });
    const inputs = await checked({ emails: ["bob@example.com"] });

    const error = (await lifecycle.create(inputs).catch((e: unknown) => e)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.unconfirmed).toEqual(["user_bob"]);
    expect(error.properties).toMatchObject({
      userIds: [],
      unconfirmedUserIds: ["user_bob"],
      emails: [],
      emailUserIds: { "bob@example.com": "user_bob" },
    });
    expect((await lifecycle.diff(workspaceUuid, error.properties, inputs)).changes).toBe(true);

    // A refresh settles it by the listing: bob is there, under the email the program used.
    const { props } = await refresh(error.properties);
    expect(props).toMatchObject({ userIds: ["user_bob"], unconfirmedUserIds: [], emails: ["bob@example.com"] });
    expect((await lifecycle.diff(workspaceUuid, props, inputs)).changes).toBe(false);
  });

  it("a lost add, then the email dropped: one listing settles it and the user is removed", async () => {
    await configure({ "openrouter:maxAttempts": "1" });
    emulator.faults.add({ route: ADD, drop: true, applyFirst: true }, { route: LIST, status: 503 });
    const error = (await lifecycle.create(await checked({ userIds: ["user_dave"], emails: ["bob@example.com"] })).catch((e: unknown) => e)) as PartialFailureError;
    expect(error.properties).toMatchObject({ unconfirmedUserIds: ["user_bob", "user_dave"] });
    takeRequests(emulator);

    const next = await update(error.properties, { userIds: ["user_dave"] });
    expect(takeRequests(emulator)).toEqual([LIST, `${REMOVE} x1`]);
    expect(emulator.memberIds("platform")).toEqual(["user_dave"]);
    expect(next).toMatchObject({ userIds: ["user_dave"], unconfirmedUserIds: [], emails: [], emailUserIds: {} });
  });
});

describe("delete", () => {
  it("removes the users the state records, named by email or not, with no directory listing", async () => {
    emulator.addMembers("platform", ["user_frank"]);
    const outs = await create({ userIds: ["user_dave"], emails: ["bob@example.com"], protectedUserIds: ["user_frank"] });
    emulator.addUsers([{ id: "user_bob", email: "robert@example.com" }]);
    takeRequests(emulator);
    await lifecycle.remove(workspaceUuid, outs);
    expect(takeRequests(emulator)).toEqual([`${REMOVE} x2`]);
    expect(emulator.memberIds("platform")).toEqual(["user_frank"]);
  });
});
