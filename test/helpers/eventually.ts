/**
 * The tests' two ways to wait. Prefer `eventually` (wait for a state) over `sleep` (wait for
 * time): a sleep is only for proving that something does NOT happen within a while.
 */

/** Polls until `check` stops throwing (assertions inside), or rethrows its last error. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(20);
    }
  }
}

/** Resolves after `ms` (on the global timer, so vi.useFakeTimers applies to it). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
