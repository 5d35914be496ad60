/**
 * The Node flags `ouro-bridge start` is meant to run under. A flag for V8's heap must be
 * given when Node starts (set later, it changes nothing), so they live on the command
 * line: `npm start` and the Docker image's ENTRYPOINT pass them (a test keeps those two in
 * step with this list), the mirror bench and the soak start their bridge processes with
 * them, and `start` logs a line when they are missing (a hand-written systemd unit, say).
 *
 * --max-semi-space-size=4: V8's young generation stops growing at 4 MB per semi-space
 * instead of Node 20's 16. A minor GC copies every young object still alive, so a small
 * young generation keeps each pause short; on a burst of messages that is what the ack
 * path waits behind. Mirror bench, same code, 2-core machine: see README, Performance.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** V8 reads `-` and `_` alike in a flag's name. */
const flagName = (arg: string) => arg.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');

/**
 * The flags of NODE_FLAGS that neither Node's own arguments nor NODE_OPTIONS name. A flag
 * named with another value counts as given: the operator chose it.
 */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('--')).map(flagName));
  return NODE_FLAGS.filter((f) => !given.has(flagName(f)));
}
