/**
 * The read a resource makes before any change, to resolve the target its input names (a
 * workspace, a guardrail). Its 404 says that input names nothing, so it is handed on as an
 * `OpenRouterNotFoundError` saying that nothing was changed and which input to check; any
 * other failure as it came.
 */
import { OpenRouterNotFoundError } from "../core/errors";
import { missingTarget, type NamedTarget } from "../core/messages";

export async function readTarget<T>(read: () => Promise<T>, target: NamedTarget): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof OpenRouterNotFoundError)) throw error;
    throw new OpenRouterNotFoundError({
      status: error.status,
      code: error.code,
      serviceMessage: missingTarget(target),
      method: error.method,
      path: error.path,
    });
  }
}
