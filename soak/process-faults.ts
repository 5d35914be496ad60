/**
 * Process-level crash counters for the soak run: a promise nobody handled, or a throw nothing
 * caught, is counted (not fatal, so the run can finish and report it).
 */
export const processFaults = { unhandledRejections: 0, uncaughtExceptions: 0, last: '' };

export function countProcessFaults(): void {
  process.on('unhandledRejection', (reason) => {
    processFaults.unhandledRejections++;
    processFaults.last = String((reason as Error | undefined)?.stack ?? reason).slice(0, 500);
  });
  process.on('uncaughtException', (err) => {
    processFaults.uncaughtExceptions++;
    processFaults.last = String(err?.stack ?? err).slice(0, 500);
  });
}

export const faultCount = () => processFaults.unhandledRejections + processFaults.uncaughtExceptions;
