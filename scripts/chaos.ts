/**
 * Chaos soak (issue #5): the histories of test/engine/chaos.test.ts, as many as asked.
 *
 *   npm run chaos -- --runs 2000                  # a new random seed, printed first
 *   npm run chaos -- --runs 500 --seed 20250605   # the same histories every time
 *   npm run chaos -- --seed 20250605 --only 17    # replay one history
 *
 * Options: --runs N (default 1000), --seed S (default random), --only I, --lanes L (default 8).
 * Exits 1 on the first broken property, naming the seed and index to replay, or on any
 * unhandled rejection.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type * as Lifecycle from "../provider/members/lifecycle";
import { describeFailure, generateHistories, runHistories } from "../test/support/chaos";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    seed: { type: "string" },
    only: { type: "string" },
    lanes: { type: "string", default: "8" },
  },
});

const unhandled: unknown[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

/** A fresh lifecycle module: its configuration is per module instance, as per plugin process. */
function loadLifecycle(): typeof Lifecycle {
  // The whole provider, not only the lifecycle: its configuration lives in api/connection.ts.
  const providerDir = resolve(__dirname, "..", "provider");
  for (const path of Object.keys(require.cache)) if (path.startsWith(providerDir)) delete require.cache[path];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module instance per lane
  return require("../provider/members/lifecycle") as typeof Lifecycle;
}

function whole(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return value;
}

async function main(): Promise<number> {
  const runs = whole("runs", values.runs, 1)!;
  const seed = whole("seed", values.seed, 0) ?? Math.floor(Math.random() * 2 ** 31);
  const only = whole("only", values.only, 0);
  const lanes = whole("lanes", values.lanes, 1)!;
  const histories = only === undefined ? generateHistories(seed, runs) : generateHistories(seed, only + 1).slice(only);
  const offset = only ?? 0;
  console.log(`chaos soak: ${histories.length} histories, seed ${seed}, ${lanes} lanes`);

  const started = performance.now();
  let done = 0;
  const { figures, failure } = await runHistories(
    histories,
    Array.from({ length: Math.min(lanes, histories.length) }, loadLifecycle),
    () => {
      done++;
      if (done % 100 === 0) console.log(`  ${done} histories, ${Math.round((performance.now() - started) / 1000)} s`);
    },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  console.log(JSON.stringify({ seed, seconds, ...figures, unhandledRejections: unhandled.length }));
  if (failure !== undefined) {
    console.error(describeFailure(seed, { ...failure, index: failure.index + offset }));
    return 1;
  }
  if (unhandled.length > 0) {
    console.error("unhandled rejections:", unhandled);
    return 1;
  }
  console.log(`every history converged within ${figures.maxRerunsToConverge} run(s) once faults stopped`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
