import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { messages } from "../errors.js";

/** The absolute path of a worker module given as a `file:` URL or an absolute path. */
export function resolveWorkerPath(task: string, worker: URL | string): string {
  if (worker instanceof URL) {
    if (worker.protocol !== "file:") throw new Error(messages.workerPathInvalid(task, worker.href));
    return fileURLToPath(worker);
  }
  if (worker.startsWith("file:")) return fileURLToPath(worker);
  if (!isAbsolute(worker)) throw new Error(messages.workerPathInvalid(task, worker));
  return worker;
}
