/**
 * WorkspaceBudgets check and diff (issue 17): pure, no HTTP. Check names the property and
 * the value, and both limits of a pair out of order; diff compares only the managed fields.
 */
import fc from "fast-check";
import { checkBudgetInputs, diffBudgets } from "../../provider/budgets/inputs";
import { UNKNOWN } from "../../provider/core/unknowns";

const UUID = "5f0c6a3e-8f6e-4a57-9a51-0d6c2b1f7e11";

function failuresOf(news: Record<string, unknown>): string[] {
  return checkBudgetInputs(news).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

/** Outputs as a create would store them: a budget object per interval that has one. */
function outputs(limits: Partial<Record<"daily" | "weekly" | "monthly" | "lifetime", number>>, extra: Record<string, unknown> = {}) {
  const budget = (limitUsd: number | undefined) =>
    limitUsd === undefined ? null : { id: "b", limitUsd, resetInterval: null, createdAt: "t", updatedAt: "t" };
  return {
    workspaceId: "ml",
    workspaceUuid: UUID,
    workspaceSlug: "ml",
    daily: budget(limits.daily),
    weekly: budget(limits.weekly),
    monthly: budget(limits.monthly),
    lifetime: budget(limits.lifetime),
    includeByokInBudgets: false,
    unconfirmedFields: [],
    ...extra,
  };
}

describe("check", () => {
  it("returns the inputs that were set, null included (it deletes that budget), and passes the runtime's keys through", () => {
    expect(checkBudgetInputs({ workspaceId: "ml", daily: 10, weekly: null, includeByokInBudgets: true, __provider: "p" })).toEqual({
      inputs: { workspaceId: "ml", daily: 10, weekly: null, includeByokInBudgets: true, __provider: "p" },
      failures: [],
    });
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, "100", true, [10], { usd: 1 }])("refuses the limit %p, naming the interval and the value", (value) => {
    const [failure, ...rest] = failuresOf({ workspaceId: "ml", monthly: value });
    expect(rest).toEqual([]);
    expect(failure).toMatch(/^monthly: monthly must be a limit in US dollars above 0, or null to delete the monthly budget, got /);
    expect(failure).toContain(`got ${typeof value === "string" ? `the string "${value}"` : typeof value === "object" ? (Array.isArray(value) ? "a list of 1 entry" : "an object") : String(value)}`);
  });

  it("refuses limits out of order among those set, naming both intervals and both values", () => {
    expect(failuresOf({ workspaceId: "ml", daily: 100, weekly: 50, lifetime: 1000 })).toEqual([
      "daily: daily is out of order: weekly (50 USD) must be greater than daily (100 USD); limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)",
    ]);
    // Equal limits break "strictly"; an interval left out or null is not compared.
    expect(failuresOf({ workspaceId: "ml", weekly: 50, monthly: 50 })).toHaveLength(1);
    expect(failuresOf({ workspaceId: "ml", daily: 100, weekly: null, monthly: 50 })).toEqual([
      "daily: daily is out of order: monthly (50 USD) must be greater than daily (100 USD); limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)",
    ]);
    expect(failuresOf({ workspaceId: "ml", daily: 1, weekly: 2, monthly: 3, lifetime: 4 })).toEqual([]);
  });

  it("requires workspaceId, refuses a bad one, an unknown input (suggesting the one meant) and a non-boolean flag", () => {
    expect(failuresOf({ Daily: 5, includeByokInBudgets: "yes" })).toEqual([
      'Daily: unknown input "Daily": did you mean "daily"? (the inputs are workspaceId, daily, weekly, monthly, lifetime, includeByokInBudgets)',
      "workspaceId: workspaceId is required: the workspace's UUID or slug",
      'includeByokInBudgets: includeByokInBudgets must be true or false, got the string "yes"',
    ]);
    expect(failuresOf({ workspaceId: "ML Team" })).toEqual([
      'workspaceId: workspaceId "ML Team" is neither a workspace UUID nor a slug (lowercase letters and digits in segments joined by single hyphens, e.g. "ml-research")',
    ]);
  });

  it("refuses the BYOK flag when every interval is deleted: it is set only with a budget", () => {
    expect(failuresOf({ workspaceId: "ml", daily: null, weekly: null, monthly: null, lifetime: null, includeByokInBudgets: true })).toEqual([
      "includeByokInBudgets: includeByokInBudgets is set with a budget, but every interval is null: keep at least one budget, or leave the flag out",
    ]);
  });

  it("lets preview unknowns through unchecked, and compares no order across them", () => {
    expect(checkBudgetInputs({ workspaceId: UNKNOWN, daily: UNKNOWN, weekly: 5, includeByokInBudgets: UNKNOWN }).failures).toEqual([]);
  });

  it("never throws, and never passes a limit that is not a number above 0, whatever the inputs are", () => {
    expect(checkBudgetInputs(null).failures).toEqual([{ property: "", reason: "the inputs must be an object, got null" }]);
    const value = fc.oneof(fc.anything(), fc.double(), fc.constant(UNKNOWN), fc.constant(null));
    const inputs = fc.record(
      { workspaceId: value, daily: value, weekly: value, monthly: value, lifetime: value, includeByokInBudgets: value, other: value },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(inputs, fc.anything()), (news) => {
        const { inputs: checkedInputs, failures } = checkBudgetInputs(news);
        if (failures.length > 0) return;
        for (const interval of ["daily", "weekly", "monthly", "lifetime"]) {
          const limit = checkedInputs[interval];
          expect(limit === undefined || limit === null || limit === UNKNOWN || (typeof limit === "number" && limit > 0 && Number.isFinite(limit))).toBe(true);
        }
        expect(() => diffBudgets({}, checkedInputs)).not.toThrow();
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
});

describe("diff", () => {
  const olds = outputs({ daily: 10, weekly: 50 }, { managedFields: ["daily", "weekly"] });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, ReturnType<typeof diffBudgets>]>([
    ["the same managed limits: no change, whatever the unmanaged budgets hold", olds, { workspaceId: "ml", daily: 10, weekly: 50 }, { changes: false, replaces: [] }],
    ["a limit changed", olds, { workspaceId: "ml", daily: 20, weekly: 50 }, { changes: true, replaces: [] }],
    ["a managed interval set to null while it has a budget", olds, { workspaceId: "ml", daily: null, weekly: 50 }, { changes: true, replaces: [] }],
    ["an interval no longer set: it stops being managed (an update with no request)", olds, { workspaceId: "ml", daily: 10 }, { changes: true, replaces: [] }],
    [
      "null for an interval that has no budget, already managed",
      outputs({ daily: 10 }, { managedFields: ["daily", "monthly"] }),
      { workspaceId: "ml", daily: 10, monthly: null },
      { changes: false, replaces: [] },
    ],
    [
      "the BYOK flag against the one the service reports",
      outputs({ daily: 10 }, { managedFields: ["daily", "includeByokInBudgets"], includeByokInBudgets: true }),
      { workspaceId: "ml", daily: 10, includeByokInBudgets: false },
      { changes: true, replaces: [] },
    ],
    ["the slug switched for the workspace's own UUID: an update", olds, { workspaceId: UUID.toUpperCase(), daily: 10, weekly: 50 }, { changes: true, replaces: [] }],
    [
      "another workspace: a replacement, deleting first",
      olds,
      { workspaceId: "other", daily: 10, weekly: 50 },
      { changes: true, replaces: ["workspaceId"], deleteBeforeReplace: true },
    ],
    ["a workspace unknown in a preview", olds, { workspaceId: UNKNOWN, daily: 10 }, { changes: undefined, replaces: ["workspaceId"], deleteBeforeReplace: true }],
    ["a limit unknown in a preview", olds, { workspaceId: "ml", daily: UNKNOWN, weekly: 50 }, { changes: undefined, replaces: [] }],
    [
      "an unconfirmed field: a change whatever the inputs, so the next up settles it",
      { ...olds, unconfirmedFields: ["weekly"] },
      { workspaceId: "ml", daily: 10, weekly: 50 },
      { changes: true, replaces: [] },
    ],
  ])("%s", (_name, before, news, expected) => {
    expect(diffBudgets(before, news)).toEqual(expected);
  });
});
