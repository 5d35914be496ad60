/**
 * The Ouro webhook secret. Ouro's webhooks are unsigned, so the secret in the URL path is
 * what keeps strangers from posting to the bridge; it is never printed.
 */
import type { Config } from '../config.ts';
import { fail, pass, type CheckResult } from './check.ts';

export function checkWebhook(config: Config): CheckResult[] {
  const name = 'OURO_WEBHOOK_SECRET';
  if (!config.webhookSecret) {
    return [
      fail(
        'webhook',
        name,
        'not set: messages written on Ouro reach chat only through the once-a-minute reconciliation',
        "set OURO_WEBHOOK_SECRET and register https://<host>/ouro/webhooks/<secret> in Ouro's settings (a secret: openssl rand -hex 16)",
      ),
    ];
  }
  return [pass('webhook', name, "set (not shown); Ouro's webhook URL must be https://<host>/ouro/webhooks/<the secret>")];
}
