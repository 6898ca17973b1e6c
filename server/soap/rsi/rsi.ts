/**
 * The OIM retrieval service, `POST /rsi/rsi.asmx` (MSNP13-18.md §9.1, §9.3, §12.1):
 * `GetMetadata` (the caller's `<MD>` listing), `GetMessage` (one message as a mail; marked read
 * only with `alsoMarkAsRead`, never deleted) and `DeleteMessages` (the caller's own, all or none).
 * Every call is authenticated by the `PassportCookie` (`t`/`p` of the `messenger.msn.com` token);
 * the handle comes from the ticket alone, so no request can name another user's messages: an id
 * that is not the caller's is "no such message", whoever it belongs to.
 */
import {
  buildDeleteMessagesResponse,
  buildGetMessageResponse,
  buildGetMetadataResponse,
  isCodecError,
  parseRsiRequest,
  RSI_PATH,
} from '../../../shared/msnp/index';
import type { OfflineMessages } from '../../core/offline-messages';
import type { Logger } from '../../logger';
import { authenticateSoap, isIdentity, type SoapAuthDeps } from '../auth';
import { clientFault, okReply, type SoapReply, type SoapRequest, type SoapRouter } from '../router';
import { MESSENGER } from '../tokens';
import { oimEntry, oimMail } from '../oim/mail';

export interface RsiDeps extends SoapAuthDeps {
  readonly offline: OfflineMessages;
  readonly logger: Logger;
  /** What `X-OIM-originatingSource` names: the server's public host, never the sender's address (oim/mail.ts). */
  readonly originatingSource: string;
}

export function registerRsiService(router: SoapRouter, deps: RsiDeps): void {
  for (const action of ['GetMetadata', 'GetMessage', 'DeleteMessages'] as const) {
    router.add({ path: RSI_PATH, action, handler: (req) => rsi(req, deps) });
  }
}

async function rsi(req: SoapRequest, deps: RsiDeps): Promise<SoapReply> {
  const r = parseRsiRequest(req.xml);
  if (isCodecError(r)) return clientFault(r.message);
  // The body decides what is done, the SOAPAction only routes: they must agree.
  if (r.action !== req.action) return clientFault(`SOAPAction ${req.action} does not match the body's ${r.action}`);
  const who = await authenticateSoap(req, deps, { domains: [MESSENGER] });
  if (!isIdentity(who)) return who;
  const me = who.handle;
  switch (r.action) {
    case 'GetMetadata':
      return okReply(buildGetMetadataResponse((await deps.offline.list(me)).map((m) => oimEntry(m, me, deps.originatingSource))));
    case 'GetMessage': {
      const record = await deps.offline.get(me, r.messageId, r.alsoMarkAsRead);
      if (record === undefined) return clientFault('No such message');
      return okReply(buildGetMessageResponse(oimMail(record, me, deps.originatingSource)));
    }
    case 'DeleteMessages': {
      const deleted = await deps.offline.delete(me, r.messageIds);
      if (deleted === undefined) return clientFault('No such message; nothing was deleted');
      deps.logger.log('info', 'oim-deleted', { count: deleted });
      return okReply(buildDeleteMessagesResponse());
    }
  }
}
