/**
 * What an independent MSNP server (Escargot) sends that ours does not, found on a real network
 * (issue 15), against a scripted MSNP11 server over real TCP: list bits with the pending list
 * (PL) but without the reverse list (RL), and address-book `NOT` pings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MsnClient, type MsnClientOptions } from '../../electron/core/msn/client';
import { MemoryListCache, listCacheKey } from '../../electron/core/msn/list-cache';
import type { Command } from '../../shared/msnp';
import { Recorder } from './helpers/bundled';
import { FakeNexus } from './helpers/fake-nexus';
import { FakeServer, lineOf, waitUntil } from './helpers/fake-server';
import { scriptedNs11, type ScriptedNs11Options } from './helpers/scripted-ns11';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ME = 'me@example.com';
const STAMP = '2006-01-01T00:00:00.0-08:00';

async function signedIn(o: Omit<ScriptedNs11Options, 'handle'>, extra: Partial<MsnClientOptions> = {}): Promise<{ client: MsnClient; rec: Recorder; ns: FakeServer }> {
  const nexus = await FakeNexus.start({ accounts: { [ME]: 'pw' }, daLoginWithScheme: true });
  cleanups.push(() => nexus.stop());
  const ns = await FakeServer.start([scriptedNs11({ handle: ME, ...o })]);
  cleanups.push(() => ns.stop());
  const client = new MsnClient({ server: { host: ns.host, port: ns.port, dialects: { min: 11, max: 11 }, nexusUrl: nexus.nexusUrl }, reconnect: false, requestTimeoutMs: 3000, ...extra });
  cleanups.push(() => client.signOut());
  const rec = new Recorder(client);
  await client.signIn({ handle: ME, password: 'pw' });
  return { client, rec, ns };
}

describe('the pending list (PL) in MSNP10+ (MSNP.md §4.6)', () => {
  it('PL implies RL, and "waiting for my decision" is the same rule at sign-in as while signed in', async () => {
    const seen: Command[] = [];
    let push: ((line: string) => void) | undefined;
    const { client, rec } = await signedIn({
      seen,
      syn: `${STAMP} ${STAMP} 4 0`,
      items: [
        'GTC A',
        'BLP AL',
        'PRP MFN Me',
        // Allowed already, and still on PL without RL (what Escargot sends): they did add me.
        'LST N=dave@example.com F=Dave C=11111111-1111-1111-1111-111111111111 19',
        // On RL only, neither allowed nor blocked: waiting for my decision, as it would be live.
        'LST N=erin@example.com F=Erin 8',
        // RL and PL, undecided.
        'LST N=frank@example.com F=Frank 24',
        // Friends both ways.
        'LST N=gina@example.com F=Gina C=22222222-2222-2222-2222-222222222222 11',
      ],
      online: (c) => {
        push = (line) => c.send(line);
      },
    });
    const lists = (h: string) => client.contacts.get(h)?.lists;
    expect(lists('dave@example.com')).toEqual({ forward: true, allow: true, block: false, reverse: true, pending: false });
    expect(lists('erin@example.com')).toEqual({ forward: false, allow: false, block: false, reverse: true, pending: true });
    expect(lists('frank@example.com')).toEqual({ forward: false, allow: false, block: false, reverse: true, pending: true });
    expect(lists('gina@example.com')).toEqual({ forward: true, allow: true, block: false, reverse: true, pending: false });

    // While signed in: a PL push (no RL) for a stranger means they added me, and I have not decided.
    await waitUntil(() => push !== undefined);
    push?.('ADC 0 PL N=hal@example.com F=Hal');
    await rec.waitFor('contact.added', (e) => e.contact.handle === 'hal@example.com');
    expect(lists('hal@example.com')).toEqual({ forward: false, allow: false, block: false, reverse: true, pending: true });
    // A PL push for someone already allowed changes nothing: they added me, I decided.
    push?.('ADC 0 PL N=dave@example.com');
    push?.('ADC 0 RL N=gina@example.com F=Gina');
    await rec.waitFor('contact.added-me', (e) => e.handle === 'gina@example.com');
    expect(lists('dave@example.com')).toMatchObject({ reverse: true, pending: false });
    expect(rec.of('contact.added-me').find((e) => e.handle === 'gina@example.com')?.needsDecision).toBe(false);

    // Deciding takes them off the server's PL (`REM t PL`, §4.6) and ends "pending".
    await client.contacts.allow('erin@example.com');
    expect(lists('erin@example.com')).toEqual({ forward: false, allow: true, block: false, reverse: true, pending: false });
    await client.contacts.block('frank@example.com');
    expect(lists('frank@example.com')).toEqual({ forward: false, allow: false, block: true, reverse: true, pending: false });
    const sent = seen.map(lineOf).filter((l) => /^(ADC|REM) /.test(l));
    expect(sent.map((l) => l.replace(/^(\w+) \d+ /, '$1 '))).toEqual([
      'ADC AL N=erin@example.com',
      'REM PL erin@example.com',
      'ADC BL N=frank@example.com',
      'REM PL frank@example.com',
    ]);
  });
});

/** MSNP13-18.md §6.8, as Escargot sends it (also at MSNP10–12). */
const AB_PING =
  '<NOTIFICATION id="0" siteid="45705" siteurl="http://contacts.msn.com">' +
  '<TO pid="0x00000000:0x00000000" name="me@example.com"><VIA agent="messenger"/></TO>' +
  '<MSG id="0"><SUBSCR url="s.htm"/><ACTION url="a.htm"/>' +
  '<BODY>&lt;NotificationData xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi"&gt;&lt;Service&gt;ABCHInternal&lt;/Service&gt;' +
  '&lt;CID&gt;-1234567890&lt;/CID&gt;&lt;LastModifiedDate&gt;2024-01-01T00:00:00Z&lt;/LastModifiedDate&gt;&lt;HasNewItem&gt;false&lt;/HasNewItem&gt;&lt;/NotificationData&gt;</BODY>' +
  '</MSG></NOTIFICATION>';

