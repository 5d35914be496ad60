/**
 * Plays a person filling in Discord's slash-command form: `/ouro <text>` in the common
 * grammar → the top-level command and the option tree Discord would send. Only for tests;
 * it understands what the specs in src/adapters/discord/commands.ts declare.
 */
import { COMMAND_NAMES, subcommandSpecs, type Sub } from '../../src/adapters/discord/commands.ts';
import { tokenize } from '../../src/commands/parse.ts';

export function interactionFor(text: string): { commandName: string; options: unknown[] } {
  const tokens = tokenize(text);
  for (const commandName of [COMMAND_NAMES.user, COMMAND_NAMES.admin]) {
    for (const sub of subcommandSpecs(commandName)) {
      if (!sub.path.every((p, i) => tokens[i]?.value === p)) continue;
      const values = fill(sub, text, tokens.slice(sub.path.length));
      const leaf = { type: 1, name: sub.path[sub.path.length - 1], options: values };
      const options = sub.path.length === 2 ? [{ type: 2, name: sub.path[0], options: [leaf] }] : [leaf];
      return { commandName, options };
    }
  }
  throw new Error(`no Discord subcommand for ${JSON.stringify(text)}`);
}

function fill(sub: Sub, text: string, tokens: ReturnType<typeof tokenize>): unknown[] {
  const out: unknown[] = [];
  let k = 0;
  for (const o of sub.options ?? []) {
    const type = o.type === 'integer' ? 4 : o.type === 'boolean' ? 5 : 3;
    if (o.render === 'word' && tokens[k]) {
      const v = tokens[k++]!.value;
      out.push({ type, name: o.name, value: type === 4 ? Number(v) : v });
    } else if (o.render === 'rest' && tokens[k]) {
      const flagAt = tokens.findIndex((t, i) => i >= k && !t.quoted && t.value.startsWith('--'));
      const end = flagAt < 0 ? text.length : tokens[flagAt]!.start;
      out.push({ type, name: o.name, value: text.slice(tokens[k]!.start, end).trim() });
      k = flagAt < 0 ? tokens.length : flagAt;
    } else if (o.render === 'flag' || o.render === 'items' || o.render === 'bool') {
      const flag = `--${o.flag ?? o.name}`;
      const vals = tokens.flatMap((t, i) => (t.value === flag ? [tokens[i + 1]?.value ?? 'true'] : []));
      if (vals.length) out.push({ type, name: o.name, value: o.render === 'bool' ? true : o.render === 'items' ? vals.join('; ') : vals[0] });
    }
  }
  return out;
}
