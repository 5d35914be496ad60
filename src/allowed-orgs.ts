/**
 * OURO_ALLOWED_ORGS at start: unset means every org the bridge's account belongs to may be
 * linked, which is worth a warning when that is more than one (README "Security model");
 * a listed org the account does not belong to is named too. Never fails the start: the
 * lookup is advice, and Ouro being slow must not keep chat down.
 */
import type { Logger } from './log.ts';
import type { OuroClient } from './ouro/index.ts';
import { orgAllowed } from './commands/scope.ts';

export async function warnAboutAllowedOrgs(ouro: Pick<OuroClient, 'organizations'>, allowed: readonly string[], logger: Logger): Promise<void> {
  let orgs: { id: string; name: string; display_name?: string | null }[];
  try {
    orgs = await ouro.organizations.list();
  } catch (err) {
    logger.warn({ err }, 'could not list the Ouro orgs of the bridge account to check OURO_ALLOWED_ORGS');
    return;
  }
  const names = orgs.map((o) => `${o.display_name || o.name} (${o.id})`);
  if (!allowed.length) {
    if (orgs.length > 1)
      logger.warn({ orgs: names }, 'OURO_ALLOWED_ORGS is not set: channels may be linked to any of these orgs; list the ones this bridge serves');
    return;
  }
  const unknown = allowed.filter((a) => !orgs.some((o) => orgAllowed(o, [a])));
  if (unknown.length) logger.warn({ unknown, orgs: names }, 'OURO_ALLOWED_ORGS names orgs the bridge account does not belong to');
}
