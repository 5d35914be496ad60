import { textReply } from '../chat/reply.ts';
import { orgAllowed } from './scope.ts';
import { UserError, type CommandSpec } from './spec.ts';

interface Named {
  id: string;
  name: string;
  display_name?: string | null;
  slug?: string;
}

/**
 * By id, then by exact name/display name/slug (case-insensitive); UserError when none or
 * several. `items` are what the invoker may choose from (an admin in an allowed place: the
 * allowed orgs), so naming them back reveals nothing more.
 */
export function pickByName<T extends Named>(items: readonly T[], ref: string, what: string): T {
  const r = ref.trim().toLowerCase();
  const byId = items.find((i) => i.id.toLowerCase() === r);
  if (byId) return byId;
  const exact = items.filter((i) => [i.name, i.display_name, i.slug].some((n) => (n ?? '').toLowerCase() === r));
  if (exact.length === 1) return exact[0]!;
  const list = (xs: readonly T[]) =>
    xs
      .slice(0, 10)
      .map((i) => `• ${i.display_name || i.name} — id \`${i.id}\``)
      .join('\n');
  if (exact.length > 1) throw new UserError(`“${ref}” names ${exact.length} ${what}s — use the id:\n${list(exact)}`);
  const known = items.length ? `\nThis bridge may link to:\n${list(items)}` : '';
  throw new UserError(`No ${what} “${ref}” that this bridge may link to.${known}`);
}

export const linkSpec: CommandSpec = {
  name: 'link',
  usage: 'link <org> [team]',
  summary: 'Link this channel to an Ouro organization (and team)',
  help: 'Searches, `datasets`, `query` and new quests then use that org/team: people acting through the bridge reach that org/team’s assets and public ones, nothing else. Only the orgs the operator allows (OURO_ALLOWED_ORGS) can be linked. Org and team go by name or id. Keeps the channel’s mirror mode.',
  example: '/ouro link "Ouro Lab" materials',
  args: [
    { name: 'org', required: true },
    { name: 'team', required: false },
  ],
  admin: true,
  async handler({ input, args, link, deps }) {
    // Only the orgs the operator allows (OURO_ALLOWED_ORGS) are offered, named back or accepted.
    const allowed = (await deps.ouro.organizations.list()).filter((o) => orgAllowed(o, deps.allowedOrgs));
    const org = pickByName(allowed, args.org!, 'organization');
    let team: Named | undefined;
    if (args.team) team = pickByName(await deps.ouro.teams.list({ orgId: org.id }), args.team, 'team');
    const orgName = org.display_name || org.name;
    await deps.store.upsertChannelLink({
      ...input.channel,
      orgId: org.id,
      orgName,
      teamId: team?.id ?? null,
      teamName: team?.name ?? null,
      mirrorMode: link?.mirrorMode ?? 'off',
      updatedBy: input.user.id,
    });
    const target = team ? `**${orgName}** / **${team.name}**` : `**${orgName}**`;
    return { reply: textReply(`This channel is now linked to ${target}. Mirror mode: ${link?.mirrorMode ?? 'off'}.`) };
  },
};

export const unlinkSpec: CommandSpec = {
  name: 'unlink',
  usage: 'unlink',
  summary: 'Remove this channel’s link to Ouro',
  help: 'Forgets the org/team and turns mirroring off for this channel. Threads already linked to conversations stay linked; watches stay.',
  example: '/ouro unlink',
  args: [],
  admin: true,
  async handler({ input, deps }) {
    const removed = await deps.store.deleteChannelLink(input.channel);
    return {
      reply: textReply(removed ? 'This channel is no longer linked to Ouro; mirroring is off.' : 'This channel was not linked to Ouro; nothing changed.'),
    };
  },
};
