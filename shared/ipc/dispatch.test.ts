import { describe, expect, it, vi } from 'vitest';
import type { Backend } from './backend';
import { createCommandDispatcher } from './dispatch';
import { ok } from './result';

function backend(execute: Backend['execute']): Backend {
  return { execute, subscribe: () => () => undefined };
}

describe('createCommandDispatcher', () => {
  it('validates before anything runs, and hands the backend the normalised input', async () => {
    const execute = vi.fn(async () => ok(null));
    const dispatch = createCommandDispatcher({ backend: backend(execute), onUnexpected: () => undefined, internalMessage: 'see the log' });
    expect(await dispatch('noSuchCommand', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(await dispatch('removeContact', { handle: 'not an address' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(execute).not.toHaveBeenCalled();
    expect(await dispatch('removeContact', { handle: 'Bob@Example.com' })).toEqual({ ok: true, value: null });
    expect(execute).toHaveBeenCalledWith({ name: 'removeContact', input: { handle: 'bob@example.com' } });
  });

  it('lets the host answer the commands it overrides', async () => {
    const execute = vi.fn(async () => ok(null));
    const showConversation = vi.fn(async () => ok(null));
    const dispatch = createCommandDispatcher({ backend: backend(execute), overrides: { showConversation }, onUnexpected: () => undefined, internalMessage: 'x' });
    await dispatch('showConversation', { conversationId: 'c1' });
    expect(showConversation).toHaveBeenCalledWith({ conversationId: 'c1' });
    expect(execute).not.toHaveBeenCalled();
  });

  it('turns a throw into an internal-error result and tells the host', async () => {
    const onUnexpected = vi.fn();
    const dispatch = createCommandDispatcher({
      backend: backend(async () => {
        throw new Error('boom');
      }),
      onUnexpected,
      internalMessage: 'Something went wrong; see the log.',
    });
    expect(await dispatch('signOut', {})).toEqual({ ok: false, error: { code: 'internal-error', message: 'Something went wrong; see the log.' } });
    expect(onUnexpected).toHaveBeenCalledWith('signOut', expect.any(Error));
  });
});
