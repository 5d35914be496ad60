/**
 * Chat file → Ouro upload. For 1, 10 and 25 MB files: the Ouro client's upload (streamed
 * from disk, base64 encoded chunk by chunk into the JSON body) beside a bare
 * `undici.request` of the same bytes (file read whole, base64 string, JSON string: the
 * naive way), in MB/s of file bytes. Then the bridge's whole path for 4 files of 25 MB at
 * once (download to a temporary file like an adapter, upload like the core) with this
 * process's peak RSS, measured first, in a fresh process; the target is under 300 MB. Last, the largest file the sandbox's
 * default 50 MB JSON body takes. The sandbox runs in a child process, so its copies of the
 * bytes are not counted here.
 * Run alone: `npx tsx bench/file-upload.ts`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { downloadToFile } from '../src/adapters/download.ts';
import { createOuroClient, type OuroClient } from '../src/ouro/index.ts';

export interface Row {
  name: string;
  value: string;
  note?: string;
}

const MB = 1_000_000;
const SIZES = [1, 10, 25];
const REPS = 3;

/** The sandbox in a child process (same loader as this one); resolves with its URL and key. */
async function childSandbox(): Promise<{ url: string; apiKey: string; stop: () => void }> {
  if (process.argv[2] === '--sandbox-child') throw new Error('unreachable');
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--sandbox-child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`sandbox child exited ${code}`)));
  });
  const { url, apiKey } = JSON.parse(line) as { url: string; apiKey: string };
  return { url, apiKey, stop: () => child.kill('SIGTERM') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function bareUpload(url: string, token: string, path: string): Promise<void> {
  const body = JSON.stringify({
    file_name: 'bench.bin',
    visibility: 'private',
    content_type: 'application/octet-stream',
    file_base64: readFileSync(path).toString('base64'),
  });
  const res = await request(`${url}/files/upload`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bare upload: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
}

export async function benchFileUpload(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-file-upload-'));
  const sandbox = await childSandbox();
  const ouro: OuroClient = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, timeoutMs: 120_000 });
  const rows: Row[] = [];
  try {
    const token = await ouro.auth.token();
    // The whole path, 4 at once: a local server plays the chat platform's file host.
    const big = join(dir, 'f25.bin');
    writeFileSync(big, randomBytes(25 * MB));
    const host = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(statSync(big).size) });
      createReadStream(big).pipe(res);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/file`;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const t0 = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const tmp = join(dir, `in-flight-${i}`);
        const got = await downloadToFile(hostUrl, tmp, 25 * MB);
        const up = await ouro.files.upload({ source: { path: tmp, size: got.size }, name: `f${i}.bin`, mime: 'application/octet-stream' });
        await ouro.files.createAsset({ uploadId: up.id, name: `f${i}.bin` });
        rmSync(tmp);
      }),
    );
    const ms = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    host.close();
    rows.push({
      name: '4 × 25 MB in flight (download + upload + asset)',
      value: `${(peak / MB).toFixed(0)} MB peak RSS`,
      note: `${(before / MB).toFixed(0)} MB before; ${((4 * 25) / (ms / 1000)).toFixed(1)} MB/s together; target < 300 MB`,
    });

    for (const mb of SIZES) {
      const path = join(dir, `f${mb}.bin`);
      writeFileSync(path, randomBytes(mb * MB));
      const client: number[] = [];
      const bare: number[] = [];
      // Interleaved, so drift on a shared machine hits both alike.
      for (let i = 0; i < REPS; i++) {
        client.push(await timeIt(() => ouro.files.upload({ source: { path, size: mb * MB }, name: 'bench.bin', mime: 'application/octet-stream' })));
        bare.push(await timeIt(() => bareUpload(sandbox.url, token, path)));
      }
      const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1)} MB/s`;
      rows.push({ name: `upload ${mb} MB: client (streamed)`, value: rate(median(client)), note: `bare undici.request: ${rate(median(bare))}` });
    }

    // What the sandbox's default body limit (50 MB of JSON) lets through.
    for (const mb of [37.4, 37.6]) {
      const path = join(dir, `limit-${mb}.bin`);
      writeFileSync(path, randomBytes(Math.round(mb * MB)));
      const status = await ouro.files.upload({ source: { path, size: Math.round(mb * MB) }, name: 'limit.bin', mime: 'application/octet-stream' }).then(
        () => 'accepted',
        (err: { status?: number }) => `refused (HTTP ${err.status})`,
      );
      rows.push({ name: `sandbox upload limit: ${mb} MB file`, value: status, note: 'base64 in JSON: body ≈ 4/3 × file size' });
      rmSync(path);
    }
  } finally {
    await ouro.close();
    sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--sandbox-child') {
  const { startSandbox } = await import('../src/sandbox/index.ts');
  const s = await startSandbox();
  process.stdout.write(`${JSON.stringify({ url: s.url, apiKey: s.apiKey })}\n`);
  process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchFileUpload()) process.stdout.write(`${r.name.padEnd(50)} ${r.value.padStart(18)}  ${r.note ?? ''}\n`);
}
