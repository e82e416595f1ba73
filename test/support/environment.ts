/**
 * Environment variables a suite sets per test, put back as they were after it: read once,
 * cleared before each test, restored when the suite ends.
 */
export interface SavedEnvironment {
  /** Deletes every saved variable from `process.env`. */
  clear(): void;
  /** Puts every saved variable back as it was when saved (deleting those that were unset). */
  restore(): void;
}

export function saveEnvironment(keys: readonly string[]): SavedEnvironment {
  const saved = new Map(keys.map((key) => [key, process.env[key]]));
  return {
    clear() {
      for (const key of keys) delete process.env[key];
    },
    restore() {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
