/**
 * Reduces a file name announced by a peer (untrusted: issue 11 "Bad input") to a safe base name
 * for the download folder: never a path, never a name Windows refuses or treats as a device,
 * never a hidden file, never longer than file systems allow, never empty.
 */

/** The name used when nothing usable is left. */
export const FALLBACK_FILE_NAME = 'file';

/**
 * At most this many UTF-8 bytes. ext4, NTFS and APFS allow 255; the rest is room for " (123)" and
 * the partial file's suffix (./download-sink.ts).
 */
export const MAX_FILE_NAME_BYTES = 200;

/** An extension longer than this is not kept apart when the name is cut. */
const MAX_EXTENSION_CHARS = 16;

/**
 * Windows device names: reserved with any extension and any case ("aux.txt", "Con"), also with the
 * superscript digits Windows treats as digits.
 */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * Control characters (C0, DEL, C1), the characters Windows refuses in names, and the invisible
 * formatting characters that can make "gpj.exe" read as "exe.jpg" (bidi overrides and isolates,
 * zero-width characters, the BOM).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f<>:"|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutToBytes(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Splits "report.final.pdf" into "report.final" and ".pdf" (no extension: ""). */
export function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot - 1 > MAX_EXTENSION_CHARS || dot === name.length - 1) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** The safe base name for `announced` (see the top of the file). */
export function safeFileName(announced: string, maxBytes: number = MAX_FILE_NAME_BYTES): string {
  // Only the last path segment, whichever separator the sender's system used.
  const segments = announced.normalize('NFC').split(/[/\\]/);
  let name = segments[segments.length - 1] ?? '';
  name = name.replace(UNSAFE_CHARACTERS, '_');
  // Leading dots would hide the file (and "." / ".." are directories); trailing dots and spaces
  // are dropped by Windows, so "a.exe." would become "a.exe" there.
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (name.length === 0) return FALLBACK_FILE_NAME;

  const parts = splitExtension(name);
  const extension = parts.extension;
  let stem = parts.stem;
  const device = stem.split('.')[0] ?? '';
  if (WINDOWS_RESERVED.test(device.trimEnd())) stem = `_${stem}`;

  if (utf8Length(stem + extension) > maxBytes) {
    const room = maxBytes - utf8Length(extension);
    stem = cutToBytes(stem, room).replace(/[\s.]+$/, '');
    if (stem.length === 0) stem = FALLBACK_FILE_NAME;
  }
  return stem + extension;
}

/** "report.pdf" → "report (2).pdf": the n-th alternative when a name is taken. */
export function numberedFileName(name: string, n: number): string {
  if (n === 0) return name;
  const { stem, extension } = splitExtension(name);
  return `${stem} (${n})${extension}`;
}

/**
 * Files the system would run rather than show: "Open" shows these in their folder instead, and
 * nothing is ever opened automatically (issue 11).
 */
const EXECUTABLE_EXTENSIONS = new Set([
  'exe', 'com', 'bat', 'cmd', 'scr', 'pif', 'msi', 'msp', 'cpl', 'dll', 'hta', 'jar', 'js', 'jse', 'vbs', 'vbe', 'wsf', 'wsh',
  'ps1', 'psm1', 'lnk', 'url', 'reg', 'inf', 'sh', 'bash', 'zsh', 'command', 'app', 'pkg', 'dmg', 'desktop', 'appimage', 'run',
  'bin', 'py', 'pl', 'rb', 'deb', 'rpm', 'apk', 'msix', 'appx', 'scf', 'gadget', 'application', 'library-ms', 'settingcontent-ms',
]);

export function isExecutableName(name: string): boolean {
  const { extension } = splitExtension(name);
  return extension !== '' && EXECUTABLE_EXTENSIONS.has(extension.slice(1).toLowerCase());
}
