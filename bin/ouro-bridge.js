#!/usr/bin/env node
// Runs the compiled build in dist/ (`npm run build`) when it is at least as new as every
// file in src/; otherwise the TypeScript sources through tsx's loader. So a fresh clone
// runs with no build step, an edit made after a build is never shadowed by stale output,
// and an image that ships dist/ without src/ needs neither tsx nor TypeScript.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/cli/main.js', root);
const sources = new URL('src/', root);

/** Newest modification time under `dir`, ms (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) max = Math.max(max, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
  }
  return max;
}

let main;
if (existsSync(built) && statSync(built).mtimeMs >= newest(sources)) {
  ({ main } = await import(built.href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('ouro-bridge: tsx is not installed and dist/ is missing or older than src/; run `npm ci` or `npm run build`\n');
    process.exit(1);
  }
  register();
  ({ main } = await import(new URL('src/cli/main.ts', root).href));
}
process.exitCode = await main(process.argv.slice(2));
