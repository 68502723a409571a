import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import writeFileAtomicLibrary from "write-file-atomic";

// Synchronous on purpose: these run inside worker threads, where blocking is
// the point, and on the main thread only for small JSON files.

/**
 * Writes a file so that a reader sees the old one or the whole new one, never
 * half of it (write-file-atomic: a temporary file beside it, flushed to disk,
 * then renamed over it; a crash mid-write leaves only a temporary file no check
 * looks at).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicLibrary.sync(path, typeof data === "string" ? data : Buffer.from(data));
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed JSON at `path`, or `undefined` when there is no such file. */
export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Modification time in milliseconds, or `undefined` when the file does not exist. */
export function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
