/**
 * The people of a members file (issue 15): `users:` takes emails beside user ids (the file's
 * own rules, in validate.ts), and the second pass checks every person against the
 * organization's directory on the emulator, with one listing, naming the file, the line,
 * the workspace and the entry of each unknown person and the nearest name the directory has.
 */
import { MembersFileError, OpenRouterConfigError, type MembersFileProblem } from "../../provider/core/errors";
import { declareMembers } from "../../provider/gitops/declare";
import { parseMembersFile, validateMembers } from "../../provider/gitops/load";
import { VALIDATE_MEMBERS_VARIABLE, checkMembersAgainstOrganization } from "../../provider/gitops/organization";
import { startEmulator, type Emulator } from "../../provider/testing";
import { captureRegistrations } from "../engine/harness";
import { yamlLines } from "../support/members-file";


function problemsOf(parse: () => unknown): readonly MembersFileProblem[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof MembersFileError) return error.problems;
    throw error;
  }
  throw new Error("expected a MembersFileError, but the members parsed");
}

describe("emails in users: (the file's own rules)", () => {
  const file = parseMembersFile(
    yamlLines(
      "workspaces:",
      "  platform:",
      "    users:",
      "      - Alice.Nakamura@Example.com",
      "      - user_bob",
      "    protected: [user_root]",
    ),
    "members.yaml",
  );

  it("splits users into ids and emails (an entry with an @ is an email), kept as written", () => {
    expect(file.workspaces[0]).toMatchObject({ userIds: ["user_bob"], emails: ["Alice.Nakamura@Example.com"], protectedUserIds: ["user_root"] });
  });

  it("records where every person stands, for the organization check", () => {
    expect(file.workspaces[0]?.people).toEqual([
      { value: "Alice.Nakamura@Example.com", kind: "email", list: "users", index: 0, path: "workspaces.platform.users[0]", line: 4 },
      { value: "user_bob", kind: "userId", list: "users", index: 1, path: "workspaces.platform.users[1]", line: 5 },
      { value: "user_root", kind: "userId", list: "protected", index: 0, path: "workspaces.platform.protected[0]", line: 6 },
    ]);
  });

  it("refuses a repeat in another letter case, an email that is no email, and an email in protected:", () => {
    const problems = problemsOf(() =>
      parseMembersFile(
        yamlLines(
          "workspaces:",
          "  platform:",
          "    users:",
          "      - alice@example.com",
          "      - ALICE@example.com",
          "      - alice@",
          "    protected: [root@example.com]",
        ),
        "members.yaml",
      ),
    );
    expect(problems).toEqual([
      { path: "workspaces.platform.users[1]", line: 5, message: '"ALICE@example.com" is listed twice (first at users[0])' },
      { path: "workspaces.platform.users[2]", line: 6, message: 'is not an email (no "@" between a name and a domain): "alice@"' },
      { path: "workspaces.platform.protected[0]", line: 7, message: '"root@example.com" is an email, and "protected:" takes user ids only' },
    ]);
  });

  it("declares the emails as the resource's emails input", async () => {
    const registrations = await captureRegistrations(() => void declareMembers(file));
    const { __provider: _provider, ...inputs } = registrations[0]!.inputs;
    expect(inputs).toEqual({
      workspaceId: "platform",
      userIds: ["user_bob"],
      emails: ["Alice.Nakamura@Example.com"],
      exclusive: false,
      protectedUserIds: ["user_root"],
    });
  });
});

