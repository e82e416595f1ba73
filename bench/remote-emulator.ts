/**
 * The emulator in a child process of its own, driven over Node's IPC channel. The real
 * service runs on other machines: in the benchmark's process, the emulator's work (JSON,
 * sorting 10,000 members) would compete with the client for one event loop and be counted
 * as the client's overhead.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { EmulatorOptions } from "../provider/testing/emulator";

/** What the benchmark reads from the emulator's request log after an operation. */
export interface LogStats {
  calls: number;
  byRoute: Record<string, number>;
  maxInFlight: number;
  inFlight: number;
}

/** The part of the emulator's surface the benchmark uses, asynchronous across processes. */
export interface RemoteEmulator {
  url: string;
  managementKey: string;
  createWorkspace(slug: string): Promise<string>;
  /** Deletes a workspace by hand, with its members, guardrails and budgets. */
  deleteWorkspace(workspace: string): Promise<void>;
  addMembers(workspace: string, userIds: string[]): Promise<void>;
  memberCount(workspace: string): Promise<number>;
  /** A guardrail of the workspace (not its default), with `userIds` assigned by hand; its id. */
  createGuardrail(workspace: string, userIds: string[]): Promise<string>;
  clearLog(): Promise<void>;
  logStats(): Promise<LogStats>;
  /** Changes the latency every request waits from now on. */
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

type Request =
  | { op: "createWorkspace"; slug: string }
  | { op: "deleteWorkspace"; workspace: string }
  | { op: "addMembers"; workspace: string; userIds: string[] }
  | { op: "memberCount"; workspace: string }
  | { op: "createGuardrail"; workspace: string; userIds: string[] }
  | { op: "clearLog" }
  | { op: "logStats" }
  | { op: "setLatency"; ms: number };

/** Forks this module as the emulator's process and waits until it listens. */
export async function startRemoteEmulator(options: EmulatorOptions): Promise<RemoteEmulator> {
  const child = fork(__filename, ["--serve-emulator"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<{ url: string; managementKey: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { url: string; managementKey: string }));
    child.once("exit", (code) => reject(new Error(`emulator process exited with ${code} before listening`)));
    child.send({ options });
  });
  child.removeAllListeners("exit");
  let next = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  const call = <T>(request: Request): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, request });
    });
  return {
    ...ready,
    createWorkspace: (slug) => call({ op: "createWorkspace", slug }),
    deleteWorkspace: (workspace) => call({ op: "deleteWorkspace", workspace }),
    addMembers: (workspace, userIds) => call({ op: "addMembers", workspace, userIds }),
    memberCount: (workspace) => call({ op: "memberCount", workspace }),
    createGuardrail: (workspace, userIds) => call({ op: "createGuardrail", workspace, userIds }),
    clearLog: () => call({ op: "clearLog" }),
    logStats: () => call({ op: "logStats" }),
    setLatency: (ms) => call({ op: "setLatency", ms }),
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function serve(): Promise<void> {
  const { startEmulator } = await import("../provider/testing/emulator");
  const options = await new Promise<EmulatorOptions>((resolve) => process.once("message", (m: { options: EmulatorOptions }) => resolve(m.options)));
  const emulator = await startEmulator(options);
  const answer = (request: Request): unknown => {
    switch (request.op) {
      case "createWorkspace":
        return emulator.createWorkspace({ slug: request.slug }).slug;
      case "deleteWorkspace":
        return emulator.deleteWorkspace(request.workspace);
      case "addMembers":
        return emulator.addMembers(request.workspace, request.userIds);
      case "memberCount":
        return emulator.memberIds(request.workspace).length;
      case "createGuardrail": {
        const { id } = emulator.createGuardrail({ workspaceId: request.workspace });
        emulator.assignGuardrailMembers(id, request.userIds);
        return id;
      }
      case "clearLog":
        return emulator.log.clear();
      case "logStats":
        return {
          calls: emulator.log.entries.length,
          byRoute: emulator.log.countByRoute(),
          maxInFlight: emulator.log.maxInFlight,
          inFlight: emulator.log.inFlight,
        };
      case "setLatency":
        return emulator.configure({ latencyMs: request.ms });
    }
  };
  process.on("message", (message: { id: number; request: Request }) => {
    try {
      process.send!({ id: message.id, result: answer(message.request) ?? null });
    } catch (error) {
      process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.once("SIGTERM", () => void emulator.close().then(() => process.exit(0)));
  process.once("disconnect", () => void emulator.close().then(() => process.exit(0)));
  process.send!({ url: emulator.url, managementKey: emulator.managementKey });
}

if (process.argv.includes("--serve-emulator")) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
