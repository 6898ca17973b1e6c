/**
 * startDemoBots: the scripted demo contacts, running. One DemoBot per character plus the one
 * piece of direction that needs the whole cast: once a person has chatted one-to-one with a demo
 * contact, that contact invites a second one into the conversation (once per run), making a
 * three-party chat in which the guest says hello and later leaves.
 */
import { Timers, systemClock, type Clock, type TimerHandle } from '../msn/clock';
import { DemoBot, type DemoBotPhase, type DemoDirector } from './bot';
import { DEMO_CAST, type DemoCharacter } from './cast';
import { errorText, msnClientFactory, silentDemoLog, type DemoClientFactory, type DemoLog, type DemoServer } from './demo-client';
import type { DemoBotAccount } from './provision';
import { fillIn, type RandomSource } from './replies';
import { DEFAULT_DEMO_TIMINGS, type DemoTimings } from './timings';

export interface StartDemoBotsOptions extends DemoServer {
  /** The person the demo is for (the account the app signs in with). */
  readonly userHandle: string;
  /** Sign-ins from `provisionDemo(...).bots`; characters without one stay offline. */
  readonly bots: readonly DemoBotAccount[];
  readonly cast?: readonly DemoCharacter[];
  /** Drives every demo timer (and the demo clients' own timers, with the default factory). */
  readonly clock?: Clock;
  /** Drives every choice (delays, lines); `seededRandom(n)` makes a run reproducible. */
  readonly random?: RandomSource;
  readonly timings?: Partial<DemoTimings>;
  readonly createClient?: DemoClientFactory;
  readonly log?: DemoLog;
}

export interface DemoBotStatus {
  readonly handle: string;
  readonly friendlyName: string;
  readonly phase: DemoBotPhase;
}

export interface DemoBotsController {
  /** Where each demo contact is (for diagnostics). */
  status(): DemoBotStatus[];
  /** The running bots (tests). */
  readonly bots: readonly DemoBot[];
  /** Clears every timer and signs every demo contact out. Idempotent. */
  stop(): Promise<void>;
}

/** What the host says before inviting the guest; `{guest}` = the guest's first name. */
const INVITE_LINE = 'Oh, {guest} is online too, let me add them to this chat!';

export function startDemoBots(options: StartDemoBotsOptions): DemoBotsController {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const timings: DemoTimings = { ...DEFAULT_DEMO_TIMINGS, ...options.timings };
  const log = options.log ?? silentDemoLog;
  const createClient = options.createClient ?? msnClientFactory(options.clock);
  const cast = options.cast ?? DEMO_CAST;
  const userHandle = options.userHandle.toLowerCase();
  const server: DemoServer = {
    host: options.host,
    nsPort: options.nsPort,
    ...(options.nexusUrl !== undefined ? { nexusUrl: options.nexusUrl } : {}),
    ...(options.dialect !== undefined ? { dialect: options.dialect } : {}),
  };
  const timers = new Timers(clock);
  const handles = new Set(cast.map((c) => c.handle));
  const firstNames = new Map(cast.map((c) => [c.handle, c.friendlyName.split(/\s+/)[0] ?? c.friendlyName]));
  let groupChat: 'not-yet' | 'inviting' | 'done' = 'not-yet';
  let inviteTimer: TimerHandle | undefined;
  let stopped = false;

  const bots: DemoBot[] = [];

  const director: DemoDirector = {
    userHandle,
    isBot: (handle) => handles.has(handle.toLowerCase()),
    firstName: (handle) => firstNames.get(handle.toLowerCase()) ?? handle,
    chatted: (host, conversationId) => {
      if (stopped || groupChat !== 'not-yet') return;
      groupChat = 'inviting';
      inviteTimer = timers.set(
        () => {
          inviteTimer = undefined;
          void invite(host, conversationId);
        },
        Math.max(0, Math.round(timings.inviteAfterReplyMs * timings.scale)),
      );
    },
  };

  /** The host's partner if online, else any other demo contact online. */
  const chooseGuest = (host: DemoBot): DemoBot | undefined => {
    const online = bots.filter((b) => b !== host && b.phase === 'online');
    return online.find((b) => b.handle === host.character.partner) ?? online[0];
  };

  const invite = async (host: DemoBot, conversationId: string): Promise<void> => {
    const guest = chooseGuest(host);
    const conv = host.msn.conversations.get(conversationId);
    if (stopped || guest === undefined || conv === undefined || host.phase !== 'online') {
      groupChat = 'not-yet'; // the next chat tries again
      return;
    }
    try {
      host.msn.conversations.send(conversationId, fillIn(INVITE_LINE, { guest: director.firstName(guest.handle) }));
      await host.msn.conversations.invite(conversationId, guest.handle);
      groupChat = 'done';
      log('info', 'demo group chat started', { host: host.handle, guest: guest.handle });
    } catch (err) {
      groupChat = 'not-yet';
      log('warn', 'demo group chat invitation failed', { host: host.handle, guest: guest.handle, error: errorText(err) });
    }
  };

  const accounts = new Map(options.bots.map((b) => [b.handle.toLowerCase(), b]));
  for (const character of cast) {
    const account = accounts.get(character.handle);
    if (account === undefined) {
      log('warn', 'demo contact has no account and stays offline', { handle: character.handle });
      continue;
    }
    const bot = new DemoBot(character, account, { client: createClient(server), clock, random, timings, log, director });
    bots.push(bot);
  }
  for (const bot of bots) bot.start();

  let stopping: Promise<void> | undefined;
  return {
    bots,
    status: () => bots.map((b) => ({ handle: b.handle, friendlyName: b.character.friendlyName, phase: b.phase })),
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        timers.clear(inviteTimer);
        timers.clearAll();
        await Promise.all(bots.map((b) => b.stop()));
      })();
      return stopping;
    },
  };
}
