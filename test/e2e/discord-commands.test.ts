/**
 * `/ouro` and `/ouro-admin` end to end: the real discord.js Client receives
 * INTERACTION_CREATE from the Discord fake, defers, the bridge runs the command against the
 * Ouro sandbox, and the final answer reaches the fake. Every assertion is on what the fake
 * (or the sandbox) received. One app for the file; tests run in order and build on each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { reviewButtons } from '../../src/commands/index.ts';
import { noticeKey } from '../../src/commands/watch-baseline.ts';
import { eventually, MANAGE_SERVER, startDiscordApp, type DiscordApp } from '../helpers/discord-app.ts';
import { visibleText, type RecordedCall } from '../helpers/fake-discord.ts';
import { sleep } from '../helpers/eventually.ts';
import { pngFacts } from '../helpers/png.ts';

let h: DiscordApp;
beforeAll(async () => {
  h = await startDiscordApp();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface Answered {
  /** The deferral's interaction callback body. */
  deferral: { type: number; data?: { flags?: number } };
  /** Final answers in order: edits of the original response and follow-ups. */
  answers: { via: 'edit' | 'followup'; visibility: 'public' | 'invoker'; text: string; files: RecordedCall['files']; body: any }[];
  deletedOriginal: boolean;
}

/** Runs a command and waits for its first answer, then a moment for any second one. */
/** The first SQL query may start the sandbox's embedded PostgreSQL (PGlite, ~4 s to 25 s on 2 busy cores) when TEST_DATABASE_URL is unset. */
const SQL_TIMEOUT = 50_000;

async function run(text: string, o: { admin?: boolean; timeoutMs?: number } = {}): Promise<Answered> {
  const sent = Date.now();
  const { id, token } = h.command(text, o);
  const base = `/webhooks/${h.fake.ids.app}/${token}`;
  const isAnswer = (c: RecordedCall) => (c.method === 'PATCH' && c.path === `${base}/messages/@original`) || (c.method === 'POST' && c.path === base);
  await h.fake.waitForCall(isAnswer, o.timeoutMs ?? 15_000, `an answer to "${text}"`);
  await sleep(50);
  const callback = h.fake.calls.find((c) => c.path === `/interactions/${id}/${token}/callback`)!;
  expect(callback.at - sent).toBeLessThan(3_000); // Discord's deadline for the first response
  const deferral = callback.body;
  const flags = deferral.data?.flags ?? 0;
  const answers = h.fake.calls.filter(isAnswer).map((c) => ({
    via: c.method === 'PATCH' ? ('edit' as const) : ('followup' as const),
    visibility: ((c.method === 'PATCH' ? flags : (c.body.flags ?? 0)) & 64 ? 'invoker' : 'public') as 'public' | 'invoker',
    text: visibleText(c.body),
    files: c.files,
    body: c.body,
  }));
  const deletedOriginal = h.fake.calls.some((c) => c.method === 'DELETE' && c.path === `${base}/messages/@original`);
  return { deferral, answers, deletedOriginal };
}

