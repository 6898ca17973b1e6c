/**
 * Presence: my status, friendly name and personal message, and my contacts' (MSNP.md §5, §2.10).
 * Status codes stop here: the rest of the app sees `online`, `busy`, … (shared/model).
 */
import type { ContactStatus, CurrentMedia, MyStatus, SelfProfile } from '../../../shared/model';
import {
  buildAbContactUpdate,
  buildChg,
  buildPrpRequest,
  buildReaRequest,
  buildUuxRequest,
  checkFriendlyName,
  decodeChg,
  decodeFln,
  decodeIln,
  decodeNln,
  decodePrpReply,
  decodeReaReply,
  decodeUbx,
  isCodecError,
  formatCurrentMedia,
  normalizeHandle,
  parseCurrentMedia,
  type Command,
  type PresenceState,
} from '../../../shared/msnp';
import type { ContactList, ContactRecord } from './contact-list';
import type { Emit, SessionRef } from './context';
import { OperationFailure, decodedOr, invalidName, malformedReply, toOperationFailure } from './errors';

/** MSNP.md §5.1. */
const STATUS_TO_CODE: Readonly<Record<MyStatus, PresenceState>> = {
  online: 'NLN',
  busy: 'BSY',
  idle: 'IDL',
  brb: 'BRB',
  away: 'AWY',
  phone: 'PHN',
  lunch: 'LUN',
  hidden: 'HDN',
};

const CODE_TO_STATUS: Readonly<Record<string, ContactStatus>> = {
  NLN: 'online',
  BSY: 'busy',
  IDL: 'idle',
  BRB: 'brb',
  AWY: 'away',
  PHN: 'phone',
  LUN: 'lunch',
};

export function statusCode(s: MyStatus): PresenceState {
  return STATUS_TO_CODE[s];
}

/** A contact's state code → model; `HDN`/`FLN` (and anything unknown) → offline. */
export function contactStatus(code: string | undefined): ContactStatus {
  return (code !== undefined ? CODE_TO_STATUS[code] : undefined) ?? 'offline';
}

function myStatus(code: string | undefined): MyStatus | undefined {
  if (code === 'HDN') return 'hidden';
  const s = code !== undefined ? CODE_TO_STATUS[code] : undefined;
  return s === 'offline' ? undefined : (s as MyStatus | undefined);
}

/**
 * Capabilities we advertise (MSNP.md §2.8, MSNP-P2P.md §1.2): from MSNP9 the MSNC1 nibble
 * (`0x10000000`), since we answer every P2P INVITE (pictures served, the rest declined); nothing
 * before MSNP9, and never extended capability `0x20` (P2Pv2, §11).
 */
export function clientCapabilities(dialect: number): number {
  return dialect >= 9 ? MSNC1 : 0;
}

const MSNC1 = 0x10000000;

/** What presence needs from the display-picture module. */
export interface PresenceHooks {
  /** My MSNObject for `CHG` (MSNP9+), or undefined for none. */
  readonly myMsnObject: () => string | undefined;
  /** A contact's MSNObject from `ILN`/`NLN` (URL-decoded), or undefined. */
  readonly contactMsnObject: (handle: string, msnObject: string | undefined) => void;
  /** A contact's client capabilities from `ILN`/`NLN` (MSNP8+), or undefined when not sent. */
  readonly contactCapabilities?: (handle: string, caps: number | undefined) => void;
  /** This installation's GUID for the signed-in account (`UUX` `<MachineGuid>`, MSNP13+). */
  readonly machineGuid?: () => string | undefined;
}

/** `CurrentMedia` raw text → model, or null when nothing is playing. */
export function currentMediaFromWire(raw: string): CurrentMedia | null {
  const m = parseCurrentMedia(raw);
  if (m === undefined || !m.enabled) return null;
  const c = m.category.toLowerCase();
  const kind = c === 'music' || c === 'games' || c === 'office' ? c : 'other';
  return { kind, text: formatCurrentMedia(m) };
}

export class Presence {
  /** What the server last confirmed for me. */
  private confirmed: SelfProfile;
  /** What the user asked for; restored after a reconnect. */
  private desired: { status: MyStatus; friendlyName: string | undefined; personalMessage: string };

  constructor(
    private readonly session: SessionRef,
    private readonly list: ContactList,
    private readonly emit: Emit,
    private readonly hooks?: PresenceHooks,
  ) {
    this.confirmed = { handle: '', friendlyName: '', personalMessage: '', currentMedia: null, status: 'online' };
    this.desired = { status: 'online', friendlyName: undefined, personalMessage: '' };
  }

