/**
 * The session token (docs/ouro-api.md §1.2): the PAT is exchanged at `POST
 * /users/get-token` for a JWT sent raw as `Authorization`. Re-exchanged when within 300 s
 * of the JWT's `exp`, or after a 401. Single-flight: concurrent callers share one exchange.
 */
import { needsRefresh, jwtExpiryMs } from './jwt.ts';

export interface Session {
  token: string;
  /** `api_key_name` from the exchange, echoed as `X-Ouro-Key-Name`. */
  keyName?: string;
  expiresAt?: number;
}

export class TokenManager {
  private session: Session | undefined;
  private pending: Promise<Session> | undefined;
  /** How many exchanges ran; useful to tests and metrics. */
  exchanges = 0;

  constructor(
    private readonly exchange: () => Promise<{ token: string; keyName?: string }>,
    private readonly now: () => number,
  ) {}

  /** A valid session, exchanging the PAT first when there is none or it is about to expire. */
  async get(signal?: AbortSignal): Promise<Session> {
    const s = this.session;
    if (s && !needsRefresh(s.expiresAt, this.now())) return s;
    this.pending ??= this.run();
    return signal ? raceAbort(this.pending, signal) : this.pending;
  }

  /** After a 401 with `token`: forget it, unless a newer token already replaced it. */
  invalidate(token: string): void {
    if (this.session?.token === token) this.session = undefined;
  }

  private async run(): Promise<Session> {
    try {
      this.exchanges++;
      const { token, keyName } = await this.exchange();
      const session: Session = { token, keyName, expiresAt: jwtExpiryMs(token) };
      this.session = session;
      return session;
    } finally {
      this.pending = undefined;
    }
  }
}

/** The shared exchange keeps running when one waiting caller gives up. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
