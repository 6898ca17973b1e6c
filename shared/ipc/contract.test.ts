import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandChannel, EVENT_CHANNEL } from './contract';
import { validateCommand } from './validate';

describe('the IPC contract', () => {
  it('derives one distinct channel per command', () => {
    const channels = COMMAND_NAMES.map(commandChannel);
    expect(new Set(channels).size).toBe(COMMAND_NAMES.length);
    expect(channels).not.toContain(EVENT_CHANNEL);
  });

  it('validates and normalises input, and rejects extra or missing fields', () => {
    expect(validateCommand('addContact', { handle: 'Bob@Example.COM' })).toEqual({
      ok: true,
      value: { name: 'addContact', input: { handle: 'bob@example.com' } },
    });
    expect(validateCommand('addContact', { handle: 'bob@example.com', admin: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(validateCommand('addContact', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(validateCommand('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(validateCommand('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(validateCommand('snapshot', undefined)).toEqual({ ok: true, value: { name: 'snapshot', input: {} } });
  });

  it('checks sign-in details without echoing the password', () => {
    const base = { server: { kind: 'local' }, handle: 'a@b.com', password: 'hunter2', status: 'online', rememberMe: false };
    expect(validateCommand('signIn', base).ok).toBe(true);
    expect(validateCommand('signIn', { ...base, status: 'offline' }).ok).toBe(false);
    const custom = { ...base, server: { kind: 'custom', host: 'messenger.example.com', port: 1863, nexusUrl: 'https://nexus.example.com/rdr/pprdr.asp' } };
    expect(validateCommand('signIn', custom).ok).toBe(true);
    const bad = validateCommand('signIn', { ...base, password: 'x'.repeat(300) });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('xxxxxxxx');
    expect(validateCommand('signIn', { ...custom, server: { ...custom.server, host: 'evil host/../' } }).ok).toBe(false);
    expect(validateCommand('signIn', { ...custom, server: { ...custom.server, nexusUrl: 'javascript:alert(1)' } }).ok).toBe(false);
    expect(validateCommand('signIn', { ...custom, server: { ...custom.server, port: 70000 } }).ok).toBe(false);
  });

  it('takes a page activity report with no input, and nothing else', () => {
    expect(validateCommand('reportActivity', undefined)).toEqual({ ok: true, value: { name: 'reportActivity', input: {} } });
    expect(validateCommand('reportActivity', {})).toEqual({ ok: true, value: { name: 'reportActivity', input: {} } });
    // The host keeps the time itself: a page cannot claim when (or how long ago) it was active.
    expect(validateCommand('reportActivity', { at: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(validateCommand('reportActivity', 'now')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('bounds message text and checks colours', () => {
    const format = { font: 'Arial', bold: true, italic: false, underline: false, strikethrough: false, color: '#ff0000' };
    expect(validateCommand('sendMessage', { conversationId: 'c', text: 'hi', format }).ok).toBe(true);
    expect(validateCommand('sendMessage', { conversationId: 'c', text: 'hi', format: { ...format, color: 'red;background:url(x)' } }).ok).toBe(false);
    expect(validateCommand('sendMessage', { conversationId: 'c', text: '', format: null }).ok).toBe(false);
  });
});
