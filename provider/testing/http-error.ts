/** The error body OpenRouter sends with every 4xx/5xx answer. */
export interface WireErrorBody {
  error: { code: number; message: string; metadata?: Record<string, unknown> };
  user_id: null;
}

/**
 * A refusal the emulator answers with `status` and OpenRouter's error body. Thrown by the
 * organization model and the request validators; the server turns it into the answer.
 */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "EmulatorHttpError";
  }

  /** The wire body of this refusal. */
  toBody(): WireErrorBody {
    return errorBody(this.status, this.message, this.metadata);
  }
}

/** OpenRouter's error body for `status` and `message`. */
export function errorBody(status: number, message: string, metadata?: Record<string, unknown>): WireErrorBody {
  return { error: { code: status, message, ...(metadata ? { metadata } : {}) }, user_id: null };
}
