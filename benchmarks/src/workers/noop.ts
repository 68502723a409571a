/**
 * The smallest possible task, loaded both by runcue (as a worker task) and by
 * raw Piscina: whatever either sends, it returns at once, so a run measures
 * only the cost of dispatching work to a thread and getting the answer back.
 */
export default function noop(): undefined {
  return undefined;
}
