/**
 * Real HTTP to an emulator for the emulator's own tests: one request, its status, headers,
 * text and parsed JSON (undefined when the body is not JSON), and the shapes every answer
 * is checked against.
 */
import type { Emulator } from "../../provider/testing";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire bodies are checked field by field
}

export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, instead of `body`. */
  rawBody?: string;
  /** The bearer key; default the management key, `null` for no Authorization header. */
  key?: string | null;
}

/** Sends `method path` (relative to the emulator's `/api/v1`) and reads the whole answer. */
export async function call(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = options.key === undefined ? emulator.managementKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${emulator.url}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** OpenRouter's error body with this code and a message equal to (string) or matching (RegExp) `message`. */
export const errorShape = (code: number, message: string | RegExp) => ({
  error: expect.objectContaining({ code, message: typeof message === "string" ? message : expect.stringMatching(message) }),
  user_id: null,
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
