/**
 * How many commands run at once: a few per person and a bounded number overall, each
 * answer holding up to one Ouro answer in memory (4 MiB read, a few times that parsed).
 * A command past either bound is answered "busy" at once: nothing waits in a queue.
 */
import { textReply } from '../chat/reply.ts';
import type { CommandResult, CommandRunner } from './types.ts';

/** Per person: one command can wait on a slow query while a second one is answered. */
export const PER_PERSON = 2;
/** Overall: eight answers in memory at most (≈ 8 × 25 MB at the byte cap), and Ouro sees a bounded load from one bridge. */
export const OVERALL = 8;

export type Entered = { release(): void } | { busy: 'person' | 'overall' };

export function createCommandGate(perPerson = PER_PERSON, overall = OVERALL) {
  const running = new Map<string, number>();
  let total = 0;
  return {
    enter(person: string): Entered {
      const mine = running.get(person) ?? 0;
      if (mine >= perPerson) return { busy: 'person' };
      if (total >= overall) return { busy: 'overall' };
      running.set(person, mine + 1);
      total++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          total--;
          const n = (running.get(person) ?? 1) - 1;
          if (n > 0) running.set(person, n);
          else running.delete(person);
        },
      };
    },
  };
}

export function busyText(busy: 'person' | 'overall', perPerson = PER_PERSON): string {
  return busy === 'person'
    ? `You already have ${perPerson} commands running. Wait for one of them to answer, then try again.`
    : 'The bridge is busy with other people’s commands right now. Try again in a few seconds.';
}

/** The runner with the gate in front of commands and button presses alike. */
export function withCommandGate(runner: CommandRunner, gate = createCommandGate()): CommandRunner {
  const gated = async (platform: string, userId: string, fn: () => Promise<CommandResult>): Promise<CommandResult> => {
    const entered = gate.enter(`${platform}:${userId}`);
    if ('busy' in entered) return { reply: textReply(busyText(entered.busy)), visibility: 'invoker' };
    try {
      return await fn();
    } finally {
      entered.release();
    }
  };
  return {
    run: (cmd) => gated(cmd.channel.platform, cmd.user.id, () => runner.run(cmd)),
    press: (btn) => gated(btn.channel.platform, btn.user.id, () => runner.press(btn)),
  };
}
