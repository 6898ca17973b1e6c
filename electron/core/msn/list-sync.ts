/**
 * `SYN`: download the contact list unless the cached copy is current (MSNP.md §4.3), in all six
 * generations of item lines:
 *   1–3 (MSNP2–7):  GTC/BLP/PRP with TrID and version; `LST t LIST ver idx total handle name {groups}`;
 *                   `LSG t ver idx total id name 0` (7)
 *   4   (MSNP8–9):  `SYN t ver n m`; `LST handle name bits {groups}`; `LSG id name 0`
 *   5–6 (MSNP10–12): `SYN t lv sv n m`; `LST N= F= {C=} bits {network} {groups}`; `LSG name guid`
 * Item lines are collected by handlers installed before `SYN` is sent (they may share a TCP
 * chunk with the reply). The end is the announced counts or, when the server gives none, a
 * `PNG` barrier: its `QNG` comes after every earlier line. An answer with the cached copy's
 * version ends at once: the list is unchanged.
 */
import {
  LIST_BITS,
  buildSynRequest,
  decodeBlpReply,
  decodeGtcReply,
  decodeLsgIndexed,
  decodeLsgItem,
  decodeLstIndexed,
  decodeLstItem,
  decodePrpReply,
  decodeSynReply,
  isCodecError,
  normalizeHandle,
  type Command,
  type Dialect,
} from '../../../shared/msnp';
import type { Privacy } from '../../../shared/model';
import type { Connection } from './connection';
import { withPendingRule, type ContactList } from './contact-list';
import { SignInFailure, decodedOr } from './errors';
import type { CachedContactList } from './list-cache';

interface StagedContact {
  handle: string;
  name: string;
  guid?: string;
  bits: number;
  groups: string[];
}

interface Staging {
  gtc?: 'A' | 'N';
  blp?: 'AL' | 'BL';
  selfName?: string;
  groups: Map<string, string>;
  contacts: Map<string, StagedContact>;
  lstLines: number;
  lsgLines: number;
  rlDone: boolean;
}

export interface SyncResult {
  /** The server's answer was short (list unchanged): the cached copy was used. */
  readonly fromCache: boolean;
  readonly contacts: number;
}

const SYNC_VERBS = ['GTC', 'BLP', 'PRP', 'LSG', 'LST', 'BPR'] as const;

