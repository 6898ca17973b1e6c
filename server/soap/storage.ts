/**
 * The storage service path (`/storageservice/SchematizedStore.asmx`, MSNP13-18.md §12.1: the
 * roaming profile and display picture of WLM 8.x; "optional, WLM shows errors without it").
 * Not offered: every action, once its storage ticket is checked, gets a fault, so a client
 * learns at once that there is no roaming profile and keeps the local one.
 */
import { el } from '../../shared/msnp/soap/xml';
import { authenticateSoap, isIdentity } from './auth';
import { faultReply, type SoapRouter } from './router';
import type { SoapServices } from './services';

export const STORAGE_PATH = '/storageservice/SchematizedStore.asmx';
const STORAGE_NS = 'http://www.msn.com/webservices/storage/w10';

export function registerStorage(router: SoapRouter, s: SoapServices): void {
  router.add({
    path: STORAGE_PATH,
    action: '*',
    handler: (req) => {
      const who = authenticateSoap(req, { tokens: s.tokens, accountExists: (h) => s.lists.exists(h) }, { domains: ['storage.msn.com', 'storage.live.com'] });
      if (!isIdentity(who)) return who;
      return faultReply({ code: 'soap:Server', message: 'The storage service is not offered by this server', detail: el('errorcode', { xmlns: STORAGE_NS }, 'ItemDoesNotExist') });
    },
  });
}
