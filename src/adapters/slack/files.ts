/**
 * Slack files for the core: `url_private_download` fetched with the bot token. Without the
 * files:read scope (or for a file not shared where the bot is) Slack answers 200 with its
 * sign-in page in HTML instead of the file; that is reported as a final refusal.
 */
import { rm } from 'node:fs/promises';
import type { ChatFile } from '../../bridge/types.ts';
import { DownloadError, downloadToFile } from '../download.ts';

export async function downloadSlackFile(file: ChatFile, dest: string, maxBytes: number, botToken: string): Promise<{ size: number; mime?: string }> {
  if (!file.download) throw new DownloadError(404, `Slack gave no download URL for ${file.name}`);
  const got = await downloadToFile(file.download, dest, maxBytes, { authorization: `Bearer ${botToken}` });
  if (got.mime === 'text/html' && file.mime !== 'text/html') {
    await rm(dest, { force: true });
    throw new DownloadError(403, 'Slack answered with its sign-in page instead of the file: the bot token lacks files:read');
  }
  return got;
}
