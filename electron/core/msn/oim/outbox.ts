/**
 * Sending offline messages at MSNP13+ (MSNP13-18.md §9.2): `Store2` to the OIM service with the
 * `messengersecure.live.com` ticket. One run id per session and sequence numbers from 1, the next
 * one only after a message was stored. The first message of a session goes with an empty lock key;
 * the service answers with a `LockKeyChallenge`, whose `QRY` answer (MSNP.md §3.5.3, the product
 * pair also used for `CHL`) is the lock key for this and later messages; the same message (same
 * sequence number) is sent again. An expired ticket (`TweenerChallenge`) is renewed and the message
 * sent again, once per kind of retry.
 */
import { randomUUID } from 'node:crypto';
import {
  OIM_MAX_TEXT_BYTES,
  STORE2_ACTION,
  buildOimContent,
  buildStore2Request,
  isCodecError,
  oimLockKey,
  parseStore2Response,
  utf8Length,
  MSNP15_PRODUCT,
} from '../../../../shared/msnp';
import type { Clock } from '../clock';
import { OperationFailure } from '../errors';
import type { TlsOptions } from '../passport-http';
import { SoapTransportError, postSoap } from '../soap-http';
import { DOMAIN, type TokenService } from '../sso/token-service';
import type { TrafficTap } from '../traffic';

export interface OfflineOutboxOptions {
  readonly oimUrl: string;
  readonly tokens: TokenService;
  readonly clock: Clock;
  readonly me: () => { readonly handle: string; readonly friendlyName: string };
  readonly dialect: number;
  readonly tls?: TlsOptions;
  readonly tap?: TrafficTap;
  readonly timeoutMs?: number;
}

/** §9.2 faults worth their own model code. */
const FAULT_CODES: Readonly<Record<string, 'not-allowed' | 'rate-limited' | 'server-error'>> = {
  SystemUnavailable: 'not-allowed',
  SenderThrottleLimitExceeded: 'rate-limited',
};

export class OfflineOutbox {
  private readonly runId = `{${randomUUID().toUpperCase()}}`;
  private nextSequence = 1;
  private lockKey = '';
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: OfflineOutboxOptions) {}

  /**
   * Store `text` for `to` (offline). Resolves once the service stored it; rejects with an
   * OperationFailure (`not-allowed`: unknown recipient, not allowed by their privacy; `rate-limited`;
   * `server-error`; `timeout`). Messages go one at a time, in order.
   */
  send(to: string, text: string): Promise<void> {
    if (utf8Length(text) > OIM_MAX_TEXT_BYTES) return Promise.reject(new OperationFailure('not-allowed', `an offline message holds at most ${OIM_MAX_TEXT_BYTES} bytes`));
    const run = this.sending.then(() => this.store(to, text));
    this.sending = run.catch(() => undefined);
    return run;
  }

  private async store(to: string, text: string): Promise<void> {
    const sequence = this.nextSequence;
    const content = buildOimContent({ runId: this.runId, sequence, text });
    let challenged = false;
    let renewed = false;
    for (;;) {
      const ticket = await this.o.tokens.valid(DOMAIN.messengerSecure).catch((err: unknown) => {
        throw new OperationFailure('server-error', `no ticket for offline messages (${err instanceof Error ? err.message : String(err)})`);
      });
      const me = this.o.me();
      const body = buildStore2Request({
        from: me.handle,
        friendlyName: me.friendlyName,
        to,
        ticket,
        appId: MSNP15_PRODUCT.productId,
        lockKey: this.lockKey,
        sequence,
        content,
        msnpVer: `MSNP${this.o.dialect}`,
      });
      let answer: string;
      try {
        answer = (
          await postSoap(this.o.oimUrl, STORE2_ACTION, body, {
            connection: 'oim',
            now: () => this.o.clock.now(),
            ...(this.o.tls !== undefined ? { tls: this.o.tls } : {}),
            ...(this.o.tap !== undefined ? { tap: this.o.tap } : {}),
            ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
          })
        ).body;
      } catch (err) {
        if (err instanceof SoapTransportError && err.kind === 'timeout') throw new OperationFailure('timeout', `saving the offline message: ${err.message}`);
        throw new OperationFailure('server-error', `saving the offline message: ${err instanceof Error ? err.message : String(err)}`);
      }
      const result = parseStore2Response(answer);
      if (isCodecError(result)) throw new OperationFailure('server-error', `saving the offline message: unreadable answer (${result.message})`);
      if (result.type === 'stored') {
        this.nextSequence = sequence + 1;
        return;
      }
      if (result.type === 'lockKeyChallenge' && !challenged) {
        challenged = true;
        this.lockKey = oimLockKey(result.challenge);
        continue;
      }
      if (result.type === 'ticketExpired' && !renewed) {
        renewed = true;
        await this.o.tokens.renewNow().catch(() => undefined);
        continue;
      }
      if (result.type === 'fault') {
        const code = FAULT_CODES[result.codeName] ?? 'server-error';
        throw new OperationFailure(code, `saving the offline message: ${result.codeName}${result.message !== '' ? ` (${result.message})` : ''}`);
      }
      throw new OperationFailure('server-error', `saving the offline message: the service kept refusing (${result.type})`);
    }
  }
}
