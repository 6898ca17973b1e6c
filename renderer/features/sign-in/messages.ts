/** Sign-in failures in plain words (UI.md: "The password is incorrect", "Could not reach ..."). */
import type { IpcError } from '../../../shared/ipc';

export function signInErrorText(error: IpcError, ctx: { handle: string; server: string; nexus?: string }): string {
  switch (error.code) {
    case 'wrong-password':
      // Servers answer the same for an unknown address (MSNP.md: 911 for both), so say both.
      return ctx.server === 'this computer'
        ? `The password is incorrect, or there is no account for ${ctx.handle} on the local server yet. To create it, tick "Create a new account with this address and password".`
        : 'The password is incorrect. Check it and try again.';
    case 'unknown-account':
      return ctx.server === 'this computer'
        ? `There is no account for ${ctx.handle} on the local server. To create it, tick "Create a new account with this address and password".`
        : `There is no account for ${ctx.handle} on this server.`;
    case 'server-unreachable':
      return `Could not reach the server at ${ctx.server}. Check the address and your connection.`;
    case 'passport-unreachable':
      return `Could not reach the sign-in service${ctx.nexus ? ` at ${ctx.nexus}` : ''}.`;
    case 'no-common-version':
      return 'The server does not speak any protocol version Monarch knows.';
    case 'signed-in-elsewhere':
      return 'You were signed out because you signed in at another place.';
    case 'server-shutting-down':
      return 'The server is shutting down for maintenance. Try again later.';
    case 'server-busy':
      return 'The server is too busy right now. Try again in a few minutes.';
    case 'account-restricted':
      return 'This account is not allowed to sign in.';
    case 'timeout':
      return 'The server stopped answering. Try again.';
    case 'connection-lost':
      return 'The connection to the server was lost.';
    case 'protocol-error':
      return 'The server sent something Monarch could not understand.';
    case 'cancelled':
      return 'Sign-in cancelled.';
    case 'invalid-input':
      return error.message === 'Type your password.' ? error.message : `Check what you typed: ${error.message}`;
    case 'not-supported':
      return error.message;
    case 'disconnected':
      return 'Lost the connection to Monarch. Reconnecting...';
    default:
      return error.message || 'Could not sign in.';
  }
}
