import { describe, expect, it } from 'vitest';
import { FALLBACK_FILE_NAME, MAX_FILE_NAME_BYTES, isExecutableName, numberedFileName, safeFileName } from './safe-name';

describe('safeFileName (hostile names from peers, issue 11)', () => {
  it('keeps ordinary names as they are', () => {
    expect(safeFileName('report.pdf')).toBe('report.pdf');
    expect(safeFileName('Holiday photos 2006.zip')).toBe('Holiday photos 2006.zip');
    expect(safeFileName('façade – été.txt')).toBe('façade – été.txt');
    expect(safeFileName('archive.tar.gz')).toBe('archive.tar.gz');
  });

  it('keeps only the base name of any path, with either separator', () => {
    expect(safeFileName('/etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\Windows\\System32\\evil.dll')).toBe('evil.dll');
    expect(safeFileName('C:\\Users\\bob\\Desktop\\notes.txt')).toBe('notes.txt');
    expect(safeFileName('../../../.ssh/authorized_keys')).toBe('authorized_keys');
    expect(safeFileName('a/b/')).toBe(FALLBACK_FILE_NAME);
  });

  it('never yields ".", "..", a hidden file or an empty name', () => {
    for (const n of ['', '.', '..', '...', '../..', '/', '\\', '   ', ' . . ']) expect(safeFileName(n)).toBe(FALLBACK_FILE_NAME);
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('..hidden.txt')).toBe('hidden.txt');
  });

  it('replaces NUL, control characters and the characters Windows refuses', () => {
    expect(safeFileName('evil\u0000.txt')).toBe('evil_.txt');
    expect(safeFileName('a\nb\rc\td\u001b[31m.txt')).toBe('a_b_c_d_[31m.txt');
    expect(safeFileName('x\u007f\u0085y.txt')).toBe('x__y.txt');
    expect(safeFileName('what?<>:"|*.txt')).toBe('what_______.txt');
  });

  it('replaces invisible formatting that disguises the extension', () => {
    // "photo\u202Egpj.exe" shows as "photoexe.jpg" in a left-to-right context.
    expect(safeFileName('photo\u202egpj.exe')).toBe('photo_gpj.exe');
    expect(safeFileName('a\u200bb\u2066c\ufeff.txt')).toBe('a_b_c_.txt');
  });

  it('drops trailing dots and spaces (Windows would, turning "a.exe." into "a.exe")', () => {
    expect(safeFileName('a.exe.')).toBe('a.exe');
    expect(safeFileName('notes.txt   ')).toBe('notes.txt');
    expect(safeFileName('notes.txt . .')).toBe('notes.txt');
  });

  it('renames Windows device names, with any extension and case', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('aux.txt')).toBe('_aux.txt');
    expect(safeFileName('nul.tar.gz')).toBe('_nul.tar.gz');
    expect(safeFileName('Com1.log')).toBe('_Com1.log');
    expect(safeFileName('LPT9')).toBe('_LPT9');
    expect(safeFileName('com¹.txt')).toBe('_com¹.txt');
    expect(safeFileName('prn .txt')).toBe('_prn .txt');
    // Not device names.
    expect(safeFileName('console.txt')).toBe('console.txt');
    expect(safeFileName('com10.txt')).toBe('com10.txt');
    expect(safeFileName('auxiliary')).toBe('auxiliary');
  });

  it('cuts 10,000 characters to the limit, keeping the extension and whole characters', () => {
    const long = `${'a'.repeat(10_000)}.pdf`;
    const safe = safeFileName(long);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safe.startsWith('aaaa')).toBe(true);

    const emoji = `${'😀'.repeat(5000)}.png`;
    const cut = safeFileName(emoji);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(cut).toMatch(/^(?:😀)+\.png$/u);

    // A huge "extension" is not kept apart: the name is simply cut.
    const noExt = safeFileName(`x.${'b'.repeat(10_000)}`);
    expect(Buffer.byteLength(noExt)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(noExt.length).toBeGreaterThan(0);
  });
});

describe('numberedFileName', () => {
  it('puts " (n)" before the extension', () => {
    expect(numberedFileName('report.pdf', 0)).toBe('report.pdf');
    expect(numberedFileName('report.pdf', 1)).toBe('report (1).pdf');
    expect(numberedFileName('README', 2)).toBe('README (2)');
  });
});

describe('isExecutableName', () => {
  it('knows files the system would run', () => {
    for (const n of ['setup.exe', 'run.BAT', 'x.scr', 'script.ps1', 'app.jar', 'install.sh', 'shortcut.lnk']) expect(isExecutableName(n)).toBe(true);
    for (const n of ['photo.jpg', 'report.pdf', 'notes.txt', 'README', 'archive.zip']) expect(isExecutableName(n)).toBe(false);
  });
});
