// Webhooks for one issue can arrive together (an issue opened with labels sends `opened` and one
// `labeled` per label). Running them one after another lets each see what the previous one wrote.
const queues = new Map<string, Promise<unknown>>();

export function withIssueLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
