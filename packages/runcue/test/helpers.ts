import { Cue, type CueOptions } from "runcue";
import { afterEach } from "vitest";

const cues: Cue[] = [];

/** A started cue that is stopped after the test, so no test leaks threads or timers. */
export function startedCue(options: CueOptions = {}): Cue {
  const cue = new Cue(options);
  cues.push(cue);
  cue.start();
  return cue;
}

export function newCue(options: CueOptions = {}): Cue {
  const cue = new Cue(options);
  cues.push(cue);
  return cue;
}

afterEach(async () => {
  await Promise.all(cues.splice(0).map((cue) => cue.stop({ timeout: 2_000 })));
});

export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

/** A promise with its resolve, for handlers the test releases by hand. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves when `predicate` holds, checked on every event loop turn (for state reached through events). */
export async function until(
  predicate: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A cue whose single-slot service "one" is held until `release`, so a queue of "job" works builds up behind it; `order` lists their params' names as they run. */
export function heldQueue(options: CueOptions = {}) {
  const cue = newCue(options);
  cue.service("one", { concurrent: 1 });
  const release = gate();
  const order: string[] = [];
  cue.task("hold", { uses: "one", run: () => release.promise });
  cue.task("job", {
    uses: "one",
    run: async (work) => {
      order.push((work.params as { name: string }).name);
    },
  });
  return { cue, release, order };
}
