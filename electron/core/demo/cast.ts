/**
 * The demo cast: the account a new user signs in with, and the scripted contacts that keep them
 * company on the bundled local server. Original characters (no real people); every handle lives
 * under `monarch.local`, a name no public mail domain can take (`.local` is reserved, RFC 6762).
 */
import type { MyStatus } from '../../../shared/model';

/** The account the sign-in screen offers on the local server profile. */
export const DEMO_USER = {
  handle: 'you@monarch.local',
  /** Documented on purpose: this account lives only in the user's own loopback server. */
  password: 'monarch',
  friendlyName: 'Demo User',
} as const;

export interface DemoMood {
  readonly status: MyStatus;
  readonly personalMessage: string;
}

/** A phrase book: one line is picked at random for each occasion. */
export interface DemoLines {
  readonly greeting: readonly string[];
  readonly howAreYou: readonly string[];
  readonly question: readonly string[];
  readonly thanks: readonly string[];
  readonly laugh: readonly string[];
  readonly bye: readonly string[];
  readonly help: readonly string[];
  readonly nudged: readonly string[];
  readonly fallback: readonly string[];
  /** Said on joining a conversation another demo contact invited it to; `{inviter}` = their first name. */
  readonly joinHello: readonly string[];
  /** Said before leaving that conversation again. */
  readonly joinBye: readonly string[];
}

export interface DemoCharacter {
  readonly handle: string;
  readonly friendlyName: string;
  /** The personal message set on sign-in (MSNP11+). */
  readonly personalMessage: string;
  /** Status when first signing in. */
  readonly firstStatus: MyStatus;
  /** Unscaled delay from `startDemoBots` to signing in: staggered over the first ~10 s. */
  readonly onlineAtMs: number;
  /** The group the demo user keeps this contact in (created on the user's list if missing). */
  readonly group: string;
  /** Status and personal-message changes, visited in order, cycling. */
  readonly moods: readonly DemoMood[];
  /** Who this character pulls into a conversation with the user (falls back to anyone online). */
  readonly partner: string;
  /** Nudges the user (with a hello) once, early on. One character should have it. */
  readonly nudgesUser?: boolean;
  /** The welcome line that comes with the nudge. */
  readonly nudgeLine?: string;
  readonly lines: DemoLines;
}

const ADA = 'ada@monarch.local';
const GRACE = 'grace@monarch.local';
const LINUS = 'linus@monarch.local';
const ROSA = 'rosa@monarch.local';

