/**
 * The OIM store service, `POST /OimWS/oim.asmx` (MSNP13-18.md §9.2, §9.3, §12.1): `Store2`
 * (MSNP15+) and `Store` (MSNP13–14), answered alike. In order, each failure its own fault:
 * 1. the request must read as a `Store` request (`soap:Client` otherwise);
 * 2. the `Ticket`'s `passport` must be a valid, unexpired `messengersecure.live.com` token of an
 *    existing account whose handle is the `From` `memberName` (`AuthenticationFailed` with
 *    `RequiredAuthPolicy`: the client renews its token and resends, §9.2);
 * 3. the `lockkey` must answer the sender's `LockKeyChallenge` (`lock-keys.ts`); otherwise
 *    `AuthenticationFailed` carrying the challenge;
 * 4. the content must be a valid OIM whose `X-OIM-Sequence-Num` is the `MessageNumber`
 *    (`InvalidContent`);
 * 5. the core decides (`OfflineMessages.leave`): unknown or refusing recipient, recipient online,
 *    full box → `SystemUnavailable`; sender too fast → `SenderThrottleLimitExceeded`.
 * A resend of a message already stored (same sender, run and sequence: the answer was lost) is
 * acknowledged again without storing it twice.
 */
import {
  buildStore2Fault,
  buildStore2Response,
  isCodecError,
  normalizeHandle,
  OIM_STORE_PATH,
  parseOimContent,
  parseStore2Request,
} from '../../../shared/msnp/index';
import type { OfflineMessages } from '../../core/offline-messages';
import type { Logger } from '../../logger';
import { authenticateSoap, isIdentity, type SoapAuthDeps } from '../auth';
import { clientFault, okReply, type SoapReply, type SoapRequest, type SoapRouter } from '../router';
import { MESSENGER, MESSENGER_SECURE } from '../tokens';
import type { LockKeys } from './lock-keys';

export interface OimStoreDeps extends SoapAuthDeps {
  readonly offline: OfflineMessages;
  readonly lockKeys: LockKeys;
  readonly logger: Logger;
}

export function registerOimStoreService(router: SoapRouter, deps: OimStoreDeps): void {
  // `Store2` is 15+ and rides the `messengersecure.live.com` token; `Store` (13–14) is older than
  // that token's use for OIMs, so it may come with the `messenger.msn.com` one (inferred, §9.2).
  router.add({ path: OIM_STORE_PATH, action: 'Store2', handler: (req) => store(req, deps, [MESSENGER_SECURE], 15) });
  router.add({ path: OIM_STORE_PATH, action: 'Store', handler: (req) => store(req, deps, [MESSENGER_SECURE, MESSENGER], 13) });
}

const fault = (code: Parameters<typeof buildStore2Fault>[0], message: string, lockKeyChallenge?: string): SoapReply => ({
  status: 500,
  body: buildStore2Fault(code, message, lockKeyChallenge),
});

/** An expired, forged or missing ticket: `AuthenticationFailed` with `RequiredAuthPolicy`, which clients read as "renew the token" (§9.2). */
const ticketFault = (): SoapReply => ({ status: 500, body: buildStore2Fault('AuthenticationFailed', 'Ticket not accepted', undefined, { requiredAuthPolicy: 'MBI_SSL' }) });

async function store(req: SoapRequest, deps: OimStoreDeps, domains: readonly string[], dialect: number): Promise<SoapReply> {
  const r = parseStore2Request(req.xml);
  if (isCodecError(r)) return clientFault(r.message);
  const who = await authenticateSoap(req, deps, { domains, fault: ticketFault });
  if (!isIdentity(who)) return who;
  const sender = who.handle;
  if (normalizeHandle(r.from) !== sender) return ticketFault();

  if (!deps.lockKeys.verify(sender, r.appId, r.lockKey, dialect)) {
    // The first message of a session comes with an empty lock key (§9.2); a wrong one gets the same answer.
    return fault('AuthenticationFailed', 'Lock key required', deps.lockKeys.challengeFor(sender));
  }

  const content = parseOimContent(r.content);
  if (isCodecError(content)) return fault('InvalidContent', content.message);
  if (content.sequence !== r.sequence) return fault('InvalidContent', 'X-OIM-Sequence-Num differs from MessageNumber');

  const recipient = normalizeHandle(r.to);
  const outcome = await deps.offline.leave({
    sender,
    recipient,
    runId: content.runId,
    runSequence: content.sequence,
    content: r.content,
    origin: req.remoteAddress.replace(/^::ffff:/, ''),
  });
  switch (outcome.kind) {
    case 'stored':
    case 'duplicate':
      deps.logger.log('info', 'oim-stored', { sender, bytes: r.content.length, duplicate: outcome.kind === 'duplicate' });
      return okReply(buildStore2Response(r.sequence));
    case 'unavailable':
      return fault('SystemUnavailable', 'The recipient cannot receive offline messages from you');
    case 'recipient-online':
      return fault('SystemUnavailable', 'The recipient is online');
    case 'box-full':
      return fault('SystemUnavailable', "The recipient's offline messages are full");
    case 'too-fast':
      return fault('SenderThrottleLimitExceeded', 'Too many offline messages; try again later');
  }
}
