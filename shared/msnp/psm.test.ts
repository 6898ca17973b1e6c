import { describe, expect, it } from 'vitest';
import { buildCurrentMedia, buildPersonalStatus, formatCurrentMedia, parseCurrentMedia, parsePersonalStatus } from './psm';

describe('UUX/UBX payloads (MSNP.md §2.10)', () => {
  it('reads and rebuilds the reference payloads exactly', () => {
    for (const xml of [
      '<Data><PSM>Coding an MSN client</PSM><CurrentMedia></CurrentMedia></Data>',
      '<Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia></Data>',
    ]) {
      const s = parsePersonalStatus(xml);
      expect(buildPersonalStatus(s)).toBe(xml);
    }
    expect(parsePersonalStatus('<Data><PSM>brb, coffee</PSM><CurrentMedia></CurrentMedia></Data>')).toEqual({ psm: 'brb, coffee', currentMedia: '' });
  });

  it('escapes and unescapes XML text', () => {
    const s = { psm: 'Tom & Jerry <3 "quoted"', currentMedia: '' };
    const xml = buildPersonalStatus(s);
    expect(xml).toBe('<Data><PSM>Tom &amp; Jerry &lt;3 "quoted"</PSM><CurrentMedia></CurrentMedia></Data>');
    expect(parsePersonalStatus(xml)).toEqual(s);
    expect(parsePersonalStatus('<Data><PSM>a&#x263A;&#9731;&apos;&bogus;</PSM></Data>').psm).toBe("a☺☃'&bogus;");
  });

  it('tolerates junk, extra elements, attributes, self-closing tags and CDATA', () => {
    expect(parsePersonalStatus('not xml at all')).toEqual({ psm: '', currentMedia: '' });
    expect(parsePersonalStatus('<Data><PSM/><CurrentMedia/></Data>')).toEqual({ psm: '', currentMedia: '' });
    expect(parsePersonalStatus('<Data><PSM>unterminated')).toEqual({ psm: '', currentMedia: '' });
    expect(parsePersonalStatus('<Data><PSMX>no</PSMX><PSM a="1">yes</PSM><MachineGuid>{g}</MachineGuid></Data>')).toEqual({
      psm: 'yes',
      currentMedia: '',
      machineGuid: '{g}',
    });
    expect(parsePersonalStatus('<Data><PSM><![CDATA[a<b]]> &amp; c</PSM></Data>').psm).toBe('a<b & c');
    expect(parsePersonalStatus(new TextEncoder().encode('<Data><PSM>héllo</PSM></Data>')).psm).toBe('héllo');
  });

  it('splits CurrentMedia on the two characters backslash-zero and rebuilds it exactly', () => {
    const raw = '\\0Music\\01\\0{0} - {1}\\0Song Title\\0Song Artist\\0Song Album\\0\\0';
    const m = parseCurrentMedia(raw);
    expect(m).toEqual({
      application: '',
      category: 'Music',
      enabled: true,
      format: '{0} - {1}',
      values: ['Song Title', 'Song Artist', 'Song Album', '', ''],
    });
    expect(buildCurrentMedia(m!)).toBe(raw);
    expect(formatCurrentMedia(m!)).toBe('Song Title - Song Artist');
    expect(parseCurrentMedia('')).toBeUndefined();
    expect(parseCurrentMedia('junk')).toBeUndefined();
    const xml = buildPersonalStatus({ psm: '', currentMedia: raw });
    expect(parsePersonalStatus(xml).currentMedia).toBe(raw);
  });
});
