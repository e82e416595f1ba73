/**
 * When a 404 may be believed. Under a wrong base URL (the origin without `/api/v1`, or
 * `/v1`) every route answers 404, and a caller that took it at its word would drop a
 * resource on refresh, count a destroy as done while every member stays, or blame the
 * wrong input. So before the client hands a 404 on as `OpenRouterNotFoundError`, it asks
 * this proof: a route that every OpenRouter API root serves must answer 200 through the
 * same client. A proof that succeeded stands for the client's life (its base URL never
 * changes); one that failed is tried again at the next 404.
 */
import { OpenRouterConfigError, OpenRouterNotFoundError } from "../core/errors";
import { wrongBaseUrlMessage, type SettingSource } from "./settings";

/** The route asked: the smallest page of the workspace list, which every organization has. */
export const PROOF_PATH = "/workspaces?offset=0&limit=1";

/** One client's proof that its base URL is an OpenRouter API root. */
export class BaseUrlProof {
  #proven: Promise<void> | undefined;

  constructor(
    /** Sends {@link PROOF_PATH} through the client (never proving again on its own 404) and checks the answer's shape. */
    private readonly probe: () => Promise<void>,
    private readonly baseUrl: URL,
    private readonly source: SettingSource,
  ) {}

  /**
   * Resolves when the base URL is proven right, so that `notFound` means what it says.
   * Throws an `OpenRouterConfigError` naming the base URL and where it was set when the proof
   * route is a 404 too, and the proof's own failure (a 503, a dropped connection, a 401)
   * when it could not be asked: neither lets the 404 count as "gone".
   */
  async check(notFound: OpenRouterNotFoundError): Promise<void> {
    this.#proven ??= this.probe().catch((error: unknown) => {
      this.#proven = undefined;
      throw error;
    });
    try {
      await this.#proven;
    } catch (error) {
      if (!(error instanceof OpenRouterNotFoundError)) throw error;
      throw new OpenRouterConfigError(wrongBaseUrlMessage(notFound, this.baseUrl, this.source), {
        method: notFound.method,
        path: notFound.path,
        retry: { attempts: notFound.attempts ?? 1, ...(notFound.mayHaveApplied === undefined ? {} : { mayHaveApplied: notFound.mayHaveApplied }) },
      });
    }
  }
}
