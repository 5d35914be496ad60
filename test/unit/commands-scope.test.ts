import { describe, expect, it } from 'vitest';
import { channelScope, effectiveLink, orgAllowed, OURO_DECIDES } from '../../src/commands/scope.ts';
import { UserError } from '../../src/commands/spec.ts';
import { createPlaceGate, REFUSAL_LOG_INTERVAL_MS } from '../../src/adapters/place-gate.ts';
import type { Logger } from '../../src/log.ts';

const LAB = { orgId: 'org-lab', orgName: 'Ouro Lab', teamId: null };
const LAB_TEAM = { orgId: 'org-lab', orgName: 'Ouro Lab', teamId: 'team-mat' };

describe('channelScope: what the bot may use for people acting through it', () => {
  it.each([
    ['public asset, unlinked channel', { visibility: 'public', org_id: 'org-x' }, undefined, [], true],
    ['org asset, unlinked channel', { visibility: 'organization', org_id: 'org-lab' }, undefined, [], false],
    ['org asset, its org linked', { visibility: 'organization', org_id: 'org-lab' }, LAB, [], true],
    ['private asset of another org, linked channel', { visibility: 'private', org_id: 'org-helix', team_id: 't-conf' }, LAB, [], false],
    ['team asset, its team linked', { visibility: 'private', org_id: 'org-lab', team_id: 'team-mat' }, LAB_TEAM, [], true],
    ['private asset of another team of the org, team linked', { visibility: 'private', org_id: 'org-lab', team_id: 'team-b' }, LAB_TEAM, [], false],
    ['org asset, its org linked but no longer allowed', { visibility: 'organization', org_id: 'org-lab' }, LAB, ['Helix Materials'], false],
    ['org asset, its org allowed by name', { visibility: 'organization', org_id: 'org-lab' }, LAB, ['ouro lab'], true],
    ['org asset, its org allowed by id', { visibility: 'organization', org_id: 'org-lab' }, LAB, ['org-lab'], true],
    ['public asset, link to an org no longer allowed', { visibility: 'public' }, LAB, ['org-helix'], true],
  ] as const)('%s', (_name, asset, link, allowed, expected) => {
    expect(channelScope(link, allowed).allows(asset)).toBe(expected);
  });

  it('admit returns the asset, or refuses in words that name neither the asset nor its org', () => {
    const asset = { id: 'a1', name: 'secret_prices', visibility: 'private', org_id: 'org-helix' };
    expect(channelScope(LAB).admit({ ...asset, visibility: 'public' }, 'dataset').id).toBe('a1');
    expect(() => channelScope(LAB).admit(asset, 'dataset')).toThrow(UserError);
    expect(() => channelScope(LAB).admit(asset, 'dataset')).toThrow(/^That dataset is not public and not in the org\/team this channel is linked to/);
    expect(() => channelScope(undefined).admit(asset, 'quest')).toThrow(/this channel is not linked to an Ouro org: an admin can link it first/);
    try {
      channelScope(LAB).admit(asset, 'dataset');
    } catch (err) {
      expect((err as Error).message).not.toMatch(/secret_prices|helix/i);
    }
  });

  it('filter keeps order; OURO_DECIDES (a person acting as themselves) keeps everything', () => {
    const items = [
      { id: '1', visibility: 'public' },
      { id: '2', visibility: 'private', org_id: 'x' },
      { id: '3', visibility: 'monetized' },
    ];
    expect(
      channelScope(undefined)
        .filter(items)
        .map((i) => i.id),
    ).toEqual(['1', '3']);
    expect(OURO_DECIDES.filter(items)).toEqual(items);
    expect(OURO_DECIDES.admit(items[1]!, 'dataset')).toBe(items[1]);
  });

  it('orgAllowed and effectiveLink', () => {
    expect(orgAllowed({ id: 'o1', name: 'Lab' }, [])).toBe(true);
    expect(orgAllowed({ id: 'o1', name: 'Lab', display_name: 'Ouro Lab' }, [' OURO LAB '])).toBe(true);
    expect(orgAllowed({ id: 'o1', name: 'Lab' }, ['o2', 'Helix'])).toBe(false);
    expect(effectiveLink(LAB, ['org-lab'])).toBe(LAB);
    expect(effectiveLink(LAB, ['org-helix'])).toBeUndefined();
    expect(effectiveLink({ orgId: null, teamId: null }, [])).toBeUndefined();
  });
});

describe('place gate: refusals logged once an hour per place', () => {
  it('allows listed places and logs each refused place at most hourly', () => {
    const lines: unknown[] = [];
    const logger = { warn: (o: unknown) => lines.push(o) } as unknown as Logger;
    let now = 0;
    const gate = createPlaceGate({ allowed: () => new Set(['T1']), what: 'Slack team', variable: 'SLACK_ALLOWED_TEAMS', logger, now: () => now });
    expect(gate.allows('T1')).toBe(true);
    for (let i = 0; i < 5; i++) expect(gate.allows('T9')).toBe(false);
    expect(gate.allows('T8')).toBe(false);
    expect(lines).toHaveLength(2);
    now += REFUSAL_LOG_INTERVAL_MS - 1;
    gate.allows('T9');
    expect(lines).toHaveLength(2);
    now += 1;
    gate.allows('T9');
    expect(lines).toHaveLength(3);
  });
});
