/**
 * Results cross the IPC boundary as data (ARCHITECTURE.md §5): structured clone drops thrown
 * errors' prototypes and most of their fields, so no command ever throws across it.
 */

export interface IpcError {
  /** Stable code the UI switches on (`wrong-password`, `invalid-input`, `not-signed-in`, …). */
  readonly code: string;
  /** English detail for tooltips and logs. Never contains a password. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string): { readonly ok: false; readonly error: IpcError } {
  return { ok: false, error: { code, message } };
}

/** Codes the contract itself produces (the backend adds the domain's own codes). */
export const CONTRACT_ERRORS = {
  /** The input did not match the command's schema. */
  invalidInput: 'invalid-input',
  /** No such command. */
  unknownCommand: 'unknown-command',
  /** The caller is not one of our windows. */
  forbidden: 'forbidden',
  /** This host cannot do that (e.g. opening a native window from the browser client). */
  unsupported: 'not-supported',
  /** The backend failed unexpectedly; details are in its log. */
  internal: 'internal-error',
  /** The connection to the backend is gone (web mode). */
  disconnected: 'disconnected',
} as const;
