/**
 * An abort signal made only when someone reads it: most handlers never look
 * at `ctx.signal`, and an AbortController per work is a cost at 100,000
 * works a second. Aborting before the first read still gives an aborted signal.
 */
export class LazyAbort {
  private controller: AbortController | undefined = undefined;
  private reason: Error | undefined = undefined;

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts with `reason`; false, changing nothing, when aborted already. */
  abort(reason: Error): boolean {
    if (this.reason) return false;
    this.reason = reason;
    this.controller?.abort(reason);
    return true;
  }
}
