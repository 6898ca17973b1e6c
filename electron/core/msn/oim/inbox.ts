/**
 * Receiving offline messages at MSNP13+ (MSNP13-18.md §9.1): the NS announces them in `Mail-Data`
 * (the initial mail-data notice after the first `CHG`, and a live OIM notice while online); each
 * unseen one is fetched with RSI `GetMessage` and handed on with the time it was sent. Deleting
 * is the app's decision: `acknowledge(ids)` sends `DeleteMessages` only for messages it has
 * stored, so a crash before storing means the server offers them again (at-least-once, §9.3), and
 * ids already handed on in this session are not handed on twice.
 *
 * RSI authenticates with the `messenger.msn.com` token split into `<t>`/`<p>` (`PassportCookie`).
 */
import {
  buildDeleteMessages,
  buildGetMessage,
  buildGetMetadata,
  isCodecError,
  parseDeleteMessagesResponse,
  parseGetMessageResponse,
  parseGetMetadataResponse,
  parseMailData,
  parseOimMessage,
  rsiSoapAction,
  splitCompactToken,
  type MailData,
  type OimEntry,
  type PassportCookie,
  type RsiAction,
  type SoapFault,
} from '../../../../shared/msnp';
import type { Clock } from '../clock';
import type { TlsOptions } from '../passport-http';
import { postSoap } from '../soap-http';
import { DOMAIN, type TokenService } from '../sso/token-service';
import type { TrafficTap } from '../traffic';

/** One fetched offline message. */
export interface OfflineMessage {
  /** The RSI message id: what `acknowledge` takes. */
  readonly id: string;
  readonly from: string;
  readonly fromName: string;
  readonly text: string;
  /** Epoch ms from the message's `Date`, or when it was fetched if that is missing. */
  readonly sentAt: number;
}

export interface OfflineInboxOptions {
  readonly rsiUrl: string;
  readonly tokens: TokenService;
  readonly clock: Clock;
  /** A fetched message, in sending order within one notice. */
  readonly deliver: (m: OfflineMessage) => void;
  /** Something went wrong fetching; the message stays on the server for the next sign-in. */
  readonly problem?: (message: string) => void;
  readonly tls?: TlsOptions;
  readonly tap?: TrafficTap;
  readonly timeoutMs?: number;
}

/** Ours: how many ids the session remembers as handed on (a bound, not a protocol number). */
const MAX_SEEN = 10_000;

export class OfflineInbox {
  private readonly seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: OfflineInboxOptions) {}

  /** The `Mail-Data` field of an initial mail-data or OIM notice (`too-large` → `GetMetadata`). Never throws. */
  onMailData(value: string): Promise<void> {
    // One notice at a time, so ids seen in one are not fetched again by the next.
    this.queue = this.queue.then(() => this.handle(value)).catch((err: unknown) => this.o.problem?.(err instanceof Error ? err.message : String(err)));
    return this.queue;
  }

  /** The app stored these: delete them on the server (`DeleteMessages`, §9.1). */
  async acknowledge(ids: readonly string[]): Promise<void> {
    const known = ids.filter((id) => this.seen.has(id));
    if (known.length === 0) return;
    const answer = await this.call('DeleteMessages', (cookie) => buildDeleteMessages(cookie, known));
    const deleted = parseDeleteMessagesResponse(answer);
    if (isCodecError(deleted)) throw new Error(`DeleteMessages: unreadable answer (${deleted.message})`);
    if (deleted.type === 'fault') throw new Error(`DeleteMessages: ${faultName(deleted)}`);
  }

  private async handle(value: string): Promise<void> {
    let md = parseMailData(value);
    if (isCodecError(md)) {
      this.o.problem?.(`unreadable Mail-Data: ${md.message}`);
      return;
    }
    if (md.type === 'tooLarge') {
      const answer = parseGetMetadataResponse(await this.call('GetMetadata', (cookie) => buildGetMetadata(cookie)));
      if (isCodecError(answer)) throw new Error(`GetMetadata: unreadable answer (${answer.message})`);
      if (answer.type === 'fault') throw new Error(`GetMetadata: ${faultName(answer)}`);
      md = answer;
    }
    await this.fetchAll(md);
  }

  private async fetchAll(md: MailData): Promise<void> {
    const fetched: (OfflineMessage & { sequence: number })[] = [];
    for (const entry of md.messages) {
      if (this.seen.has(entry.id)) continue;
      const m = await this.fetchOne(entry);
      if (m !== undefined) fetched.push(m);
    }
    // §9.1: by Date across runs, by sequence number within a run.
    fetched.sort((a, b) => a.sentAt - b.sentAt || a.sequence - b.sequence);
    for (const m of fetched) {
      this.remember(m.id);
      this.o.deliver({ id: m.id, from: m.from, fromName: m.fromName, text: m.text, sentAt: m.sentAt });
    }
  }

  private async fetchOne(entry: OimEntry): Promise<(OfflineMessage & { sequence: number }) | undefined> {
    const answer = parseGetMessageResponse(await this.call('GetMessage', (cookie) => buildGetMessage(cookie, entry.id)));
    if (typeof answer !== 'string') {
      this.o.problem?.(`GetMessage ${entry.id}: ${isCodecError(answer) ? answer.message : faultName(answer)}`);
      return undefined;
    }
    const mail = parseOimMessage(answer);
    if (isCodecError(mail)) {
      this.o.problem?.(`offline message ${entry.id} from ${entry.from} is unreadable: ${mail.message}`);
      return undefined;
    }
    return {
      id: entry.id,
      from: mail.from.toLowerCase(),
      fromName: mail.fromName !== '' ? mail.fromName : entry.fromName !== '' ? entry.fromName : mail.from,
      text: mail.text,
      sentAt: mail.sentAt ?? this.o.clock.now(),
      sequence: mail.sequence,
    };
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > MAX_SEEN) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** One RSI call with the current `messenger.msn.com` ticket; an expired ticket is renewed once (§4.4). */
  private async call(action: RsiAction, build: (cookie: PassportCookie) => string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.o.tokens.valid(DOMAIN.messenger);
      const cookie = splitCompactToken(token);
      if (cookie === undefined) throw new Error(`${action}: the ${DOMAIN.messenger} token is not t=…&p=…`);
      const res = await postSoap(this.o.rsiUrl, rsiSoapAction(action), build(cookie), {
        connection: 'rsi',
        now: () => this.o.clock.now(),
        ...(this.o.tls !== undefined ? { tls: this.o.tls } : {}),
        ...(this.o.tap !== undefined ? { tap: this.o.tap } : {}),
        ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
      });
      const expired = res.status === 401 || res.status === 403 || /BadContextToken|TicketExpired|AuthenticationFailed/.test(res.status >= 400 ? res.body : '');
      if (expired && attempt === 0) {
        await this.o.tokens.renewNow();
        continue;
      }
      return res.body;
    }
  }
}

function faultName(f: SoapFault): string {
  return `${f.errorCode ?? f.codeName}${f.message !== '' ? ` (${f.message})` : ''}`;
}