describe('the address-book ping (NOT … ABCHInternal, MSNP13-18.md §6.8)', () => {
  it('is a re-sync hint, never an alert: no "cannot show" notice, and the cached list is no longer offered as current', async () => {
    const cache = new MemoryListCache();
    let done = false;
    const { client, rec, ns } = await signedIn(
      {
        syn: `${STAMP} ${STAMP} 1 0`,
        items: ['GTC A', 'BLP AL', 'PRP MFN Me', 'LST N=gina@example.com F=Gina C=22222222-2222-2222-2222-222222222222 11'],
        online: (c) => {
          // Six in one session, as seen on Escargot; then one real alert, which still surfaces.
          for (let i = 0; i < 6; i++) c.sendPayload('NOT', AB_PING);
          c.sendPayload('NOT', '<NOTIFICATION id="1"><MSG><BODY><TEXT>Alert</TEXT></BODY></MSG></NOTIFICATION>');
          c.send('NLN BSY gina@example.com Gina 0');
          done = true;
        },
      },
      { listCache: cache },
    );
    await waitUntil(() => done);
    await rec.waitFor('presence.changed', (e) => e.handle === 'gina@example.com' && e.status === 'busy');
    expect(rec.of('content.unsupported').map((e) => e.summary)).toEqual(['The server sent an alert that Monarch cannot show']);
    expect(client.state.status).toBe('online');
    // The list shown is unchanged; the cache no longer claims the server's version.
    expect(client.contacts.get('gina@example.com')?.lists.forward).toBe(true);
    const cached = cache.load(listCacheKey(ME, ns.host, ns.port));
    expect(cached?.contacts.map((c) => c.handle)).toEqual(['gina@example.com']);
    expect(cached?.version).toBe('0');
  });
});
