/** Identity (`GET /user`, the token) and user lookup (docs/ouro-api.md §4.1). */
import type { OuroClient } from '../client-types.ts';
import { asArray, check, profile } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import { z } from 'zod';

const userSchema = z.looseObject({ id: z.string().min(1), email: z.string().nullish(), username: z.string().nullish() });

export function authResource(t: Transport): OuroClient['auth'] {
  return {
    async whoami(signal) {
      const where = { method: 'GET', path: '/user' };
      const data = await t.call<unknown>({ ...where, method: 'GET', signal });
      // An empty `data` means the token maps to no account (the SDK's reading, docs/ouro-api.md §1.2 step 3).
      const u = check(userSchema, data, where, 'user');
      return {
        id: u.id,
        ...(u.email ? { email: u.email } : {}),
        ...(u.username ? { username: u.username } : {}),
      };
    },
    async token() {
      return (await t.tokens.get()).token;
    },
  };
}

export function usersResource(t: Transport): OuroClient['users'] {
  return {
    async search(query, signal) {
      const where = { method: 'GET', path: '/users/search' };
      const data = await t.call<unknown>({ method: 'GET', path: where.path, query: { query }, signal });
      return asArray(data, where).map((u) => profile(u, where));
    },
    async get(usernameOrId, signal) {
      const path = `/users/${seg(usernameOrId)}`;
      const data = await t.call<unknown>({ method: 'GET', path, signal });
      return profile(data, { method: 'GET', path });
    },
  };
}