  get self(): SelfProfile {
    return this.confirmed;
  }

  get desiredStatus(): MyStatus {
    return this.desired.status;
  }

  get desiredName(): string | undefined {
    return this.desired.friendlyName;
  }

  get desiredPersonalMessage(): string {
    return this.desired.personalMessage;
  }

  /** New session: who I am and what the server says my name is. */
  begin(handle: string, serverName: string | undefined, initialStatus: MyStatus): void {
    this.desired.status = initialStatus;
    this.confirmed = {
      handle,
      friendlyName: serverName ?? this.confirmed.friendlyName ?? handle,
      personalMessage: this.confirmed.personalMessage,
      currentMedia: null,
      status: initialStatus,
    };
    if (this.confirmed.friendlyName === '') this.confirmed = { ...this.confirmed, friendlyName: handle };
  }

  /** After SYN: MSNP10+ reports my name as `PRP MFN` (MSNP.md §4.3). */
  setServerName(name: string | undefined): void {
    if (name !== undefined && name.length > 0) this.confirmed = { ...this.confirmed, friendlyName: name };
  }

  /** Handlers for contacts' presence. Installed on every new NS connection. */
  install(): void {
    const { conn } = this.session.require();
    const { dialect } = this.session.require();
    /** ILN t STATE handle friendly {caps {msnobj}} (MSNP.md §5.3) */
    conn.handle('ILN', (cmd) => {
      const p = decodeIln(cmd, dialect);
      if (isCodecError(p)) return;
      this.onOnline(p.state, p.handle, p.friendlyName);
      this.hooks?.contactCapabilities?.(p.handle, p.caps);
      if (dialect >= 9) this.hooks?.contactMsnObject(p.handle, p.msnObject);
    });
    /** NLN STATE handle friendly {caps {msnobj}} */
    conn.handle('NLN', (cmd) => {
      const p = decodeNln(cmd, dialect);
      if (isCodecError(p)) return;
      this.onOnline(p.state, p.handle, p.friendlyName);
      this.hooks?.contactCapabilities?.(p.handle, p.caps);
      if (dialect >= 9) this.hooks?.contactMsnObject(p.handle, p.msnObject);
    });
    /** FLN handle */
    conn.handle('FLN', (cmd) => {
      const p = decodeFln(cmd, dialect);
      if (!isCodecError(p)) this.onOffline(p.handle);
    });
    /** UBX handle len + <Data><PSM>…</PSM><CurrentMedia>…</CurrentMedia></Data> (MSNP.md §2.10) */
    conn.handle('UBX', (cmd) => {
      // UBX exists from MSNP11; a server that pushes one to an older dialect still gets it shown
      // (the codec refuses it there as NOT_IN_DIALECT, so decode it with the MSNP11 shape).
      const u = decodeUbx(cmd, dialect >= 11 ? dialect : 11);
      if (!isCodecError(u)) this.onPersonalStatus(u.handle, u.status.psm, u.status.currentMedia);
    });
    /** CHG 0 FLN: the server forced a state on us (rare, MSNP.md §5.2) */
    conn.handle('CHG', (cmd) => {
      const chg = decodeChg(cmd, dialect, 'toClient');
      const s = isCodecError(chg) ? undefined : myStatus(chg.state);
      if (s !== undefined) this.confirm({ status: s });
    });
  }

  /**
   * CHG t STATE (2–7) · CHG t STATE caps (8) · CHG t STATE caps {msnobj} (9–12, with my display
   * picture's MSNObject when I have one) → echo (MSNP.md §2.7, §2.9, §5.2). The builder leaves the
   * capabilities out where the dialect has none. The state counts only once echoed.
   */
  async setStatus(status: MyStatus): Promise<void> {
    this.desired.status = status;
    const { conn, dialect } = this.session.require();
    let reply: Command;
    try {
      const msnObject = dialect >= 9 ? this.hooks?.myMsnObject() : undefined;
      reply = await conn.call((trId) => buildChg({ trId, state: statusCode(status), caps: clientCapabilities(dialect), ...(msnObject !== undefined ? { msnObject } : {}) }, dialect));
    } catch (err) {
      throw toOperationFailure(err, 'changing status');
    }
    const echo = decodedOr(decodeChg(reply, dialect, 'toClient'), malformedReply('changing status'));
    this.confirm({ status: myStatus(echo.state) ?? status });
  }

