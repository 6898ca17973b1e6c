/**
 * How fast the demo contacts live. Defaults feel like people; `scale` shrinks every delay at once
 * (tests use ~0.02 so a whole script runs in well under a second of waiting).
 */
export interface DemoTimings {
  /** Multiplies every delay below and each character's `onlineAtMs`. Default 1. */
  readonly scale: number;
  /** Reading a message before starting to type. */
  readonly readMinMs: number;
  readonly readMaxMs: number;
  /** Typing the answer: per character, bounded. */
  readonly typingPerCharMs: number;
  readonly typingMinMs: number;
  readonly typingMaxMs: number;
  /** The nudge comes this long after both the nudging contact and the user are online. */
  readonly nudgeAfterUserOnlineMs: number;
  /** After the first answer in a one-to-one chat, a second contact is invited this much later. */
  readonly inviteAfterReplyMs: number;
  /** The invited contact says hello this long after joining … */
  readonly guestHelloMs: number;
  /** … stays this long after the hello, says goodbye … */
  readonly guestStayMs: number;
  /** … and leaves this long after the goodbye. */
  readonly guestLeaveAfterByeMs: number;
  /** Between status / personal-message changes of one contact (uniformly random in the range). */
  readonly moodMinMs: number;
  readonly moodMaxMs: number;
  /** Sign-in retry backoff (doubling) for a contact that could not sign in. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_DEMO_TIMINGS: DemoTimings = {
  scale: 1,
  readMinMs: 600,
  readMaxMs: 1_500,
  typingPerCharMs: 35,
  typingMinMs: 1_000,
  typingMaxMs: 3_500,
  nudgeAfterUserOnlineMs: 4_000,
  inviteAfterReplyMs: 3_000,
  guestHelloMs: 1_500,
  guestStayMs: 45_000,
  guestLeaveAfterByeMs: 2_000,
  moodMinMs: 25_000,
  moodMaxMs: 60_000,
  retryMinMs: 2_000,
  retryMaxMs: 60_000,
};
