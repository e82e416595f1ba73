/**
 * The Workspace resource (issue #7): its pure rules (check, diff, patch) and its lifecycle
 * against the emulator over real loopback HTTP, called as the plugin calls it.
 * test/engine/workspace-plugin.test.ts covers the same path through Pulumi's real plugin process.
 */
import { homedir } from "node:os";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "../../provider/workspace/lifecycle";
import { UNKNOWN } from "../../provider/core/unknowns";
import { checkWorkspaceInputs, diffWorkspace, planPatch, sameValue } from "../../provider/workspace/inputs";
import { startEmulator, type Emulator } from "../../provider/testing";
import { WorkspaceProvider } from "../../provider/workspace/resource";
import { stackConfig } from "../support/stack-config";

type Props = Record<string, unknown>;

let emulator: Emulator;

async function configure(values: Record<string, string>): Promise<void> {
  await lifecycle.configure(stackConfig(values));
}

function checked(news: Props): Props {
  const result = checkWorkspaceInputs(news);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

function failuresOf(news: Props): { property: string; reason: string }[] {
  return checkWorkspaceInputs(news).failures;
}

/** A change made by hand in the dashboard: a PATCH the provider did not send. */
async function patchByHand(idOrSlug: string, body: Props): Promise<void> {
  const response = await fetch(`${emulator.url}/workspaces/${idOrSlug}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${emulator.managementKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function workspaceRequests(): string[] {
  return emulator.log.entries.map((e) => `${e.method} ${e.route ?? e.path}`);
}

beforeEach(async () => {
  emulator = await startEmulator({ seed: "workspace" });
  await configure({ "openrouter:managementKey": emulator.managementKey, "openrouter:baseUrl": emulator.url });
});

afterEach(async () => {
  await emulator.close();
});

describe("check", () => {
  it("returns only the inputs that were set, and passes the runtime's own keys through", () => {
    expect(checked({ name: "ML Platform", slug: "ml-platform", __provider: "serialized" })).toEqual({
      name: "ML Platform",
      slug: "ml-platform",
      __provider: "serialized",
    });
  });

  it("requires name and slug", () => {
    expect(failuresOf({})).toEqual([
      { property: "name", reason: "name is required", at: [], problem: "is required" },
      { property: "slug", reason: "slug is required", at: [], problem: "is required" },
    ]);
  });

  it.each(["ML", "ml_platform", "-ml", "ml-", "ml--platform", "ml platform", ""])(
    "refuses the slug %j, naming it",
    (slug) => {
      const failures = failuresOf({ name: "x", slug });
      expect(failures).toHaveLength(1);
      expect(failures[0]?.property).toBe("slug");
      expect(failures[0]?.reason).toContain("lowercase letters and digits");
      expect(failures[0]?.reason).toContain(JSON.stringify(slug));
    },
  );

  it.each(["a", "ml-platform", "team-2-eu", "0"])("accepts the slug %j", (slug) => {
    expect(failuresOf({ name: "x", slug })).toEqual([]);
  });

  it.each([0, 0.00009, 1.0001, -1])("refuses ioLoggingSamplingRate %p, naming the range", (rate) => {
    expect(failuresOf({ name: "x", slug: "x", ioLoggingSamplingRate: rate })).toEqual([
      {
        property: "ioLoggingSamplingRate",
        reason: `ioLoggingSamplingRate must be from 0.0001 to 1, got ${rate}`,
        at: [],
        problem: `must be from 0.0001 to 1, got ${rate}`,
      },
    ]);
  });

  it.each([0.0001, 0.5, 1])("accepts ioLoggingSamplingRate %p", (rate) => {
    expect(failuresOf({ name: "x", slug: "x", ioLoggingSamplingRate: rate })).toEqual([]);
  });

  it("refuses an unknown key, naming it and the input it resembles", () => {
    const failures = failuresOf({ name: "x", slug: "x", DefaultTextModel: "openai/gpt-4o" });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("DefaultTextModel");
    expect(failures[0]?.reason).toContain('unknown input "DefaultTextModel": did you mean "defaultTextModel"?');
  });

  it("suggests the input a transposition of two letters misspells (one rule of closeness for every resource)", () => {
    expect(failuresOf({ nmae: "x", slug: "x" }).map((f) => f.reason)).toContain(
      'unknown input "nmae": did you mean "name"? (the inputs are ' +
        "name, slug, description, defaultTextModel, defaultImageModel, defaultProviderSort, ioLoggingSamplingRate, " +
        "ioLoggingApiKeyIds, isDataDiscountLoggingEnabled, isObservabilityBroadcastEnabled, isObservabilityIoLoggingEnabled, " +
        "disabledServerTools)",
    );
  });

  it("names the offending entry of a list", () => {
    expect(failuresOf({ name: "x", slug: "x", disabledServerTools: ["web_search", " "] })).toEqual([
      // The place inside the property is data too (`at`), so the members file names its line without reading the wording.
      {
        property: "disabledServerTools",
        reason: 'disabledServerTools[1] must not be blank, got the string " "',
        at: [1],
        problem: 'must not be blank, got the string " "',
      },
    ]);
    expect(failuresOf({ name: "x", slug: "x", ioLoggingApiKeyIds: [1, 1.5] })[0]?.reason).toContain("ioLoggingApiKeyIds[1]");
    expect(failuresOf({ name: "x", slug: "x", ioLoggingApiKeyIds: [3, 3] })[0]?.reason).toContain("must not list an API key id twice");
  });

  it("refuses mistyped values, naming the value", () => {
    expect(failuresOf({ name: "x", slug: "x", isDataDiscountLoggingEnabled: "yes" })).toEqual([
      {
        property: "isDataDiscountLoggingEnabled",
        reason: 'isDataDiscountLoggingEnabled must be true or false, got the string "yes"',
        at: [],
        problem: 'must be true or false, got the string "yes"',
      },
    ]);
    expect(failuresOf({ name: "\u202ex", slug: "x" })[0]?.reason).toContain("control or invisible characters");
  });

  it("keeps null for a setting that can be cleared, and treats null as unset for one that cannot", () => {
    expect(checked({ name: "x", slug: "x", description: null, isDataDiscountLoggingEnabled: null })).toEqual({
      name: "x",
      slug: "x",
      description: null,
    });
  });

  it("lets preview unknowns through unchecked, also inside lists", () => {
    const news = { name: UNKNOWN, slug: UNKNOWN, disabledServerTools: ["web_search", UNKNOWN], ioLoggingSamplingRate: UNKNOWN };
    expect(checked(news)).toEqual(news);
  });

  it("never throws on inputs that are not an object", () => {
    expect(checkWorkspaceInputs(null).failures[0]?.reason).toBe("the inputs must be an object, got null");
  });
});

describe("diff and patch (no HTTP)", () => {
  const state: Props = {
    name: "ML",
    slug: "ml",
    description: null,
    defaultTextModel: null,
    ioLoggingSamplingRate: 1,
    disabledServerTools: ["b", "a"],
    isDataDiscountLoggingEnabled: false,
    managedFields: ["name", "slug", "disabledServerTools"],
  };

  it("is no change when only unset inputs differ from what the service holds", () => {
    expect(diffWorkspace(state, { name: "ML", slug: "ml", disabledServerTools: ["a", "b"] })).toMatchObject({
      changes: false,
      replaces: [],
    });
  });

  it("changes a slug or name in place, patching only what changed", () => {
    const news = { name: "ML", slug: "ml-eu", disabledServerTools: ["a", "b"] };
    expect(diffWorkspace(state, news)).toMatchObject({ changes: true, replaces: [] });
    expect(planPatch(state, news)).toEqual({ slug: "ml-eu" });
  });

  it("is a change when the program starts or stops setting an input, even to the service's value", () => {
    expect(diffWorkspace(state, { name: "ML", slug: "ml", disabledServerTools: ["a", "b"], ioLoggingSamplingRate: 1 }).changes).toBe(true);
    expect(diffWorkspace(state, { name: "ML", slug: "ml" }).changes).toBe(true);
    expect(planPatch(state, { name: "ML", slug: "ml" })).toEqual({});
  });

  it("answers 'unknown' while an input is a preview unknown", () => {
    expect(diffWorkspace(state, { name: UNKNOWN, slug: "ml" }).changes).toBeUndefined();
  });

  it.each([
    [null, undefined, true],
    [["a", "b"], ["b", "a"], true],
    [["a"], ["a", "a"], false],
    [[1, 2], [2, 3], false],
    ["x", "x", true],
    [0.5, 0.5, true],
    ["", null, false],
  ])("sameValue(%j, %j) is %p", (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
  });
});

describe("create", () => {
  it("posts the set inputs, outputs every field the service returns and uses the UUID as id", async () => {
    const inputs = checked({ name: "ML Platform", slug: "ml-platform", description: "Models", ioLoggingSamplingRate: 0.25 });
    const { id, outs } = await lifecycle.create(inputs);

    const stored = emulator.workspace("ml-platform");
    expect(id).toBe(stored?.id);
    expect(outs).toMatchObject({
      name: "ML Platform",
      slug: "ml-platform",
      description: "Models",
      ioLoggingSamplingRate: 0.25,
      createdAt: stored?.created_at,
      isDataDiscountLoggingEnabled: stored?.is_data_discount_logging_enabled,
      disabledServerTools: stored?.disabled_server_tools,
      managedFields: ["name", "slug", "description", "ioLoggingSamplingRate"],
    });
    expect(Object.keys(outs)).not.toContain("id");
    expect(Object.values(outs)).not.toContain(undefined);
    // The slug is looked up first, so that a lost answer to the POST can be settled (below);
    // its 404 means "free" only once the base URL is proven right (the client's first 404).
    expect(workspaceRequests()).toEqual(["GET GET /workspaces/:id", "GET GET /workspaces", "POST POST /workspaces"]);
  });

  it("refuses a slug that is taken before sending anything, naming the workspace, never the key", async () => {
    const taken = emulator.createWorkspace({ slug: "taken" });
    const failure = lifecycle.create(checked({ name: "Taken", slug: "taken" }));
    await expect(failure).rejects.toThrow(`A workspace with slug "taken" already exists (id ${taken.id}); nothing was changed.`);
    await expect(failure).rejects.not.toThrow(emulator.managementKey);
    expect(workspaceRequests().filter((r) => r.startsWith("POST"))).toEqual([]);
  });

  it("a slug taken between the lookup and the POST fails with the service's words", async () => {
    emulator.faults.add({ route: "GET /workspaces/:id", status: 404, message: "Workspace not found" });
    emulator.createWorkspace({ slug: "raced" });
    await expect(lifecycle.create(checked({ name: "Raced", slug: "raced" }))).rejects.toThrow(
      'A workspace with slug "raced" already exists (409 POST /workspaces)',
    );
  });

  it("a create whose answer was lost is recorded, not orphaned: the retry's 'slug taken' is the workspace it made", async () => {
    emulator.faults.add({ route: "POST /workspaces", applyFirst: true, drop: true });
    const { id, outs } = await lifecycle.create(checked({ name: "Lost", slug: "lost", description: "made once" }));
    const stored = emulator.workspace("lost");
    expect(id).toBe(stored?.id);
    expect(outs).toMatchObject({ name: "Lost", slug: "lost", description: "made once" });
    expect(workspaceRequests()).toEqual([
      "GET GET /workspaces/:id",
      "GET GET /workspaces",
      "POST POST /workspaces",
      "POST POST /workspaces",
      "GET GET /workspaces/:id",
    ]);
  });

  it("a create refused outright is not settled: nothing was made", async () => {
    emulator.faults.add({ route: "POST /workspaces", status: 400, message: "scripted refusal" });
    await expect(lifecycle.create(checked({ name: "No", slug: "no" }))).rejects.toThrow("scripted refusal");
    expect(emulator.workspace("no")).toBeUndefined();
    expect(workspaceRequests()).toEqual(["GET GET /workspaces/:id", "GET GET /workspaces", "POST POST /workspaces"]);
  });

  it("a create whose answer was lost and whose lookup fails too says what to do", async () => {
    await configure({ "openrouter:managementKey": emulator.managementKey, "openrouter:baseUrl": emulator.url, "openrouter:maxAttempts": "1" });
    emulator.faults.add(
      { route: "POST /workspaces", applyFirst: true, drop: true },
      { route: "GET /workspaces/:id", skip: 1, status: 503, message: "down" },
    );
    await expect(lifecycle.create(checked({ name: "Unsure", slug: "unsure" }))).rejects.toThrow(
      /may have been created all the same, and looking it up failed too .*down.*if a workspace with slug "unsure" exists now, this run made it; delete it, then run again/,
    );
  });

  it("fails with a clear error naming the settings when no key is configured", async () => {
    await configure({ "openrouter:baseUrl": emulator.url });
    const saved = { m: process.env.OPENROUTER_MANAGEMENT_KEY, a: process.env.OPENROUTER_API_KEY };
    delete process.env.OPENROUTER_MANAGEMENT_KEY;
    delete process.env.OPENROUTER_API_KEY;
    try {
      await expect(lifecycle.create(checked({ name: "x", slug: "x" }))).rejects.toThrow(/openrouter:managementKey.*OPENROUTER_MANAGEMENT_KEY.*OPENROUTER_API_KEY/);
    } finally {
      if (saved.m !== undefined) process.env.OPENROUTER_MANAGEMENT_KEY = saved.m;
      if (saved.a !== undefined) process.env.OPENROUTER_API_KEY = saved.a;
    }
  });
});

describe("update", () => {
  it("renames the slug and name in place: same UUID, reachable by the new slug", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml" }));
    const news = checked({ name: "ML Europe", slug: "ml-eu" });
    expect(diffWorkspace(outs, news)).toMatchObject({ changes: true, replaces: [] });

    const { outs: after } = await lifecycle.update(id, outs, news);
    expect(after).toMatchObject({ name: "ML Europe", slug: "ml-eu", createdAt: outs.createdAt });
    expect(emulator.workspace("ml-eu")?.id).toBe(id);
    expect(emulator.workspace("ml")).toBeUndefined();
  });

  it("sends only the changed inputs, leaving a managed setting changed by hand alone until refresh", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml", description: "ours" }));
    await patchByHand(id, { description: "by hand" });

    await lifecycle.update(id, outs, checked({ name: "ML 2", slug: "ml", description: "ours" }));
    expect(emulator.workspace(id)).toMatchObject({ name: "ML 2", description: "by hand" });
  });

  it("clears a setting set to null, and is then clean", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml", description: "old", disabledServerTools: ["web_search"] }));
    const news = checked({ name: "ML", slug: "ml", description: null, disabledServerTools: null });

    const { outs: after } = await lifecycle.update(id, outs, news);
    expect(emulator.workspace(id)).toMatchObject({ description: null, disabled_server_tools: null });
    expect(diffWorkspace(after, news).changes).toBe(false);
  });

  it("sends no request when the program only stops setting an input", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml", description: "ours" }));
    emulator.log.clear();

    const { outs: after } = await lifecycle.update(id, { ...outs, __provider: "serialized" }, checked({ name: "ML", slug: "ml" }));
    expect(workspaceRequests()).toEqual([]);
    expect(after).toEqual({ ...outs, managedFields: ["name", "slug"] });
    expect(emulator.workspace(id)?.description).toBe("ours");
  });
});

describe("read", () => {
  it("reports drift in a managed input as outputs and returned inputs, so the next diff restores it", async () => {
    const inputs = checked({ name: "ML", slug: "ml", defaultTextModel: "openai/gpt-4o" });
    const { id, outs } = await lifecycle.create(inputs);
    await patchByHand(id, { default_text_model: "anthropic/claude-sonnet-4", description: "by hand" });

    const refreshed = await lifecycle.read(id, outs);
    expect(refreshed.id).toBe(id);
    expect(refreshed.props).toMatchObject({ defaultTextModel: "anthropic/claude-sonnet-4", description: "by hand" });
    // Only the inputs the program set: the unmanaged description never becomes a diff.
    expect(refreshed.inputs).toEqual({ name: "ML", slug: "ml", defaultTextModel: "anthropic/claude-sonnet-4" });

    const next = diffWorkspace(refreshed.props as Props, inputs);
    expect(next.changes).toBe(true);
    expect(planPatch(refreshed.props as Props, inputs)).toEqual({ defaultTextModel: "openai/gpt-4o" });
  });

  it("is clean after a refresh when nothing managed drifted", async () => {
    const inputs = checked({ name: "ML", slug: "ml" });
    const { id, outs } = await lifecycle.create(inputs);
    await patchByHand(id, { is_observability_broadcast_enabled: true });

    const refreshed = await lifecycle.read(id, outs);
    expect(diffWorkspace(refreshed.props as Props, inputs).changes).toBe(false);
  });

  it("returns an empty id when the workspace was deleted by hand", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml" }));
    emulator.deleteWorkspace(id);
    expect(await lifecycle.read(id, outs)).toEqual({ id: "" });
  });

  it("manages name and slug only when the state has no record of the set inputs (adopted with opts.id)", async () => {
    const existing = emulator.createWorkspace({ slug: "legacy", name: "Legacy", description: "kept" });
    const refreshed = await lifecycle.read(existing.id, {});
    expect(refreshed.inputs).toEqual({ name: "Legacy", slug: "legacy" });
    expect(refreshed.props).toMatchObject({ description: "kept", managedFields: ["name", "slug"] });
  });
});

describe("delete", () => {
  it("deletes the workspace, and counts one already gone as deleted", async () => {
    const { id, outs } = await lifecycle.create(checked({ name: "ML", slug: "ml" }));
    await lifecycle.remove(id, outs);
    expect(emulator.workspace(id)).toBeUndefined();
    await expect(lifecycle.remove(id, outs)).resolves.toBeUndefined();
  });

  it("passes on a refusal", async () => {
    await expect(lifecycle.remove(emulator.defaultWorkspaceId, {})).rejects.toThrow("Cannot delete the default workspace (403");
  });
});

describe("the serialized WorkspaceProvider", () => {
  it("is small, portable and secret-free: zod, undici and settings load only at call time", async () => {
    const canary = `sk-or-canary-${process.pid}`;
    const saved = process.env.OPENROUTER_MANAGEMENT_KEY;
    process.env.OPENROUTER_MANAGEMENT_KEY = canary;
    try {
      const provider = new WorkspaceProvider();
      // The same call @pulumi/pulumi/dynamic makes for every dynamic resource.
      const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      expect(containsSecrets).toBe(false);
      expect(Buffer.byteLength(text)).toBeLessThan(8 * 1024);
      expect(text).not.toMatch(/zod|undici/i);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(resolve(__dirname, "..", ".."));
      expect(text).not.toContain(homedir());
      expect(text).toContain("pulumi-openrouter/");
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_MANAGEMENT_KEY;
      else process.env.OPENROUTER_MANAGEMENT_KEY = saved;
    }
  });
});
