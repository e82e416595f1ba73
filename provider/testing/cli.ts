#!/usr/bin/env node
/**
 * Runs the OpenRouter emulator from the command line with a seeded demo organization and
 * prints the base URL and a management key to use with it, then what the demo holds.
 *
 *   npm run emulator -- --port 4010 --seed demo --latency 20 --fault-rate 0.05
 */
import { parseArgs } from "node:util";
import { DEFAULT_RANDOM_FAULT_KINDS, type RandomFaultKind } from "./faults";
import { DEMO_WORKSPACE_SLUG, seedDemoOrganization } from "./demo";
import { startEmulator, type Emulator, type EmulatorOptions } from "./emulator";

const USAGE = `Usage: openrouter-emulator [options]
  --host <host>            listen address (default 127.0.0.1)
  --port <port>            port, 0 for any free one (default 4010)
  --seed <seed>            deterministic ids, keys and faults ("demo" gives a fixed organization)
  --management-key <key>   accept this management key instead of a generated one
  --latency <ms>           latency added to every request (default 0)
  --fault-rate <0..1>      random fault rate (default 0)
  --fault-kinds <list>     comma-separated: ${[...DEFAULT_RANDOM_FAULT_KINDS, "apply-then-drop"].join(",")}
  --rate-limit <n>/<ms>    at most n requests per ms window, e.g. 10/1000
  --non-org <mode>         reject | leave-out: bulk add with users outside the organization
  --empty                  do not seed the demo organization
  --help                   show this text

Routes, under the base URL, with the management key as a bearer token:
  GET|POST /workspaces, GET|PATCH|DELETE /workspaces/{id}
  GET /workspaces/{id}/members, POST /workspaces/{id}/members/add|remove
  GET /organization/members                          the organization's users, with emails
  GET /workspaces/{id}/budgets, GET|PUT|DELETE /workspaces/{id}/budgets/{interval}
                                                     interval: daily|weekly|monthly|lifetime
  GET /guardrails/{id}, GET|POST /guardrails/{id}/assignments/members,
  POST /guardrails/{id}/assignments/members/remove`;

/** Turns command-line arguments into emulator options; throws naming the bad flag. */
export function parseCliOptions(argv: string[]): { options: EmulatorOptions; seedDemo: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      seed: { type: "string" },
      "management-key": { type: "string" },
      latency: { type: "string" },
      "fault-rate": { type: "string" },
      "fault-kinds": { type: "string" },
      "rate-limit": { type: "string" },
      "non-org": { type: "string" },
      empty: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  const options: EmulatorOptions = { host: values.host ?? "127.0.0.1", port: numberFlag("--port", values.port) ?? 4010 };
  if (values.seed !== undefined) options.seed = values.seed;
  if (values["management-key"] !== undefined) options.managementKey = values["management-key"];
  const latency = numberFlag("--latency", values.latency);
  if (latency !== undefined) options.latencyMs = latency;
  const rate = numberFlag("--fault-rate", values["fault-rate"]);
  if (rate !== undefined && rate > 0) {
    const kinds = values["fault-kinds"]?.split(",").map((kind) => kind.trim()) as RandomFaultKind[] | undefined;
    const known = new Set<string>([...DEFAULT_RANDOM_FAULT_KINDS, "apply-then-drop"]);
    const unknown = kinds?.find((kind) => !known.has(kind));
    if (unknown !== undefined) throw new Error(`--fault-kinds: unknown kind "${unknown}"`);
    options.randomFaults = { rate, ...(kinds ? { kinds } : {}) };
  }
  if (values["rate-limit"] !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(values["rate-limit"]);
    if (!match) throw new Error(`--rate-limit must look like 10/1000 (requests/window ms), got "${values["rate-limit"]}"`);
    options.rateLimit = { requests: Number(match[1]), windowMs: Number(match[2]) };
  }
  const nonOrg = values["non-org"];
  if (nonOrg !== undefined) {
    if (nonOrg !== "reject" && nonOrg !== "leave-out") throw new Error(`--non-org must be reject or leave-out, got "${nonOrg}"`);
    options.nonOrgUsers = nonOrg;
  }
  return { options, seedDemo: !values.empty, help: values.help ?? false };
}

/** What the demo organization holds, with the ids to paste into requests. */
function printDemo(emulator: Emulator): void {
  for (const user of emulator.users()) {
    const name = [user.firstName, user.lastName].filter((part) => part !== null).join(" ");
    console.log(`user ${user.id} <${user.email}>${name === "" ? "" : ` ${name}`} (org:${user.role})`);
  }
  for (const slug of ["default", "demo-platform", "demo-research"]) {
    const workspace = emulator.workspace(slug);
    if (!workspace) continue;
    console.log(`workspace ${slug} ${workspace.id}: ${emulator.memberIds(slug).join(", ")}`);
    const budgets = emulator.budgets(slug).map((budget) => `${budget.reset_interval ?? "lifetime"} ${budget.limit_usd}`);
    if (budgets.length > 0) {
      const byok = workspace.include_byok_in_budgets ? ", BYOK included" : "";
      console.log(`  budgets (USD${byok}): ${budgets.join(", ")}`);
    }
  }
  const platform = emulator.workspace(DEMO_WORKSPACE_SLUG);
  const guardrail = platform && emulator.memberGuardrailId(platform.id, "user_alice");
  if (guardrail !== undefined) {
    const { name } = emulator.guardrail(guardrail) as { name: string };
    console.log(`guardrail "${name}" ${guardrail}: ${emulator.guardrailMemberIds(guardrail).join(", ")}`);
  }
}

function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0) throw new Error(`${flag} must be a non-negative number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { options, seedDemo, help } = parseCliOptions(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  if (seedDemo) seedDemoOrganization(emulator);
  console.log(`OpenRouter emulator listening on ${emulator.url}`);
  console.log(`OPENROUTER_BASE_URL=${emulator.url}`);
  console.log(`OPENROUTER_MANAGEMENT_KEY=${emulator.managementKey}`);
  if (seedDemo) printDemo(emulator);
  const stop = (signal: string) => {
    void emulator.close().then(() => {
      console.log(`Emulator stopped (${signal})`);
      process.exit(0);
    });
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  });
}
