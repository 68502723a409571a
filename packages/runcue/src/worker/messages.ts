/**
 * The messages the thread runtime writes. They move into errors.ts with the
 * others once the scheduler split (issue 10) has landed there.
 */
const CLONEABLE =
  "it must be structured-cloneable: plain objects, arrays, primitives, typed arrays, Map, Set, Date...";

type WorkName = { id: string; task: string };

export const threadMessages = {
  uncloneableProgress: (work: WorkName, reason: string) =>
    `ctx.progress() in work ${work.id} of task "${work.task}": the value cannot be sent to the main thread (${CLONEABLE}): ${reason}`,
  uncloneableResult: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" returned a result that cannot be sent to the main thread (${CLONEABLE}): ${reason}`,
  badTransferList: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" returned transfer() with a bad transfer list: ${reason}`,
  thrownByOwnCallback: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" failed: an error was thrown outside its handler's call, by a timer or callback the handler left running: ${reason}`,
  thrownByUnknownCallback: (work: WorkName, reason: string) =>
    `Work ${work.id} of task "${work.task}" failed: an error was thrown in its thread outside any handler's call, by a callback whose work is unknown (perhaps left behind by an earlier work on this thread): ${reason}`,
  thrownAfterWorkEnded: (work: WorkName, reason: string) =>
    `runcue: a timer or callback left behind by work ${work.id} of task "${work.task}" threw after that work had ended (no work failed; the thread goes on): ${reason}`,
  thrownOutsideAnyWork: (reason: string) =>
    `runcue: an error was thrown in a worker thread outside any handler's call (no work failed; the thread goes on): ${reason}`,
} as const;