describe("checkMembersAgainstOrganization", () => {
  let emulator: Emulator;
  const options = () => ({ baseUrl: emulator.url, managementKey: emulator.managementKey });

  beforeAll(async () => {
    emulator = await startEmulator({
      seed: "gitops-people",
      users: [
        { id: "user_alice", email: "alice.nakamura@example.com" },
        { id: "user_bob", email: "bob.okafor@example.com" },
        "user_carol",
        "user_root",
      ],
      pageSizeCap: 2,
    });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.log.clear();
  });

  /** The problems the check throws for `text`, or fails the test when it passes. */
  async function problemsOfCheck(text: string): Promise<{ message: string; problems: readonly MembersFileProblem[] }> {
    const error = await checkMembersAgainstOrganization(parseMembersFile(text, "members.yaml"), options()).catch((e: unknown) => e);
    if (!(error instanceof MembersFileError)) throw new Error(`expected a MembersFileError, got ${String(error)}`);
    return { message: error.message, problems: error.problems };
  }

  it("passes a file whose people are all members, with one listing of the directory (every page)", async () => {
    const file = parseMembersFile(
      yamlLines("workspaces:", "  platform:", "    users: [ALICE.NAKAMURA@example.com, user_bob]", "    protected: [user_root]", "  ops:", "    users: [carol@example.com]"),
      "members.yaml",
    );
    await expect(checkMembersAgainstOrganization(file, options())).resolves.toBe(file);
    // Four people, pages of two: one listing is two requests.
    expect(emulator.log.entries.map((e) => e.route)).toEqual(["GET /organization/members", "GET /organization/members"]);
  });

  it("names each unknown person by file, line, workspace and entry, with the nearest email or id", async () => {
    const { message, problems } = await problemsOfCheck(
      yamlLines(
        "workspaces:",
        "  platform:",
        "    users:",
        "      - alice.nakamora@example.com",
        "      - user_bob",
        "      - zed@elsewhere.org",
        "  ops:",
        "    protected: [user_rot]",
        "    users: [user_carl]",
      ),
    );
    expect(message.split("\n")).toEqual([
      'members.yaml:4: workspaces.platform.users[0]: "alice.nakamora@example.com" is no member of the organization (did you mean "alice.nakamura@example.com"?)',
      'members.yaml:6: workspaces.platform.users[2]: "zed@elsewhere.org" is no member of the organization',
      'members.yaml:9: workspaces.ops.users[0]: "user_carl" is no member of the organization (did you mean "user_carol"?)',
      'members.yaml:8: workspaces.ops.protected[0]: "user_rot" is no member of the organization (did you mean "user_root"?)',
    ]);
    expect(problems[0]).toEqual({
      path: "workspaces.platform.users[0]",
      line: 4,
      message: '"alice.nakamora@example.com" is no member of the organization (did you mean "alice.nakamura@example.com"?)',
    });
  });

  it("refuses one person named twice in users:, once by id and once by email", async () => {
    const { message } = await problemsOfCheck(yamlLines("workspaces:", "  platform:", "    users: [user_bob, Bob.Okafor@example.com]"));
    expect(message).toBe(
      'members.yaml:3: workspaces.platform.users[1]: "Bob.Okafor@example.com" names the same person as users[0] ("user_bob"); list each user once',
    );
  });

  it("makes no request when the file names nobody", async () => {
    const file = parseMembersFile(yamlLines("workspaces:", "  platform:", "    users: []"), "members.yaml");
    await expect(checkMembersAgainstOrganization(file, options())).resolves.toBe(file);
    expect(emulator.log.entries).toEqual([]);
  });

  it("is turned off by validateAgainstOrganization: false, or by the environment variable, with no request", async () => {
    const file = validateMembers({ workspaces: { platform: { users: ["nobody@example.com"] } } }, "stack config x");
    await expect(checkMembersAgainstOrganization(file, { ...options(), validateAgainstOrganization: false })).resolves.toBe(file);
    for (const off of ["false", "0", " FALSE "]) {
      process.env[VALIDATE_MEMBERS_VARIABLE] = off;
      try {
        await expect(checkMembersAgainstOrganization(file, options())).resolves.toBe(file);
      } finally {
        delete process.env[VALIDATE_MEMBERS_VARIABLE];
      }
    }
    expect(emulator.log.entries).toEqual([]);

    // The option wins over the variable, and a value that is neither true nor false is refused.
    process.env[VALIDATE_MEMBERS_VARIABLE] = "false";
    try {
      await expect(checkMembersAgainstOrganization(file, { ...options(), validateAgainstOrganization: true })).rejects.toThrow(
        'stack config x: workspaces.platform.users[0]: "nobody@example.com" is no member of the organization',
      );
      process.env[VALIDATE_MEMBERS_VARIABLE] = "nope";
      await expect(checkMembersAgainstOrganization(file, options())).rejects.toThrow(
        new OpenRouterConfigError('OPENROUTER_VALIDATE_MEMBERS must be true or false (1 or 0), got "nope"'),
      );
    } finally {
      delete process.env[VALIDATE_MEMBERS_VARIABLE];
    }
  });

  it("fails saying how to preview offline when the directory cannot be read, with the lookup's error as the cause", async () => {
    const file = parseMembersFile(yamlLines("workspaces:", "  platform:", "    users: [user_bob]"), "members.yaml");
    const error = await checkMembersAgainstOrganization(file, { baseUrl: emulator.url, managementKey: "sk-or-v1-wrong" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MembersFileError);
    expect((error as Error).message).toMatch(
      /^members\.yaml: cannot check the people it names against the organization: .*\(401 GET \/organization\/members.*\)\. To preview without the check, set OPENROUTER_VALIDATE_MEMBERS=false \(or pass validateAgainstOrganization: false\)$/,
    );
    expect((error as Error).cause).toMatchObject({ status: 401 });
    expect((error as Error).message).not.toContain("sk-or-v1-wrong");
  });
});
