import { slashCommand, type Registry } from './registry.ts';
import { textReply } from '../chat/reply.ts';
import { UserError, type CommandSpec } from './spec.ts';
import { closest } from './suggest.ts';

/** `help [command]`, generated from the specs (it receives the registry once built). */
export function helpSpec(registry: () => Registry): CommandSpec {
  return {
    name: 'help',
    usage: 'help [command]',
    summary: 'List the commands, or explain one',
    help: 'Without a command, lists every command. With one (or a group such as `quest`), shows its usage, what it does and an example.',
    example: '/ouro help query',
    args: [{ name: 'command', required: false, rest: 'words' }],
    admin: false,
    ignoresBrokenLink: true,
    async handler({ args, input }) {
      const platform = input.channel.platform;
      const reg = registry();
      const wanted = args.command?.toLowerCase().replace(/^\/?ouro\s+/, '');
      if (!wanted) {
        // The list leaves out `/ouro`; a command typed under another one says which.
        const typed = (s: CommandSpec) => (slashCommand(s, platform) === '/ouro' ? s.usage : `${slashCommand(s, platform)} ${s.usage}`);
        const lines = reg.specs.map((s) => `• \`${typed(s)}\` — ${s.summary}${s.admin ? ' _(admins)_' : ''}`);
        const md = `**/ouro commands**\n${lines.join('\n')}\n\nType \`/ouro help <command>\` for details. Quotes (" " or “ ”) group words.`;
        return {
          reply: {
            text: md,
            blocks: [
              { type: 'heading', text: '/ouro commands' },
              { type: 'text', markdown: lines.join('\n') },
              { type: 'context', markdown: 'Type `/ouro help <command>` for details. Quotes (" " or “ ”) group words.' },
            ],
          },
        };
      }
      const spec = reg.get(wanted);
      if (spec) return { reply: textReply(describe(spec, platform)) };
      const members = reg.group(wanted);
      if (members.length) return { reply: textReply(members.map((m) => describe(m, platform)).join('\n\n')) };
      const near = closest(wanted, [...reg.words, ...reg.specs.map((s) => s.name)]);
      throw new UserError(`No command \`${wanted}\`.${near ? ` Did you mean \`${near}\`?` : ''} Try \`/ouro help\`.`);
    },
  };
}

export function describe(spec: CommandSpec, platform?: string): string {
  const who = spec.admin ? '\n_Bridge admins only._' : '';
  const slash = slashCommand(spec, platform);
  const example = slash === '/ouro' ? spec.example : spec.example.replace(/^\/ouro /, `${slash} `);
  return `**${slash} ${spec.usage}** — ${spec.summary}\n${spec.help}${who}\nExample: \`${example}\``;
}
