/**
 * The user's preferences as they cross IPC: the same sections and fields as the settings file
 * (electron/core/settings/schema.ts), which the backend validates again on write.
 */
import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const MIN_IDLE_MINUTES = 1;
export const MAX_IDLE_MINUTES = 240;

export const preferencesPatchSchema = z
  .object({
    notifications: z
      .object({
        contactSignIn: z.boolean(),
        messages: z.boolean(),
        nudges: z.boolean(),
        showMessageText: z.boolean(),
        doNotDisturbWhenBusy: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    sounds: z.object({ muted: z.boolean(), contactSignIn: z.boolean(), message: z.boolean(), nudge: z.boolean() }).partial().strict().optional(),
    history: z.object({ enabled: z.boolean() }).partial().strict().optional(),
    idle: z
      .object({
        enabled: z.boolean(),
        minutes: z.number().int().min(MIN_IDLE_MINUTES).max(MAX_IDLE_MINUTES),
        status: z.enum(['idle', 'away']),
      })
      .partial()
      .strict()
      .optional(),
    appearance: z.object({ theme: z.enum(THEMES), showTimestamps: z.boolean() }).partial().strict().optional(),
  })
  .strict();
export type PreferencesPatch = z.output<typeof preferencesPatchSchema>;

export interface Preferences {
  readonly notifications: {
    readonly contactSignIn: boolean;
    readonly messages: boolean;
    readonly nudges: boolean;
    readonly showMessageText: boolean;
    readonly doNotDisturbWhenBusy: boolean;
  };
  readonly sounds: { readonly muted: boolean; readonly contactSignIn: boolean; readonly message: boolean; readonly nudge: boolean };
  readonly history: { readonly enabled: boolean };
  readonly idle: { readonly enabled: boolean; readonly minutes: number; readonly status: 'idle' | 'away' };
  readonly appearance: { readonly theme: Theme; readonly showTimestamps: boolean };
}
