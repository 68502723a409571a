import { messages } from "../errors.js";
import { isPlainData } from "../plain-data.js";

/** Throws, naming the task, when `params` cannot be structured-cloned to a thread. */
export function assertCloneable(task: string, params: unknown): void {
  if (isPlainData(params)) return;
  try {
    structuredClone(params);
  } catch (error) {
    throw new Error(
      messages.unclonableParams(task, error instanceof Error ? error.message : String(error)),
    );
  }
}
