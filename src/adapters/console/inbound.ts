/**
 * The console's input grammar, parsed purely: one typed line → one action. The adapter
 * (index.ts) holds the state (which message numbers exist, whose they are) and turns an
 * action into a neutral inbound event. Every line gets an answer; a line that means nothing
 * is an `error` with the reason, never ignored.
 *
 *   text                  a message at the channel's top level
 *   >N text               a reply in thread N (N = the thread's root, or any reply in it)
 *   /ouro <text>          a command (also `>N /ouro …`, run inside thread N)
 *   !edit N text          edit your message N
 *   !delete N             delete your message N
 *   !press N action       press button `action` on message N
 *   !<name> …             a console extra registered by the host (e.g. the demo's `!ouro`)
 *   /help, !help          the grammar
 * A line ending in "\" continues on the next line (index.ts joins them before parsing).
 */

export type ConsoleAction =
  | { type: 'empty' }
  | { type: 'help' }
  | { type: 'message'; text: string; thread?: number }
  | { type: 'command'; text: string; thread?: number }
  | { type: 'edit'; id: number; text: string }
  | { type: 'delete'; id: number }
  | { type: 'press'; id: number; actionId: string }
  | { type: 'extra'; name: string; args: string; thread?: number }
  | { type: 'error'; message: string };

const NUMBER = /^#?(\d{1,9})$/;

export function parseLine(raw: string): ConsoleAction {
  const line = raw.replace(/\s+$/, '');
  if (line.trim() === '') return { type: 'empty' };

  const thread = /^>\s*#?(\d{1,9})(?:\s+(.*))?$/s.exec(line);
  if (thread) {
    const id = Number(thread[1]);
    const rest = (thread[2] ?? '').trim();
    if (rest === '') return { type: 'error', message: `nothing to say in thread #${id}: type ">${id} your text"` };
    const inner = parseLine(rest);
    if (inner.type === 'message' || inner.type === 'command' || inner.type === 'extra') return { ...inner, thread: id };
    if (inner.type === 'error' || inner.type === 'help') return inner;
    return { type: 'error', message: `"${rest.split(/\s/)[0]}" cannot be used inside a thread; type it on its own line` };
  }
  if (line.startsWith('>')) return { type: 'error', message: 'a thread reply starts with ">N " where N is a message number, e.g. ">3 thanks"' };

  if (/^[/!]help$/i.test(line.trim())) return { type: 'help' };

  if (line.startsWith('/')) {
    const m = /^\/ouro(?:\s+(.*))?$/s.exec(line);
    if (m) return { type: 'command', text: (m[1] ?? '').trim() };
    return { type: 'error', message: `unknown command ${line.split(/\s/)[0]}: commands start with /ouro (type /help)` };
  }

  if (line.startsWith('!')) {
    const [word = '', ...restWords] = line.slice(1).split(/\s+/);
    const rest = line.slice(1 + word.length).trim();
    const name = word.toLowerCase();
    if (name === 'edit') {
      const [n, ...text] = rest.split(/\s+/);
      const id = NUMBER.exec(n ?? '');
      const body = rest.slice((n ?? '').length).trim();
      if (!id || text.length === 0 || body === '') return { type: 'error', message: 'usage: !edit N new text' };
      return { type: 'edit', id: Number(id[1]), text: body };
    }
    if (name === 'delete') {
      const id = NUMBER.exec(rest);
      if (!id) return { type: 'error', message: 'usage: !delete N' };
      return { type: 'delete', id: Number(id[1]) };
    }
    if (name === 'press') {
      const id = NUMBER.exec(restWords[0] ?? '');
      const actionId = restWords[1];
      if (!id || !actionId || restWords.length > 2) return { type: 'error', message: 'usage: !press N action-id' };
      return { type: 'press', id: Number(id[1]), actionId };
    }
    if (!/^[a-z][a-z0-9-]*$/.test(name)) return { type: 'error', message: `unknown console command "!${word}" (type /help)` };
    return { type: 'extra', name, args: rest };
  }

  return { type: 'message', text: line };
}

export const HELP_LINES = [
  'Console chat: one channel, #lab. Every message gets a number (#N).',
  '  text                 post in #lab',
  '  >N text              reply in the thread of message N',
  '  /ouro <command>      run a bridge command (/ouro help lists them); >N /ouro … runs it in thread N',
  '  !edit N text         edit your message N',
  '  !delete N            delete your message N',
  '  !press N action      press a button shown under message N',
  '  line ending in \\      continues the message on the next line',
  '  /help                this text',
];
