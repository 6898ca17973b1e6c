/**
 * One SOAP request over HTTP or HTTPS (MSNP13-18.md §4.3, §6.1, §9): `POST` a document with
 * `Content-Type: text/xml; charset=utf-8` and `SOAPAction`, read the answer as text. Faults come
 * back with HTTP 500 (SOAP 1.1), so every status with an XML body is returned to the caller, who
 * reads it with the codec; only transport failures (refused, reset, timeout, an oversized or
 * non-XML answer) reject. Plain node:http(s), like passport-http.ts, so a profile can trust a
 * private CA. The body is never tapped: it carries the password (RST) or tickets (everything else).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TlsOptions } from './passport-http';
import type { TrafficTap } from './traffic';

export interface SoapHttpOptions {
  readonly tls?: TlsOptions;
  readonly timeoutMs?: number;
  readonly tap?: TrafficTap;
  /** For the tap's timestamps. */
  readonly now?: () => number;
  /** Label of the tap entries (`sso`, `ab`, `oim`). */
  readonly connection?: string;
}

export interface SoapHttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Why a SOAP request never got an answer to read. */
export class SoapTransportError extends Error {
  override readonly name = 'SoapTransportError';
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'bad-response',
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Ours: the codec's XML reader refuses documents over 4 MiB (`soap/xml.ts`), so reading more is
 * pointless; a 600-contact `ABFindAll` answer is about 620 KB.
 */
export const SOAP_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export function postSoap(url: string, soapAction: string | undefined, body: string, opts: SoapHttpOptions = {}): Promise<SoapHttpResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new SoapTransportError('unreachable', `not a URL: ${url}`));
  }
  const isHttps = parsed.protocol === 'https:';
  if (!isHttps && parsed.protocol !== 'http:') return Promise.reject(new SoapTransportError('unreachable', `unsupported scheme in ${url}`));
  const now = opts.now ?? Date.now;
  const connection = opts.connection ?? 'soap';
  opts.tap?.({ at: now(), connection, direction: 'out', line: `POST ${parsed.origin}${parsed.pathname}${soapAction !== undefined ? ` SOAPAction: ${soapAction}` : ''}` });
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const payload = Buffer.from(body, 'utf8');
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': payload.length,
    'User-Agent': 'MSN Explorer/9.0 (MSN 8.0; TmstmpExt)',
    'Cache-Control': 'no-cache',
    // libpurple sends the action unquoted and AvaMSN quoted; servers must take either (§4.3, §6.1).
    SOAPAction: soapAction ?? '',
  };
  return new Promise<SoapHttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: SoapTransportError): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const onResponse = (res: IncomingMessage): void => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > SOAP_MAX_RESPONSE_BYTES) {
          req.destroy();
          fail(new SoapTransportError('bad-response', `${parsed.host} answered more than ${SOAP_MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        opts.tap?.({ at: now(), connection, direction: 'in', line: `HTTP ${status} (${size} bytes)` });
        resolve({ status, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => fail(new SoapTransportError('unreachable', `${parsed.host}: ${err.message}`)));
    };
    const tls = opts.tls;
    const req = isHttps
      ? httpsRequest(
          parsed,
          {
            method: 'POST',
            headers,
            ...(tls?.ca !== undefined ? { ca: typeof tls.ca === 'string' ? tls.ca : [...tls.ca] } : {}),
            ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
          },
          onResponse,
        )
      : httpRequest(parsed, { method: 'POST', headers }, onResponse);
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      fail(new SoapTransportError('timeout', `${parsed.host} did not answer within ${timeoutMs} ms`));
    });
    req.on('error', (err) => fail(new SoapTransportError('unreachable', `${parsed.host}: ${err.message}`)));
    req.end(payload);
  });
}
