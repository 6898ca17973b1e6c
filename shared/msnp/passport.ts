/**
 * Passport 1.4 "Tweener" header building and parsing (MSNP.md §3.3; MS-PASS header grammar).
 * Used by the client (to log in through a Nexus) and by our server's Nexus (to answer it).
 */

/** A `PassportURLs` header value: `DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,…`. */
export function parsePassportUrls(value: string): Map<string, string> {
  return parseCommaPairs(value);
}

export function buildPassportUrls(daLogin: string, realm = 'Passport.Net'): string {
  return `DARealm=${realm},DALogin=${daLogin},ConfigVersion=15`;
}

/**
 * `DALogin` as a URL: Microsoft sent it without a scheme, Escargot with one (MSNP.md §3.3.3).
 * A value without a scheme takes the scheme of the Nexus it came from (`nexusUrl`), which for
 * Passport itself was always HTTPS; with no Nexus to go by, `https://` is prepended, as the
 * clients of the era did. So a plain-HTTP Nexus the user chose keeps working, and a value with a
 * scheme is used as it is.
 */
export function daLoginUrl(daLogin: string, nexusUrl?: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(daLogin)) return daLogin;
  const scheme = nexusUrl !== undefined && /^http:\/\//i.test(nexusUrl) ? 'http' : 'https';
  return `${scheme}://${daLogin}`;
}

/**
 * The client's `Authorization` header: `Passport1.4 OrgVerb=GET,OrgURL=…,sign-in=…,pwd=…,<policy>`.
 * `sign-in` and `pwd` are URL-encoded (a comma must become %2C); the `USR TWN S` policy string
 * goes after them verbatim (MSNP.md §3.3.2).
 */
export function buildPassportAuthorization(handle: string, password: string, policy: string): string {
  return (
    'Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,' +
    `sign-in=${encodeURIComponent(handle)},pwd=${encodeURIComponent(password)},${policy}`
  );
}

export interface PassportCredentials {
  readonly handle: string;
  readonly password: string;
  /** Every other field, for servers that want the policy back. */
  readonly fields: ReadonlyMap<string, string>;
}

/** Parse an `Authorization: Passport1.4 …` header on the server; undefined when malformed. */
export function parsePassportAuthorization(header: string): PassportCredentials | undefined {
  const m = /^\s*Passport1\.4\s+(.*)$/i.exec(header);
  if (!m || m[1] === undefined) return undefined;
  const fields = parseCommaPairs(m[1]);
  const signIn = fields.get('sign-in');
  const pwd = fields.get('pwd');
  if (signIn === undefined || pwd === undefined) return undefined;
  const handle = safeDecode(signIn);
  const password = safeDecode(pwd);
  if (handle === undefined || password === undefined) return undefined;
  return { handle, password, fields };
}

/** Success: `Passport1.4 da-status=success,tname=MSPAuth,…,from-PP='t=…&p=…',ru=…` (MSNP.md §3.3.2). */
export function buildAuthenticationInfo(ticket: string): string {
  return (
    "Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec," +
    `from-PP='${ticket}',ru=http://messenger.msn.com`
  );
}

export function buildPassportFailure(): string {
  return 'Passport1.4 da-status=failed,srealm=Passport.NET,ts=-2,prompt,cburl=,cbtxt=';
}

export type PassportOutcome =
  | { readonly status: 'success'; readonly ticket: string }
  | { readonly status: 'redirect' }
  | { readonly status: 'failed' };

/**
 * Read `Authentication-Info` / `WWW-Authenticate`. `da-status` is also spelled `dastatus` (§10.8):
 * look for `status=success`. The ticket is the text between `from-PP='` and the next `'`.
 */
export function parseAuthenticationInfo(header: string): PassportOutcome {
  if (/status=success/i.test(header)) {
    const m = /from-PP='([^']*)'/.exec(header);
    if (m && m[1] !== undefined && m[1].length > 0) return { status: 'success', ticket: m[1] };
    return { status: 'failed' };
  }
  if (/status=redir/i.test(header)) return { status: 'redirect' };
  return { status: 'failed' };
}

/** The `t=` part of a compact ticket `t=…&p=…` (what the NS looks up, MSNP.md §3.3.3). */
export function ticketToken(ticket: string): string | undefined {
  const m = /(?:^|&)t=([^&]*)/.exec(ticket);
  return m?.[1] || undefined;
}

/** Split `a=1,b=2,…`. A value may contain `=` (it is split on the first one only). */
function parseCommaPairs(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    if (!out.has(key)) out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
