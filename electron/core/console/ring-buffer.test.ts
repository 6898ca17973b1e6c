import { describe, expect, it } from 'vitest';
import { ProtocolConsole, type ConsoleEntry } from './ring-buffer';

const at = 1_700_000_000_000;

describe('ProtocolConsole', () => {
  it('masks on the way in, so nothing unmasked is stored or heard', () => {
    const heard: ConsoleEntry[] = [];
    const c = new ProtocolConsole({ secrets: () => ['correct horse'] });
    c.subscribe((e) => heard.push(e));
    c.tap({ at, connection: 'ns', direction: 'in', line: 'XFR 15 SB 10.0.0.20:1863 CKI 17262740.1050826919.32308' });
    c.tap({ at, connection: 'ns', direction: 'in', line: 'MSG Hotmail Hotmail 430', payload: 'MSPAuth: 5kHqVpF2$$\r\nsid: 507\r\n\r\n' });
    c.tap({ at, connection: 'sb#1', direction: 'out', line: 'MSG 4 N 40', payload: 'Content-Type: text/plain\r\n\r\ncorrect horse' });
    const dump = JSON.stringify(c.all()) + JSON.stringify(heard) + c.toText();
    for (const secret of ['17262740.1050826919.32308', '5kHqVpF2', 'correct horse']) expect(dump).not.toContain(secret);
    expect(heard.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(c.all()[1]?.payload).toBe('MSPAuth: ***\r\nsid: 507\r\n\r\n');
  });

  it('keeps only the newest entries within the count and size bounds', () => {
    const c = new ProtocolConsole({ maxEntries: 100, maxChars: 1_000_000 });
    for (let i = 0; i < 5000; i++) c.push({ at: at + i, connection: 'ns', direction: 'out', line: `PNG ${i}` });
    expect(c.length).toBe(100);
    expect(c.all()[0]?.line).toBe('PNG 4900');
    expect(c.all()[99]?.seq).toBe(5000);

    const small = new ProtocolConsole({ maxEntries: 1000, maxChars: 100 });
    for (let i = 0; i < 50; i++) small.push({ at, connection: 'ns', direction: 'in', line: 'x'.repeat(30) });
    expect(small.length).toBe(3);
    // One entry larger than the whole budget is still kept (the newest is never dropped).
    small.push({ at, connection: 'ns', direction: 'in', line: 'y'.repeat(500) });
    expect(small.length).toBe(1);
  });

  it('cuts huge payloads and says so', () => {
    const c = new ProtocolConsole({ maxPayloadChars: 100 });
    const e = c.push({ at, connection: 'ns', direction: 'in', line: 'GCF 9 Shields.xml 5000', payload: 'a'.repeat(5000) });
    expect(e.payload).toBe(`${'a'.repeat(100)}\n<… 4900 more characters not kept>`);
  });

  it('serves what is new since a sequence number and reports gaps', () => {
    const c = new ProtocolConsole({ maxEntries: 5 });
    for (let i = 0; i < 3; i++) c.push({ at, connection: 'ns', direction: 'out', line: `PNG ${i}` });
    expect(c.since(1)).toEqual({ entries: c.all().slice(1), dropped: false });
    for (let i = 3; i < 10; i++) c.push({ at, connection: 'ns', direction: 'out', line: `PNG ${i}` });
    const { entries, dropped } = c.since(2);
    expect(dropped).toBe(true);
    expect(entries.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
    c.clear();
    expect(c.length).toBe(0);
    expect(c.push({ at, connection: 'ns', direction: 'out', line: 'OUT' }).seq).toBe(11);
  });

  it('writes a plain-text report with directions and indented payloads', () => {
    const c = new ProtocolConsole();
    c.push({ at, connection: 'sb#1', direction: 'out', line: 'USR 1 alice@hotmail.com 17262740.1050826919.32308' });
    c.push({ at, connection: 'sb#1', direction: 'in', line: 'MSG bob@hotmail.com Bob 20', payload: 'Content-Type: x\r\n\r\nhi' });
    expect(c.toText(() => 'T')).toBe(
      [
        'Monarch protocol console (passwords, tickets and cookies masked as ***)',
        '',
        'T sb#1 >>> USR 1 alice@hotmail.com ***',
        'T sb#1 <<< MSG bob@hotmail.com Bob 20',
        '    Content-Type: x',
        '    ',
        '    hi',
        '',
      ].join('\n'),
    );
  });
});
