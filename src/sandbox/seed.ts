import { newApiKey } from './auth.ts';
import type { MarkdownToDoc } from './markdown.ts';
import { ALLOY_COLUMNS, PENGUIN_COLUMNS, SCREENING_COLUMNS, alloyRows, penguinRows, screeningRows } from './seed-data.ts';
import { seedServices } from './seed-services.ts';
import { emptyState } from './state.ts';
import type { AssetBase, EntryRec, ItemRec, MessageRec, RichText, SandboxState, UserRec } from './state.ts';

/**
 * Seed content. `none`: the bot user and its API key. `demo`: org "Ouro Lab" with team
 * "materials", humans alice and bob, the bot `lab-bridge`, datasets with real rows, a quest
 * with entries in every status, a public post and a conversation — plus a second org
 * ("Helix Materials") holding a private dataset the bot can read and a private quest the bot
 * owns (so it may review it), neither of which a channel of another org may reach.
 * Ids are fixed UUIDv7-shaped constants so tests can refer to them.
 */

const id = (n: number) => `0193a5c0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

export const SEED_IDS = {
  bot: id(0x10),
  alice: id(0x11),
  bob: id(0x12),
  carol: id(0x13),
  orgLab: id(0x01),
  teamMaterials: id(0x02),
  orgHelix: id(0x03),
  teamConfidential: id(0x04),
  datasetScreening: id(0x20),
  datasetPenguins: id(0x21),
  datasetPrivate: id(0x22),
  /** Private to the lab's `bench` team (alice, bob); the bot is not in that team. */
  datasetBench: id(0x23),
  teamBench: id(0x05),
  quest: id(0x30),
  questItems: [id(0x31), id(0x32), id(0x33)] as const,
  entryAccepted: id(0x34),
  entryRejected: id(0x35),
  entrySubmitted: id(0x36),
  post: id(0x40),
  conversation: id(0x50),
  messages: [id(0x51), id(0x52), id(0x53)] as const,
  /** A private quest of Helix that the bot owns (so Ouro lets the bot review it): the cross-org target. */
  questHelix: id(0x60),
  questHelixItem: id(0x61),
  entryHelixSubmitted: id(0x62),
} as const;

/** Fixed API keys of the demo seed (a `none` seed gets a random bot key). */
export const SEED_KEYS = {
  bot: 'ouro_sandbox_demo_lab_bridge_0000000000000000000000000000000000000000',
  alice: 'ouro_sandbox_demo_alice_00000000000000000000000000000000000000000000',
  bob: 'ouro_sandbox_demo_bob_0000000000000000000000000000000000000000000000',
  carol: 'ouro_sandbox_demo_carol_00000000000000000000000000000000000000000000',
} as const;

export type SeedKind = 'demo' | 'none';

const T0 = '2026-01-05T08:00:00.000000+00:00';
const at = (day: number, hour = 9) => `2026-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000000+00:00`;

function user(uid: string, username: string, name: string | null, agent = false): UserRec {
  return { id: uid, username, name, email: `${username}@example.org`, actor_type: agent ? 'agent' : 'base', bio: null, created_at: T0 };
}

export function seedState(kind: SeedKind, convert: MarkdownToDoc): SandboxState {
  const rich = (text: string): RichText => ({ json: convert(text), text });
  if (kind === 'none') {
    const s = emptyState(T0, SEED_IDS.bot);
    s.users.push(user(SEED_IDS.bot, 'sandbox-bot', 'Sandbox bot', true));
    s.apiKeys.push({ key: newApiKey(), user_id: SEED_IDS.bot, name: 'sandbox' });
    return s;
  }

  const s = emptyState(T0, SEED_IDS.bot);
  s.users.push(
    user(SEED_IDS.bot, 'lab-bridge', 'Lab bridge', true),
    user(SEED_IDS.alice, 'alice', 'Alice Chen'),
    user(SEED_IDS.bob, 'bob', 'Bob Okafor'),
    user(SEED_IDS.carol, 'carol', 'Carol Diaz'),
  );
  s.apiKeys.push(
    { key: SEED_KEYS.bot, user_id: SEED_IDS.bot, name: 'slack-bridge' },
    { key: SEED_KEYS.alice, user_id: SEED_IDS.alice, name: 'alice-laptop' },
    { key: SEED_KEYS.bob, user_id: SEED_IDS.bob, name: 'bob-laptop' },
    { key: SEED_KEYS.carol, user_id: SEED_IDS.carol, name: 'carol-laptop' },
  );
  s.orgs.push(
    {
      id: SEED_IDS.orgLab,
      name: 'Ouro Lab',
      display_name: 'Ouro Lab',
      mission: 'Find better permanent magnets',
      // The bot is an org admin so the bridge may review and close the lab's quests.
      members: [
        { user_id: SEED_IDS.alice, role: 'admin' },
        { user_id: SEED_IDS.bob, role: 'write' },
        { user_id: SEED_IDS.bot, role: 'admin' },
        // A reader of the lab: sees its quests, may not review them (403 from Ouro).
        { user_id: SEED_IDS.carol, role: 'read' },
      ],
      created_at: T0,
    },
    {
      id: SEED_IDS.orgHelix,
      name: 'Helix Materials',
      display_name: 'Helix Materials',
      mission: null,
      members: [
        { user_id: SEED_IDS.carol, role: 'admin' },
        { user_id: SEED_IDS.bot, role: 'read' },
      ],
      created_at: T0,
    },
  );
  s.teams.push(
    {
      id: SEED_IDS.teamMaterials,
      org_id: SEED_IDS.orgLab,
      name: 'materials',
      description: rich('Magnet screening and measurements'),
      visibility: 'public',
      source_policy: 'any',
      members: [
        { user_id: SEED_IDS.alice, role: 'admin' },
        { user_id: SEED_IDS.bob, role: 'write' },
        { user_id: SEED_IDS.bot, role: 'write' },
      ],
      created_at: T0,
    },
    {
      id: SEED_IDS.teamBench,
      org_id: SEED_IDS.orgLab,
      name: 'bench',
      description: null,
      visibility: 'private',
      source_policy: 'any',
      members: [
        { user_id: SEED_IDS.alice, role: 'admin' },
        { user_id: SEED_IDS.bob, role: 'write' },
      ],
      created_at: T0,
    },
    {
      id: SEED_IDS.teamConfidential,
      org_id: SEED_IDS.orgHelix,
      name: 'confidential',
      description: null,
      visibility: 'private',
      source_policy: 'any',
      members: [
        { user_id: SEED_IDS.carol, role: 'admin' },
        { user_id: SEED_IDS.bot, role: 'read' },
      ],
      created_at: T0,
    },
  );

  const base = (aid: string, owner: string, org: string, team: string, name: string, vis: AssetBase['visibility'], desc: string, day: number): AssetBase => ({
    id: aid,
    user_id: owner,
    org_id: org,
    team_id: team,
    name,
    description: rich(desc),
    visibility: vis,
    source: 'api',
    license_id: 'CC-BY-4.0',
    attribution: { originality: 'original' },
    created_at: at(day),
    last_updated: at(day),
  });
  const lab = [SEED_IDS.orgLab, SEED_IDS.teamMaterials] as const;

  s.datasets.push(
    {
      ...base(
        SEED_IDS.datasetScreening,
        SEED_IDS.alice,
        ...lab,
        'screening_runs',
        'organization',
        'Magnet screening runs (DFT, ML potential and bench measurements)',
        5,
      ),
      asset_type: 'dataset',
      table_name: 'screening_runs',
      columns: SCREENING_COLUMNS.map((c) => ({ ...c })),
    },
    {
      ...base(SEED_IDS.datasetPenguins, SEED_IDS.bob, ...lab, 'penguins', 'public', 'Palmer-style penguin measurements, a small public example', 6),
      asset_type: 'dataset',
      table_name: 'penguins',
      columns: PENGUIN_COLUMNS.map((c) => ({ ...c })),
    },
    {
      ...base(
        SEED_IDS.datasetPrivate,
        SEED_IDS.carol,
        SEED_IDS.orgHelix,
        SEED_IDS.teamConfidential,
        'proprietary_alloys',
        'private',
        'Supplier prices and coercivity — confidential to Helix Materials',
        7,
      ),
      asset_type: 'dataset',
      table_name: 'proprietary_alloys',
      columns: ALLOY_COLUMNS.map((c) => ({ ...c })),
    },
  );
  s.datasets.push({
    ...base(
      SEED_IDS.datasetBench,
      SEED_IDS.alice,
      SEED_IDS.orgLab,
      SEED_IDS.teamBench,
      'bench_notes',
      'private',
      'Bench measurements not yet checked — the bench team only',
      7,
    ),
    asset_type: 'dataset',
    table_name: 'bench_notes',
    columns: [
      { name: 'sample', type: 'text', enum_values: null },
      { name: 'tc_k', type: 'double precision', enum_values: null },
    ],
  });
  s.datasetRows[SEED_IDS.datasetBench] = [
    { sample: 'Fe2B-07', tc_k: 1012.5 },
    { sample: 'MnBi-02', tc_k: 628 },
  ];
  s.datasetRows[SEED_IDS.datasetScreening] = screeningRows();
  s.datasetRows[SEED_IDS.datasetPenguins] = penguinRows();
  s.datasetRows[SEED_IDS.datasetPrivate] = alloyRows();

  const postMd = [
    '# Screening week 1',
    '',
    'We ran **1,200** candidates. Highlights:',
    '',
    '- `Fe2B` converged fastest',
    '- `MnBi` needs a finer k-point grid',
    '',
    '| material | best mae_ev |',
    '| --- | --- |',
    '| Fe2B | 0.06 |',
    '',
    'Query it yourself: `SELECT material, avg(mae_ev) FROM {{table}} GROUP BY material`',
  ].join('\n');
  s.posts.push({
    ...base(SEED_IDS.post, SEED_IDS.alice, ...lab, 'Screening week 1', 'public', 'Summary of the first screening week', 12),
    asset_type: 'post',
    content: rich(postMd),
  });

  s.quests.push({
    ...base(SEED_IDS.quest, SEED_IDS.alice, ...lab, 'Measure Curie temperatures', 'organization', 'Collect Curie temperatures for the top candidates', 8),
    asset_type: 'quest',
    quest: { type: 'closable', status: 'open', max_xp_per_contributor: null, closed_at: null },
  });
  const itemTexts = ['Measure Tc of Fe2B', 'Measure Tc of MnBi', 'Measure Tc of Fe2Ni'];
  const items: ItemRec[] = itemTexts.map((text, i) => ({
    id: SEED_IDS.questItems[i]!,
    quest_id: SEED_IDS.quest,
    description: rich(text),
    status: i === 0 ? 'done' : i === 1 ? 'in_progress' : 'pending',
    sort_order: i + 1,
    type: 'task',
    created_by: SEED_IDS.alice,
    assignee_id: null,
    expected_asset_type: 'post',
    reward_xp: 50,
    reward_currency: 'btc',
    reward_amount: 0,
    completed_entry_id: i === 0 ? SEED_IDS.entryAccepted : null,
    notes: null,
    waiting_on: null,
    waiting_until: null,
    waiting_check_every: null,
    created_at: at(8),
    updated_at: i === 0 ? at(10) : at(8),
  }));
  s.questItems.push(...items);
  const entry = (
    eid: string,
    item: number,
    who: string,
    status: EntryRec['status'],
    text: string,
    day: number,
    assets: EntryRec['assets'],
    review?: string,
  ): EntryRec => ({
    id: eid,
    quest_id: SEED_IDS.quest,
    item_id: SEED_IDS.questItems[item]!,
    user_id: who,
    assets,
    description: rich(text),
    review: review ? rich(review) : null,
    status,
    reviewer_id: review ? SEED_IDS.alice : null,
    reviewed_at: review ? at(day, 15) : null,
    created_at: at(day),
    updated_at: review ? at(day, 15) : at(day),
  });
  s.entries.push(
    entry(
      SEED_IDS.entryAccepted,
      0,
      SEED_IDS.bob,
      'accepted',
      'Tc(Fe2B) = 1015 K, see the post',
      9,
      { report: { asset_id: SEED_IDS.post, asset_type: 'post' } },
      'Matches the literature, thanks',
    ),
    entry(SEED_IDS.entryRejected, 1, SEED_IDS.bob, 'rejected', 'Tc(MnBi) = 200 K', 10, null, 'That is the spin-reorientation temperature, not Tc'),
    entry(SEED_IDS.entrySubmitted, 1, SEED_IDS.alice, 'submitted', 'Tc(MnBi) = 633 K from the screening runs', 11, {
      data: { asset_id: SEED_IDS.datasetScreening, asset_type: 'dataset' },
    }),
  );

  s.quests.push({
    ...base(
      SEED_IDS.questHelix,
      SEED_IDS.bot,
      SEED_IDS.orgHelix,
      SEED_IDS.teamConfidential,
      'Confidential alloy survey',
      'private',
      'Supplier quotes for the HX series',
      13,
    ),
    asset_type: 'quest',
    quest: { type: 'closable', status: 'open', max_xp_per_contributor: null, closed_at: null },
  });
  s.questItems.push({
    ...items[2]!,
    id: SEED_IDS.questHelixItem,
    quest_id: SEED_IDS.questHelix,
    description: rich('Quote for HX-101'),
    status: 'pending',
    sort_order: 1,
    created_by: SEED_IDS.bot,
    expected_asset_type: 'dataset',
    created_at: at(13),
    updated_at: at(13),
  });
  s.entries.push({
    ...entry(SEED_IDS.entryHelixSubmitted, 0, SEED_IDS.carol, 'submitted', 'Northwind quotes HX-101 at $41.50 (confidential)', 14, {
      data: { asset_id: SEED_IDS.datasetPrivate, asset_type: 'dataset' },
    }),
    quest_id: SEED_IDS.questHelix,
    item_id: SEED_IDS.questHelixItem,
  });

  s.conversations.push({
    ...base(SEED_IDS.conversation, SEED_IDS.alice, ...lab, '#materials-lab', 'private', '', 12),
    description: null,
    asset_type: 'conversation',
    summary: 'Day-to-day chat of the materials team',
    metadata: { members: [SEED_IDS.alice, SEED_IDS.bob, SEED_IDS.bot] },
  });
  const msg = (mid: string, who: string, text: string, minute: number): MessageRec => {
    const ts = `2026-01-12T10:${String(minute).padStart(2, '0')}:00.000000+00:00`;
    return {
      id: mid,
      conversation_id: SEED_IDS.conversation,
      turn_id: mid,
      seq: 0,
      user_id: who,
      type: 'message',
      json: convert(text),
      text,
      viewers: [who],
      metadata: null,
      created_at: ts,
      last_updated: ts,
    };
  };
  s.messages.push(
    msg(SEED_IDS.messages[0], SEED_IDS.alice, 'Can someone check the `mae_ev` column for outliers?', 1),
    msg(SEED_IDS.messages[1], SEED_IDS.bob, 'On it, running the query now', 3),
    msg(SEED_IDS.messages[2], SEED_IDS.bot, '**[slack]** dana: MnBi looks off, see run-0412', 5),
  );
  seedServices(s, { userId: SEED_IDS.alice, orgId: SEED_IDS.orgLab, teamId: SEED_IDS.teamMaterials }, rich);
  return s;
}
