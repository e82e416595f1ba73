#!/usr/bin/env node
/**
 * `openrouter-emulator`, the executable the package installs: runs the OpenRouter emulator
 * with a seeded demo organization and prints the base URL and a management key to use with
 * it, then what the demo holds.
 *
 *   npx openrouter-emulator --port 4010 --seed demo --latency 20 --fault-rate 0.05
 */
import { parseArgs } from "node:util";
import { DEFAULT_RANDOM_FAULT_KINDS, type RandomFaultKind } from "./faults";
import { DEMO_WORKSPACE_SLUG, seedDemoOrganization } from "./demo";
import { startEmulator, type Emulator, type EmulatorOptions } from "./emulator";

const USAGE = `Usage: openrouter-emulator [options]
  --host <host>            listen address (default 127.0.0.1); see "Base URL" below
  --port <port>            port, 0 for any free one (default 4010)
  --seed <text>            any text: the same seed gives the same management key, ids and
                           random-fault draws on every start, so scripts and stack config
                           can keep them (default: random); "demo" is a seed like any other
  --management-key <key>   accept this management key instead of the generated one
  --latency <ms>           latency added to every request (default 0)
  --fault-rate <0..1>      random fault rate (default 0)
  --fault-kinds <list>     comma-separated: ${[...DEFAULT_RANDOM_FAULT_KINDS, "apply-then-drop"].join(",")}
  --rate-limit <n>/<ms>    at most n requests per ms window, e.g. 10/1000
  --non-org <mode>         reject | leave-out: bulk add with users outside the organization
  --empty                  do not seed the demo organization
  --help                   show this text

Base URL: the provider refuses plain http to a host that is not loopback (the key would
cross the network unencrypted). So OPENROUTER_BASE_URL is printed for a loopback host, and
for 0.0.0.0 or :: as 127.0.0.1 or [::1] (reachable from this machine); for any other
host it is not printed: serve the emulator through an https proxy and use that URL.

Routes, under the base URL, with the management key as a bearer token:
  GET|POST /workspaces, GET|PATCH|DELETE /workspaces/{id}
  GET /workspaces/{id}/members, POST /workspaces/{id}/members/add|remove
  GET /organization/members                          the organization's users, with emails
  GET /workspaces/{id}/budgets, GET|PUT|DELETE /workspaces/{id}/budgets/{interval}
                                                     interval: daily|weekly|monthly|lifetime
  GET /guardrails/{id}, GET|POST /guardrails/{id}/assignments/members,
  POST /guardrails/{id}/assignments/members/remove`;

/**
 * The base URL to print for a server listening on `host`, or why there is none: the
 * provider accepts plain http only to a loopback host, so an address every interface
 * listens on is printed as its loopback address, and any other host is not printed.
 */
export function printedBaseUrl(host: string, port: number, basePath: string): { url: string } | { refused: string } {
  const loopback = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : isLoopback(host) ? (host.includes(":") ? `[${host}]` : host) : undefined;
  if (loopback !== undefined) return { url: `http://${loopback}:${port}${basePath}` };
  return {
    refused:
      `The provider refuses plain http to ${host}, which is not a loopback host (the key would cross the network ` +
      "unencrypted): serve the emulator through an https proxy and set OPENROUTER_BASE_URL to the proxy's URL, " +
      `ending in ${basePath}.`,
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

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
  const base = printedBaseUrl(emulator.host, emulator.port, new URL(emulator.url).pathname);
  console.log("url" in base ? `OPENROUTER_BASE_URL=${base.url}` : `# ${base.refused}`);
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
