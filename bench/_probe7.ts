import { performance } from "node:perf_hooks";
import { startRemoteEmulator } from "./remote-emulator";
import { oursDriver } from "./drivers";
const userId = (i: number) => `user_${String(i).padStart(6, "0")}`;
const range = (f: number, n: number) => Array.from({ length: n }, (_, i) => userId(f + i));
async function main() {
  const L = Number(process.env.L ?? 0);
  const emu = await startRemoteEmulator({ seed: "bench", users: range(0, 12000), latencyMs: L });
  const ours = await oursDriver({ baseUrl: emu.url, managementKey: emu.managementKey, concurrency: 4, batchSize: 100 });
  const times: number[] = [];
  for (let rep = 0; rep < 12; rep++) {
    const ws = await emu.createWorkspace("c" + rep);
    const t = performance.now();
    await ours.create(ws, range(0, 10000), false);
    times.push(performance.now() - t);
  }
  console.log(times.map((x) => x.toFixed(0)).join(" "));
  await emu.close(); process.exit(0);
}
main();
