/**
 * Runs async calls in turn, in the order made: each starts when the one before has settled, whether
 * it succeeded or failed. The trainer and the fine-tuner queue their calls with it, because two
 * overlapping calls would each read the parameters, run, and write them back, so one's updates would
 * silently vanish.
 */
export function createCallQueue(): <Result>(work: () => Promise<Result>) => Promise<Result> {
  let queue: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
}