export async function syncContactList(options: {
  readonly conn: Connection;
  readonly dialect: Dialect;
  readonly list: ContactList;
  readonly cached: CachedContactList | undefined;
  /** PNG → QNG round trip. */
  readonly barrier: () => Promise<void>;
  readonly timeoutMs?: number;
}): Promise<SyncResult> {
  const { conn, dialect, list } = options;
  const cached = options.cached !== undefined && options.cached.dialect === dialect ? options.cached : undefined;
  // The cached version is `list-ver` (2–9) or `list-ver settings-ver` (10–12); `0` (and `0 0`) = no cache.
  const [listVersion = '0', settingsVersion = '0'] = cached !== undefined ? cached.version.split(' ') : [];
  const staging: Staging = { groups: new Map(), contacts: new Map(), lstLines: 0, lsgLines: 0, rlDone: false };
  let expected: { lst: number; lsg: number } | undefined;
  let onProgress: (() => void) | undefined;

  const collect = (cmd: Command): void => {
    collectItem(cmd, dialect, staging);
    onProgress?.();
  };
  for (const v of SYNC_VERBS) conn.handle(v, collect);
  try {
    // SYN t ver (2–9) / SYN t lv sv (10–12), MSNP.md §4.3
    const reply = await conn.call((trId) => buildSynRequest({ trId, listVersion, settingsVersion }, dialect), {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const syn = decodedOr(decodeSynReply(reply, dialect), (message) => new SignInFailure('protocol-error', `malformed SYN reply: ${message}`));
    const version = syn.settingsVersion !== undefined ? `${syn.listVersion} ${syn.settingsVersion}` : syn.listVersion;
    if (syn.contacts !== undefined && syn.groups !== undefined) expected = { lst: syn.contacts, lsg: syn.groups };
    // The server answered with the version of our copy: "unchanged", and nothing follows in any
    // dialect (MSNP.md §4.3). No barrier round trip, and the copy is used even if a server sent
    // items anyway (the version says they are what we hold).
    if (cached !== undefined && cached.version === version) {
      list.loadCache(cached);
      return { fromCache: true, contacts: list.contacts.size };
    }
    await new Promise<void>((resolve, reject) => {
      const done = (): boolean => {
        if (expected !== undefined) return staging.lstLines >= expected.lst && staging.lsgLines >= expected.lsg;
        // MSNP2–7: the last RL line (`idx == total`, or `0 0` for an empty list) ends the data.
        return dialect <= 7 && staging.rlDone;
      };
      if (done()) {
        resolve();
        return;
      }
      onProgress = () => {
        if (done()) resolve();
      };
      // No counts (MSNP2–7, or a server that leaves them out): the barrier ends it. With counts,
      // the barrier still ends a list that is shorter than announced instead of hanging.
      options.barrier().then(resolve, reject);
    });
    onProgress = undefined;
    apply(list, staging, dialect);
    list.version = version;
    return { fromCache: false, contacts: list.contacts.size };
  } finally {
    for (const v of SYNC_VERBS) conn.unhandle(v);
  }
}

/** One item line, decoded by the codec; a malformed one is skipped (but still counted). */
function collectItem(cmd: Command, dialect: Dialect, s: Staging): void {
  switch (cmd.verb) {
    case 'GTC': {
      // GTC t ver A (2–7, sharing the SYN TrID) / GTC A (SYN 8+)
      const g = decodeGtcReply(cmd, dialect);
      if (!isCodecError(g)) s.gtc = g.value;
      return;
    }
    case 'BLP': {
      const b = decodeBlpReply(cmd, dialect);
      if (!isCodecError(b)) s.blp = b.value;
      return;
    }
    case 'PRP': {
      // PRP t ver KEY value (5–7) / PRP KEY value (8+); MFN = my name (10+, MSNP.md §4.8)
      const prp = decodePrpReply(cmd, dialect);
      if (!isCodecError(prp) && prp.key === 'MFN' && prp.value !== undefined) s.selfName = prp.value;
      return;
    }
    case 'BPR':
      // Contact phone numbers and the like: not part of the model.
      return;
    case 'LSG': {
      s.lsgLines += 1;
      // 7: LSG t ver idx total id name 0 · 8–9: LSG id name 0 · 10–12: LSG name guid
      const g = cmd.trId !== undefined && dialect <= 8 ? decodeLsgIndexed(cmd, dialect) : decodeLsgItem(cmd, dialect);
      if (!isCodecError(g)) s.groups.set(g.groupId, g.name);
      return;
    }
    case 'LST': {
      s.lstLines += 1;
      if (dialect <= 7) {
        // LST t LIST ver idx total {handle name {groups}}
        const l = decodeLstIndexed(cmd, dialect);
        if (isCodecError(l)) return;
        if (l.list === 'RL' && (l.total === 0 || l.index === l.total)) s.rlDone = true;
        if (l.handle === undefined) return;
        const c = stage(s, l.handle, l.friendlyName);
        c.bits |= LIST_BITS[l.list];
        if (l.list === 'FL' && l.groups !== undefined) c.groups = [...l.groups];
        return;
      }
      // 8–9: LST handle name bits {groups} · 10–11: LST N= F= {C=} bits {groups} · 12: … bits network {groups}
      let l = decodeLstItem(cmd, dialect);
      // Workaround: the codec's decodeLstItem refuses an MSNP12 LST without the network id; a
      // server that leaves it out still gets its contacts through, read with the MSNP11 shape.
      if (isCodecError(l) && dialect >= 12) l = decodeLstItem(cmd, 11);
      if (isCodecError(l)) return;
      const c = stage(s, l.handle, l.friendlyName);
      if (l.contactId !== undefined) c.guid = l.contactId;
      c.bits |= l.lists;
      if (l.groups !== undefined) c.groups = [...l.groups];
      return;
    }
  }
}

/** `name` is already decoded by the codec. */
function stage(s: Staging, rawHandle: string, name: string | undefined): StagedContact {
  const handle = normalizeHandle(rawHandle);
  let c = s.contacts.get(handle);
  if (c === undefined) {
    c = { handle, name: name ?? handle, bits: 0, groups: [] };
    s.contacts.set(handle, c);
  } else if (name !== undefined) {
    c.name = name;
  }
  return c;
}

function apply(list: ContactList, s: Staging, dialect: Dialect): void {
  const previous = new Map([...list.contacts].map(([h, r]) => [h, r]));
  list.clear();
  const privacy: Privacy = {
    visibility: s.blp === 'BL' ? 'only-allowed' : 'all-but-blocked',
    promptOnAdd: s.gtc !== 'N',
  };
  list.privacy = privacy;
  list.selfName = s.selfName;
  // `~` is the never-customised group 0 of MSNP7–9; the classic client calls it "Other Contacts" (§4.7).
  for (const [id, name] of s.groups) list.groups.set(id, name === '~' ? 'Other Contacts' : name);
  for (const c of s.contacts.values()) {
    const r = list.upsert(c.handle, c.name);
    const before = previous.get(c.handle);
    if (before !== undefined) {
      // Keep what presence told us in this session (a re-sync after reconnect restarts it anyway).
      r.personalMessage = before.personalMessage;
      r.currentMedia = before.currentMedia;
    }
    list.setGuid(r, c.guid);
    r.groupIds = c.groups;
    const b = c.bits;
    r.lists = withPendingRule({
      forward: (b & LIST_BITS.FL) !== 0,
      allow: (b & LIST_BITS.AL) !== 0,
      block: (b & LIST_BITS.BL) !== 0,
      reverse: (b & LIST_BITS.RL) !== 0 || (dialect >= 10 && (b & LIST_BITS.PL) !== 0), // PL implies RL (withPendingRule)
    });
  }
}