describe('discord commands end to end', () => {
  it('registers /ouro and /ouro-admin in the guild with the grammar as subcommands', async () => {
    await h.discord.registerCommands(h.fake.ids.guild);
    const put = await h.fake.waitForCall((c) => c.method === 'PUT' && c.path === `/applications/${h.fake.ids.app}/guilds/${h.fake.ids.guild}/commands`);
    expect(put.status).toBe(200);
    expect(put.auth).toBe('Bot fake.bot.token');
    const [user, admin] = put.body;
    expect(user.name).toBe('ouro');
    expect(user.options.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['query', 'quest', 'watch', 'search', 'help', 'datasets']));
    expect(admin).toMatchObject({ name: 'ouro-admin', default_member_permissions: MANAGE_SERVER });
    expect(admin.options.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['link', 'unlink', 'mirror', 'quest']));
  });

  it('help: deferred within the interaction, then the original response is edited with the list', async () => {
    const r = await run('help');
    expect(r.deferral.type).toBe(5); // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    expect(r.deferral.data?.flags ?? 0).toBe(0);
    expect(r.answers).toHaveLength(1);
    expect(r.answers[0]).toMatchObject({ via: 'edit', visibility: 'public' });
    expect(r.answers[0]!.text).toContain('/ouro commands');
    expect(r.answers[0]!.text).toContain('quest submit');
  });

  it('refuses an admin command from a member privately, naming Manage Server', async () => {
    const r = await run('link "Ouro Lab" materials');
    expect(r.deferral).toEqual({ type: 5, data: { flags: 64 } });
    expect(r.answers).toEqual([expect.objectContaining({ via: 'edit', visibility: 'invoker' })]);
    expect(r.answers[0]!.text).toContain('Manage Server');
  });

  it('link, mirror threads and mirror status as an admin', async () => {
    const link = await run('link "Ouro Lab" materials', { admin: true });
    expect(link.deferral.type).toBe(5);
    expect(link.deferral.data?.flags ?? 0).toBe(0);
    expect(link.answers[0]!.text).toContain('This channel is now linked to **Ouro Lab** / **materials**');
    const mirror = await run('mirror threads', { admin: true });
    expect(mirror.answers[0]!.text).toContain('Mirror mode is now **threads**');
    const status = await run('mirror status');
    expect(status.answers[0]).toMatchObject({ via: 'edit', visibility: 'public' });
    expect(status.answers[0]!.text).toContain('threads');
    expect(status.answers[0]!.text).toContain('Ouro Lab');
  });

  it('datasets and search', async () => {
    const ds = await run('datasets');
    // Asset names are plain text: escaped, so Discord shows `screening_runs` as written.
    expect(ds.answers[0]!.text).toContain('screening\\_runs');
    expect(ds.answers[0]!.text).toContain('penguins');
    const s = await run('search screening --type dataset');
    expect(s.answers[0]!.text).toContain('screening_runs');
    expect(s.answers[0]!.text).not.toContain('penguins');
  });

  it('query without SQL: a table cut to fit with "showing N of M" and the CSV attached', async () => {
    const r = await run('query screening_runs');
    const a = r.answers[0]!;
    expect(a).toMatchObject({ via: 'edit', visibility: 'public' });
    expect(a.text).toContain('mae_ev');
    expect(a.text).toMatch(/showing \d+ of 1,?200 rows/);
    // Ten wide columns: fewer than the command's ten rows fit in 2,000 characters, so those ten come along as CSV.
    expect(a.files.map((f) => f.name)).toEqual(['table-2.csv']);
    const csv = a.files[0]!.text.split('\r\n');
    expect(csv[0]).toContain('mae_ev');
    expect(csv.filter(Boolean)).toHaveLength(11);
  });

  it(
    'query with SQL (rebuilt from the sql option, quotes and all)',
    async () => {
      const r = await run('query screening_runs SELECT method, count(*) AS "n" FROM {{table}} GROUP BY method ORDER BY method', { timeoutMs: SQL_TIMEOUT });
      const text = r.answers[0]!.text;
      expect(text).toContain('dft');
      expect(text).toContain('ml-potential');
      expect(text).toContain('experiment');
    },
    SQL_TIMEOUT + 5_000,
  );

  it(
    'chart: typed options rebuilt, the PNG attached to the answer with its alt text',
    async () => {
      const r = await run('chart penguins SELECT species, bill_length_mm FROM {{table}} --type bar --title "Bills"', { timeoutMs: SQL_TIMEOUT });
      const a = r.answers[0]!;
      expect(a).toMatchObject({ via: 'edit', visibility: 'public' });
      expect(a.text).toContain('bar chart: x = `species` (text), y = `bill_length_mm`');
      expect(a.text).toContain('36 rows');
      expect(a.files.map((f) => [f.name, f.contentType])).toEqual([['penguins-chart.png', 'image/png']]);
      expect(a.body.attachments).toEqual([{ id: 0, description: expect.stringContaining('bar chart: x = species (text), y = bill_length_mm of penguins') }]);
      const facts = pngFacts(a.files[0]!.bytes!);
      expect([facts.width, facts.height]).toEqual([1000, 600]);
      expect(facts.variance).toBeGreaterThan(200);
    },
    SQL_TIMEOUT + 5_000,
  );

  let questId = '';
  let entryId = '';
  it('quest create, list, show, submit, review and close', async () => {
    const created = await run('quest create "Measure anisotropy" --item "Fe2B thin film" --item "MnBi bulk" --continuous', { admin: true });
    expect(created.answers[0]!.text).toMatch(/Created quest \*\*Measure anisotropy\*\* \(continuous, open\)/);
    questId = h.sandbox.state.quests.find((q) => q.name === 'Measure anisotropy')!.id;
    expect(h.sandbox.state.questItems.filter((i) => i.quest_id === questId).map((i) => i.description.text)).toEqual(['Fe2B thin film', 'MnBi bulk']);

    expect((await run('quest list')).answers[0]!.text).toContain('Measure anisotropy');
    const shown = (await run('quest show "Measure anisotropy"')).answers[0]!;
    expect(shown.text).toContain('MnBi bulk');
    // The progress picture rides along (Discord shows attached images inline), its numbers in the description.
    expect(shown.files.map((f) => f.name)).toEqual(['quest-progress.png']);
    expect(shown.body.attachments[0].description).toMatch(/^Items: \d+ done, \d+ open\. Entries: /);
    expect(pngFacts(shown.files[0]!.bytes!).variance).toBeGreaterThan(200);

    const submitted = await run(`quest submit "Measure anisotropy" 2 ${SEED_IDS.post} K1 = 0.9 MJ/m³`);
    const m = /Submitted entry `([0-9a-f-]+)`/.exec(submitted.answers[0]!.text);
    expect(m).not.toBeNull();
    entryId = m![1]!;

    const reviewed = await run(`quest review ${questId} ${entryId} reject wrong units`, { admin: true });
    expect(reviewed.answers[0]!.text).toContain('was **rejected**');
    expect(h.sandbox.state.entries.find((e) => e.id === entryId)?.status).toBe('rejected');

    const closed = await run(`quest close ${questId}`, { admin: true });
    expect(closed.answers[0]!.text.toLowerCase()).toContain('closed');
  });

  it('watch, watches and unwatch', async () => {
    expect((await run('watch "Measure Curie temperatures" submitted,accepted')).answers[0]!.text).toBe(
      'Watching **Measure Curie temperatures** here for submitted, accepted entries.',
    );
    expect((await run('watches')).answers[0]!.text).toContain('Measure Curie temperatures');
    expect((await run('unwatch "Measure Curie temperatures"')).answers[0]!.text).toBe(`Stopped watching quest \`${SEED_IDS.quest}\` here.`);
  });

  it('mirror channel, mirror off and unlink', async () => {
    expect((await run('mirror channel', { admin: true })).answers[0]!.text).toContain('Mirror mode is now **channel**');
    expect((await run('mirror off', { admin: true })).answers[0]!.text).toContain('off');
    expect((await run('unlink', { admin: true })).answers[0]!.text).toContain('no longer linked');
  });

  it('Accept pressed on an entry card: deferred as an update, entry accepted, card edited', async () => {
    await run('link "Ouro Lab" materials', { admin: true });
    const ref = { platform: 'discord' as const, workspace: h.fake.ids.guild, channel: h.fake.ids.channel };
    const card = await h.discord.post(ref, {
      text: 'New entry',
      rich: {
        text: 'New entry',
        blocks: [
          { type: 'text', markdown: 'New entry for review' },
          { type: 'buttons', buttons: reviewButtons(SEED_IDS.quest, SEED_IDS.entrySubmitted) },
        ],
      },
    });
    // Recorded as the quest notifier records each notice it posts: only such a card's buttons act.
    await h.app.store.setState(noticeKey(ref, card.messageId), `${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`);
    const posted = h.fake.messages.get(card.messageId)!;
    const accept = (posted.components as { components: { custom_id: string; label: string }[] }[])[0]!.components.find((c) => c.label === 'Accept')!;
    expect(accept.custom_id).toBe(`entry.accept|${SEED_IDS.quest}:${SEED_IDS.entrySubmitted}`);

    const { id, token } = h.fake.button(accept.custom_id, card.messageId, { permissions: MANAGE_SERVER });
    await eventually(() => expect(h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entrySubmitted)?.status).toBe('accepted'), 10_000);
    expect(h.fake.calls.find((c) => c.path === `/interactions/${id}/${token}/callback`)?.body).toEqual({ type: 6 });
    const followUp = await h.fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${h.fake.ids.app}/${token}`);
    expect(visibleText(followUp.body)).toContain('Accepted');
    expect(followUp.body.flags).toBe(64);
    const edit = await h.fake.waitForCall((c) => c.method === 'PATCH' && c.path === `/channels/${h.fake.ids.channel}/messages/${card.messageId}`);
    expect(visibleText(edit.body).toLowerCase()).toContain('accepted');
  });

  it('a member pressing Accept is refused privately and the entry stays as it was', async () => {
    const before = h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entryRejected)?.status;
    const ref = { platform: 'discord' as const, workspace: h.fake.ids.guild, channel: h.fake.ids.channel };
    const card = await h.discord.post(ref, {
      text: 'x',
      rich: { text: 'x', blocks: [{ type: 'buttons', buttons: reviewButtons(SEED_IDS.quest, SEED_IDS.entryRejected) }] },
    });
    const { token } = h.fake.button(`entry.accept|${SEED_IDS.quest}:${SEED_IDS.entryRejected}`, card.messageId);
    const followUp = await h.fake.waitForCall((c) => c.method === 'POST' && c.path === `/webhooks/${h.fake.ids.app}/${token}`);
    expect(followUp.body.flags).toBe(64);
    expect(visibleText(followUp.body)).toContain('Manage Server');
    expect(h.sandbox.state.entries.find((e) => e.id === SEED_IDS.entryRejected)?.status).toBe(before);
  });
});
