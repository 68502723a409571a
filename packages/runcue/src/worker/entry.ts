/**
 * The file Piscina loads in each thread, built as CommonJS (dist/thread-entry.cjs).
 *
 * Piscina `require()`s its filename before it tries `import()`. On Node 20 a
 * `require()` of an ES module runs V8's synchronous instantiation, and a thread
 * terminated in the middle of it (by `stop()`, or after a cancelled task's
 * grace) aborts the whole process with "v8::Module::IsGraphAsync must be used
 * on an instantiated module" (it happened once in a run of our test suite). A
 * CommonJS entry keeps `require()` off the ES module loader; the thread runtime
 * (dist/thread.js) is loaded with `import()`, whose asynchronous path survives
 * termination.
 */
import { pathToFileURL } from "node:url";

type RunInThread = (task: unknown) => Promise<unknown>;

// a computed specifier, so the bundler leaves this a real import() instead of inlining thread.ts
const runtime = new URL("./thread.js", pathToFileURL(__filename)).href;
let run: RunInThread | undefined;
const loading = import(runtime).then((module: { default: RunInThread }) => {
  run = module.default;
});
// a failed load is reported by the first task that awaits it, not as an unhandled rejection
loading.catch(() => {});

// not async: once loaded, a task costs one plain call on top of the runtime's own
module.exports = function runTask(task: unknown): Promise<unknown> {
  return run !== undefined ? run(task) : loading.then(() => run!(task));
};
