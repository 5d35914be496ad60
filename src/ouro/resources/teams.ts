/** Teams and organizations (docs/ouro-api.md §4.10–4.11). */
import type { OuroClient } from '../client-types.ts';
import { asArray, asObject } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { Organization, Team } from '../types.ts';

export function teamsResource(t: Transport): OuroClient['teams'] {
  return {
    async list(opts = {}, signal) {
      const where = { method: 'GET', path: '/teams' };
      const data = await t.call({ method: 'GET', path: where.path, query: { org_id: opts.orgId, joined: opts.joined }, signal });
      return asArray(data, where).map((x) => asObject<Team>(x, where, 'team'));
    },
    async get(id, signal) {
      const path = `/teams/${seg(id)}`;
      return asObject<Team>(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
  };
}

export function organizationsResource(t: Transport): OuroClient['organizations'] {
  return {
    async list(signal) {
      const where = { method: 'GET', path: '/organizations/user' };
      const data = await t.call({ method: 'GET', path: where.path, signal });
      return asArray(data, where).map((x) => asObject<Organization>(x, where, 'organization'));
    },
    async get(id, signal) {
      const path = `/organizations/${seg(id)}`;
      return asObject<Organization>(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
  };
}
