/**
 * `ouro-bridge doctor`: every configured part checked, each failure with its fix. The
 * groups run concurrently (each is independent); within a group a check that needs an
 * earlier one is skipped when that one failed. Results come back in a fixed order.
 */
import type { ConfigError, Config } from '../config.ts';
import { CHECK_TIMEOUT_MS, fail, pass, type CheckResult } from './check.ts';
import { checkDiscord } from './discord.ts';
import { checkOuro } from './ouro.ts';
import { redact } from './report.ts';
import { checkSlack } from './slack.ts';
import { checkStore } from './store.ts';
import { checkWebhook } from './webhook.ts';

export type { CheckResult } from './check.ts';
export { exitCode, formatJson, formatText } from './report.ts';

export interface DoctorOptions {
  /** Per check; default 5 s. */
  timeoutMs?: number;
}

/** Runs every check for `config`; never throws, never waits longer than the checks' limits. */
export async function runDoctor(config: Config, opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const ms = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const groups = await Promise.all([
    checkOuro(config, ms),
    checkSlack(config, ms),
    checkDiscord(config, ms),
    checkStore(config, ms),
    Promise.resolve(checkWebhook(config)),
  ]);
  const results = [pass('config', 'environment', 'every variable is valid'), ...groups.flat()];
  return redact(results, secretsOf(config));
}

/** A configuration that does not load is the one (failed) check there is. */
export function configFailure(err: ConfigError): CheckResult[] {
  return [fail('config', 'environment', err.message, `fix ${err.variable} (see .env.example or the README's Configuration section)`)];
}

/** Every value of the configuration that must not be printed. */
export function secretsOf(config: Config): string[] {
  const out = [config.ouro.apiKey, config.slack?.botToken, config.slack?.appToken, config.slack?.signingSecret, config.discord?.token, config.webhookSecret];
  if (config.store.engine === 'postgres') {
    try {
      out.push(decodeURIComponent(new URL(config.store.url).password));
    } catch {
      // An unparseable URL is reported by the store check; describeTarget never prints it.
    }
  }
  return out.filter((s): s is string => !!s);
}
