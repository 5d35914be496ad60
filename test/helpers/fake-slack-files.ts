/**
 * The file host of the Slack fake: files people shared, served at `url_private_download`
 * to the bot token only. Any other token gets Slack's sign-in page (HTML, status 200), which
 * is what a token without files:read sees.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class FakeSlackFiles {
  readonly hosted = new Map<string, { bytes: Buffer; mime: string; name: string }>();
  /** The token downloads answer. */
  botToken = 'xoxb-stack';
  /** Downloads asked for, with the token each carried. */
  readonly downloads: { id: string; token: string }[] = [];
  /** The next this many downloads answer 503. */
  failDownloads = 0;

  constructor(private readonly baseUrl: () => string) {}

  /** A person's file: the `files` entry of a message event that shares it. */
  host(name: string, bytes: Buffer, mime: string): Record<string, unknown> {
    const id = `F${String(this.hosted.size + 1).padStart(6, '0')}`;
    this.hosted.set(id, { bytes, mime, name });
    const base = `${this.baseUrl()}/files-pri/${id}`;
    return {
      id,
      name,
      title: name,
      mimetype: mime,
      size: bytes.length,
      permalink: `https://lab.slack.com/files/U0ADA/${id}/${encodeURIComponent(name)}`,
      url_private: `${base}/${encodeURIComponent(name)}`,
      url_private_download: `${base}/download/${encodeURIComponent(name)}`,
    };
  }

  /** Answers `GET /files-pri/…`; false for any other request. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!path.startsWith('/files-pri/') || req.method !== 'GET') return false;
    const id = path.split('/')[2]!;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    this.downloads.push({ id, token });
    const f = this.hosted.get(id);
    if (this.failDownloads > 0) {
      this.failDownloads--;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
    } else if (token !== this.botToken) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
    } else if (!f) res.writeHead(404, { 'content-type': 'text/plain' }).end('file_not_found');
    else res.writeHead(200, { 'content-type': f.mime, 'content-length': String(f.bytes.length) }).end(f.bytes);
    return true;
  }
}