  /** REA (MSNP2–9) / PRP MFN (MSNP10–12), MSNP.md §5.4. */
  async setFriendlyName(name: string): Promise<void> {
    const problem = checkFriendlyName(name);
    if (problem !== undefined) throw invalidName('name', problem);
    this.desired.friendlyName = name;
    const { conn, dialect, handle } = this.session.require();
    try {
      if (dialect <= 9) {
        // REA t handle name → REA t ver handle name
        const reply = await conn.call((trId) => buildReaRequest({ trId, handle, friendlyName: name }, dialect));
        const rea = decodedOr(decodeReaReply(reply, dialect), malformedReply('changing the display name'));
        this.list.noteVersion(rea.version);
        this.confirm({ friendlyName: rea.friendlyName });
      } else {
        // PRP t MFN name → PRP t MFN name
        const reply = await conn.call((trId) => buildPrpRequest({ trId, key: 'MFN', value: name }, dialect));
        const prp = decodedOr(decodePrpReply(reply, dialect), malformedReply('changing the display name'));
        const echoed = prp.key === 'MFN' && prp.value !== undefined ? prp.value : name;
        this.list.selfName = echoed;
        this.confirm({ friendlyName: echoed });
        // MSNP13+: the name also lives on the address book's Me contact, which is where the next
        // sign-in reads it (MSNP13-18.md §6.5 "Change own name"). Best effort: the NS has it already.
        await this.session.value?.ab?.mutate('ABContactUpdate', 'Timer', (c) => buildAbContactUpdate(c, { contactId: '', me: true, displayName: echoed })).catch(() => undefined);
      }
    } catch (err) {
      throw toOperationFailure(err, 'changing the display name');
    }
  }

  /** UUX t len + XML (MSNP11+, MSNP.md §2.10). Older dialects have no personal message. */
  async setPersonalMessage(text: string): Promise<void> {
    const { conn, dialect } = this.session.require();
    if (dialect < 11) throw new OperationFailure('not-supported', `personal messages need MSNP11 or later (this server speaks MSNP${dialect})`);
    this.desired.personalMessage = text;
    try {
      // MSNP13-18.md §8.2: from 13 the document also names this installation (the codec leaves it out below 13).
      const guid = this.hooks?.machineGuid?.();
      await conn.call((trId) => buildUuxRequest({ trId, status: { psm: text, currentMedia: '', ...(guid !== undefined ? { machineGuid: guid } : {}) } }, dialect));
    } catch (err) {
      throw toOperationFailure(err, 'changing the personal message');
    }
    this.confirm({ personalMessage: text });
  }

  private confirm(patch: Partial<SelfProfile>): void {
    const next = { ...this.confirmed, ...patch };
    const same =
      next.status === this.confirmed.status &&
      next.friendlyName === this.confirmed.friendlyName &&
      next.personalMessage === this.confirmed.personalMessage;
    this.confirmed = next;
    if (!same) this.emit('self.changed', { self: next });
  }

  /** `name` comes decoded from the codec. */
  private onOnline(code: string, rawHandle: string, name: string): void {
    const handle = normalizeHandle(rawHandle);
    const status = contactStatus(code);
    const r = this.list.get(handle);
    if (r === undefined) {
      this.list.hint(handle, { status, liveName: name });
      return;
    }
    if (r.status === status && r.liveName === name) return;
    r.status = status;
    r.liveName = name;
    this.emit('presence.changed', { handle: r.handle, status, friendlyName: name ?? r.storedName });
  }

  private onOffline(rawHandle: string): void {
    const r = this.list.get(normalizeHandle(rawHandle));
    if (r !== undefined) this.setOffline(r);
  }

  private setOffline(r: ContactRecord): void {
    if (r.status === 'offline') return;
    r.status = 'offline';
    this.emit('presence.changed', { handle: r.handle, status: 'offline', friendlyName: r.liveName ?? r.storedName });
  }

  /** `psm` and the raw `CurrentMedia` text come from the codec's UBX decoder. */
  private onPersonalStatus(rawHandle: string, psm: string, rawMedia: string): void {
    const handle = normalizeHandle(rawHandle);
    const media = currentMediaFromWire(rawMedia);
    const r = this.list.get(handle);
    if (r === undefined) {
      this.list.hint(handle, { personalMessage: psm, currentMedia: media });
      return;
    }
    if (r.personalMessage === psm && JSON.stringify(r.currentMedia) === JSON.stringify(media)) return;
    r.personalMessage = psm;
    r.currentMedia = media;
    this.emit('personal-message.changed', { handle: r.handle, personalMessage: psm, currentMedia: media });
  }

  /** All contacts offline (the session ended): they will come back with `ILN`. */
  resetContacts(): void {
    for (const r of this.list.contacts.values()) this.setOffline(r);
  }
}
