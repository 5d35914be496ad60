/**
 * The dependency direction of the design, checked mechanically: the core (src/bridge), the
 * commands (src/commands), the quest and comment notifiers (src/quests, src/comments) and the
 * reply model (src/chat) import no platform SDK, no HTTP library or server, and no database
 * driver; and they never reach into the runtime parts that sit above them. The quest and
 * comment tables' queries (store.ts, schema.ts of each) are part of the store: they may use
 * Kysely and the store's internals, nothing else of the list, and only the store imports them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUARDED = ['src/bridge', 'src/commands', 'src/quests', 'src/comments', 'src/chat'];
const QUEST_STORE = ['src/quests/store.ts', 'src/quests/schema.ts', 'src/comments/store.ts', 'src/comments/schema.ts'];

const FORBIDDEN_PACKAGES: [RegExp, string][] = [
  [/^@slack\//, 'Slack SDK'],
  [/^discord\.js$/, 'discord.js'],
  [/^@discordjs\//, 'discord.js internals'],
  [/^discord-api-types(\/|$)/, 'Discord API types'],
  [/^undici$/, 'HTTP client'],
  [/^(node:)?https?$/, 'HTTP server/client'],
  [/^ws$/, 'WebSocket library'],
  [/^pg(\/|$)/, 'PostgreSQL driver'],
  [/^better-sqlite3$/, 'SQLite driver'],
  [/^@electric-sql\/pglite/, 'PGlite'],
  [/^kysely$/, 'query builder (the Store interface is the seam)'],
];

/** Runtime parts above the core: the core must not import them (relative paths from src/). */
const FORBIDDEN_DIRS = ['src/adapters/', 'src/http/', 'src/cli/', 'src/sandbox/', 'src/app.ts', 'src/store/engine', 'src/store/index'];

export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'))
    .join('\n');
}

/** Every module specifier a file names: static, re-export, side-effect, dynamic import and require. */
export function importSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const patterns = [
    /\bimport\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]!));
}

export function findViolations(files: { path: string; source: string }[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    for (const specifier of importSpecifiers(f.source)) {
      const pkg = FORBIDDEN_PACKAGES.find(([re]) => re.test(specifier));
      if (pkg) {
        out.push({ file: f.path, specifier, why: pkg[1] });
        continue;
      }
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(f.path), specifier))
          .split('\\')
          .join('/');
        const dir = FORBIDDEN_DIRS.find((d) => target.startsWith(d));
        if (dir) out.push({ file: f.path, specifier, why: `reaches up into ${dir}` });
      }
    }
  }
  return out;
}

function sourcesUnder(dir: string): { path: string; source: string }[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) return sourcesUnder(rel);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [{ path: rel, source: readFileSync(join(ROOT, rel), 'utf8') }] : [];
  });
}

describe('architecture boundaries', () => {
  it('src/bridge, src/commands, src/quests, src/comments and src/chat import no platform SDK, HTTP library or database driver', () => {
    const files = GUARDED.flatMap(sourcesUnder).filter((f) => !QUEST_STORE.includes(f.path));
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => f.path === 'src/bridge/types.ts')).toBe(true);
    expect(files.some((f) => f.path === 'src/quests/notifier.ts')).toBe(true);
    expect(files.some((f) => f.path === 'src/comments/from-chat.ts')).toBe(true);
    expect(files.some((f) => f.path === 'src/chat/reply.ts')).toBe(true);
    expect(findViolations(files)).toEqual([]);
  });

  it('the quest and comment stores use only Kysely and the store; only the store imports them', () => {
    const store = [...sourcesUnder('src/quests'), ...sourcesUnder('src/comments')].filter((f) => QUEST_STORE.includes(f.path));
    expect(store.map((f) => f.path).sort()).toEqual([...QUEST_STORE].sort());
    const allowed = (v: Violation) => v.specifier === 'kysely' || v.why.startsWith('reaches up into src/store/');
    expect(findViolations(store).filter((v) => !allowed(v))).toEqual([]);
    const importers = ['src/bridge', 'src/commands', 'src/quests', 'src/comments', 'src/adapters', 'src/app.ts']
      .flatMap((d) => (d.endsWith('.ts') ? [{ path: d, source: readFileSync(join(ROOT, d), 'utf8') }] : sourcesUnder(d)))
      .filter((f) => importSpecifiers(f.source).some((s) => /\/(quests|comments)\/store\.ts$/.test(s)));
    expect(importers.map((f) => f.path)).toEqual([]);
  });

  it('the Ouro client’s own modules never import its index (which only re-exports them)', () => {
    const inside = sourcesUnder('src/ouro').filter((f) => f.path !== 'src/ouro/index.ts');
    expect(inside.length).toBeGreaterThan(5);
    const back = inside.filter((f) =>
      importSpecifiers(f.source).some((s) => s.startsWith('.') && resolve(ROOT, dirname(f.path), s) === join(ROOT, 'src/ouro/index.ts')),
    );
    expect(back.map((f) => f.path)).toEqual([]);
  });

  it.each([
    ["import { App } from '@slack/bolt';", '@slack/bolt'],
    ["import type { WebClient } from '@slack/web-api';", '@slack/web-api'],
    ["import { Client, GatewayIntentBits } from 'discord.js';", 'discord.js'],
    ["import { REST } from '@discordjs/rest';", '@discordjs/rest'],
    ["import { request } from 'undici';", 'undici'],
    ["import pg from 'pg';", 'pg'],
    ["import Database from 'better-sqlite3';", 'better-sqlite3'],
    ["import { createServer } from 'node:http';", 'node:http'],
    ["import http from 'http';", 'http'],
    ["import { WebSocket } from 'ws';", 'ws'],
    ["export { request } from 'undici';", 'undici'],
    ["const { Pool } = await import('pg');", 'pg'],
    ["const sqlite = require('better-sqlite3');", 'better-sqlite3'],
    ["import 'discord.js';", 'discord.js'],
    ["import {\n  App,\n  type SayFn,\n} from '@slack/bolt';", '@slack/bolt'],
    ["import { createSlackAdapter } from '../adapters/slack/index.ts';", '../adapters/slack/index.ts'],
    ["import { createHttpServer } from '../http/server.ts';", '../http/server.ts'],
  ])('catches a planted violation: %s', (source, specifier) => {
    const found = findViolations([{ path: 'src/bridge/planted.ts', source }]);
    expect(found.map((v) => v.specifier)).toEqual([specifier]);
  });

  it.each([
    ["import type { Store } from '../store/types.ts';"],
    ["import { uuid7 } from '../ouro/uuid7.ts';"],
    ["// import { App } from '@slack/bolt';"],
    ["/* import pg from 'pg' */ const x = 1;"],
    ["const url = 'https://api.slack.com'; // not an import"],
    ["const text = 'type /ouro help';"],
  ])('does not flag: %s', (source) => {
    expect(findViolations([{ path: 'src/bridge/ok.ts', source }])).toEqual([]);
  });
});