export const DEMO_CAST: readonly DemoCharacter[] = [
  {
    handle: ADA,
    friendlyName: 'Ada Quill',
    personalMessage: 'Compiling my thoughts... (C)',
    firstStatus: 'online',
    onlineAtMs: 1_000,
    group: 'Friends',
    partner: LINUS,
    moods: [
      { status: 'away', personalMessage: 'Making tea, back in five' },
      { status: 'online', personalMessage: 'Compiling my thoughts... (C)' },
      { status: 'busy', personalMessage: 'Chasing a bug through the switchboard' },
      { status: 'online', personalMessage: 'Bug caught :) Ask me anything' },
    ],
    lines: {
      greeting: ['Hi there! :)', 'Hello hello! Nice to see you on Monarch.', 'Hey! Good to hear from you.'],
      howAreYou: ["I'm great, thanks! Just had my third cup of tea. You?", 'Doing well! Debugging is going suspiciously smoothly today.'],
      question: ['Good question! I would say yes... probably :)', "Hmm, let me think about that one. I'd go with the second option.", 'Honestly? No idea, but it sounds fun!'],
      thanks: ["You're welcome!", 'Any time :)'],
      laugh: [':D glad you liked that', 'Haha, right?'],
      bye: ['Bye! Talk soon :)', 'See you later!'],
      help: ['Try changing your status from the menu under your name, or invite someone else into this chat!', 'You can nudge me, send me emoticons like (Y) or (C), or change your personal message.'],
      nudged: ['Whoa, I felt that! :O', "Okay okay, I'm here!"],
      fallback: ['Interesting! Tell me more.', 'Oh really? :)', 'Ha, I was just thinking about that.', 'Nice. Everything working on your end?'],
      joinHello: ['Hi both! Mind if I join in? :)'],
      joinBye: ['I have to run, chat later!'],
    },
  },
  {
    handle: GRACE,
    friendlyName: 'Grace Holloway',
    personalMessage: 'Back from the seaside',
    firstStatus: 'online',
    onlineAtMs: 2_500,
    group: 'Friends',
    partner: ADA,
    nudgesUser: true,
    nudgeLine: 'Hey, welcome to Monarch! Write me something and I will answer :)',
    moods: [
      { status: 'busy', personalMessage: 'In a meeting until lunch' },
      { status: 'online', personalMessage: 'Free again!' },
      { status: 'lunch', personalMessage: 'Fish and chips (pi)' },
      { status: 'online', personalMessage: 'Back from the seaside' },
    ],
    lines: {
      greeting: ['Heya! :)', 'Hi! So glad you wrote back.', 'Hello you!'],
      howAreYou: ['Sunburnt but happy :D And you?', 'Pretty good! The sea was freezing though.'],
      question: ["I think so? Don't quote me on that :P", 'Ooh, tough one. Ask Ada, she knows everything.', 'Yes! Definitely yes.'],
      thanks: ['No problem!', 'Anytime (L)'],
      laugh: ['Hahaha :D', 'lol'],
      bye: ['Byeee!', 'Take care! (F)'],
      help: ['Double-click a contact to chat, or use the Invite button to bring someone else in.', 'Try the nudge button, I dare you ;)'],
      nudged: ['Hey! Two can play that game ;)', 'AAH :O okay you got my attention'],
      fallback: ['Ha, totally.', 'Tell me about it!', 'Mm-hm :)', 'That reminds me, I still owe you a postcard.'],
      joinHello: ['Hello hello! {inviter} said there was a party in here :D'],
      joinBye: ['Oops, got to go. Bye both!'],
    },
  },
  {
    handle: LINUS,
    friendlyName: 'Linus Kettle',
    personalMessage: 'Rebuilding my kernel... of popcorn',
    firstStatus: 'away',
    onlineAtMs: 5_000,
    group: 'Co-workers',
    partner: ROSA,
    moods: [
      { status: 'online', personalMessage: 'Rebuilding my kernel... of popcorn' },
      { status: 'brb', personalMessage: 'Compiling, brb' },
      { status: 'online', personalMessage: 'It compiled on the first try. Suspicious.' },
      { status: 'away', personalMessage: 'Walking the dog' },
    ],
    lines: {
      greeting: ['Hey.', 'Oh hi! 8-)', "Hey, what's up?"],
      howAreYou: ['Fine. The build is green, so: great.', 'Good! Tired. Mostly good.'],
      question: ['Depends. Usually yes.', 'Short answer: yes. Long answer: also yes.', 'Have you tried turning it off and on again? ;)'],
      thanks: ['np', 'Sure thing.'],
      laugh: ['heh', ':P'],
      bye: ['Later!', 'cya'],
      help: ['Everything here talks real MSNP to the server on your own computer. Try changing your status, I will see it.'],
      nudged: ['Stop shaking my window, I was reading logs :P', 'Yes?'],
      fallback: ['Sounds about right.', 'Huh. Neat.', 'Agreed.', 'Noted (Y)'],
      joinHello: ['Hi. {inviter} pulled me in here, what did I miss?'],
      joinBye: ['Build finished, got to check it. Later!'],
    },
  },
  {
    handle: ROSA,
    friendlyName: 'Rosa Mendel',
    personalMessage: 'Listening to the dial-up tone on loop',
    firstStatus: 'online',
    onlineAtMs: 8_000,
    group: 'Co-workers',
    partner: GRACE,
    moods: [
      { status: 'phone', personalMessage: 'On a call with the printer' },
      { status: 'online', personalMessage: 'The printer won.' },
      { status: 'away', personalMessage: 'Out watering the office plants' },
      { status: 'online', personalMessage: 'Listening to the dial-up tone on loop' },
    ],
    lines: {
      greeting: ['Hiii! (h5)', 'Hello! :)'],
      howAreYou: ['Great! The plants are thriving. And you?', 'Good, thank you for asking :)'],
      question: ['Hmm! I would say... maybe?', 'Great question, no idea :D'],
      thanks: ['Of course!', ':)'],
      laugh: ['hehehe', ':D :D'],
      bye: ['Bye! (wave)', 'See you!'],
      help: ['Try right-clicking a contact, there is lots to find in there.'],
      nudged: ['Eek! :O', 'Hi hi, I am here!'],
      fallback: ['Oh nice!', 'Really? Tell me everything.', 'Haha yes', 'Love that.'],
      joinHello: ['Hello everyone! What are we talking about? :)'],
      joinBye: ['My call is starting, bye both!'],
    },
  },
];

export function isDemoHandle(handle: string, cast: readonly DemoCharacter[] = DEMO_CAST): boolean {
  const h = handle.toLowerCase();
  return cast.some((c) => c.handle === h);
}
