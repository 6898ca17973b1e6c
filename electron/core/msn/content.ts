/**
 * Message content in domain terms: model TextFormat ↔ the codec's `X-MMS-IM-Format`, and what to
 * call content we do not render (MSNP.md §6.5–§6.10), so it surfaces as `content.unsupported`
 * instead of vanishing.
 */
import type { TextFormat } from '../../../shared/model';
import type { UnsupportedContentKind } from '../../../shared/model';
import {
  ContentTypes,
  DatacastId,
  fieldValue,
  invitationSummary,
  type Message,
  type TextFormat as WireTextFormat,
} from '../../../shared/msnp';

/** Model → wire. CS=0 (ANSI) and PF=0 (unknown) because the body is UTF-8 anyway (MSNP.md §6.6). */
export function toWireFormat(f: TextFormat): WireTextFormat {
  return {
    font: f.font,
    bold: f.bold,
    italic: f.italic,
    underline: f.underline,
    strikethrough: f.strikethrough,
    color: f.color.toLowerCase(),
    charset: 0,
    pitchFamily: 0,
    rightToLeft: f.rightToLeft === true,
  };
}

export function fromWireFormat(f: WireTextFormat | undefined): TextFormat | null {
  if (f === undefined) return null;
  return {
    font: f.font,
    bold: f.bold,
    italic: f.italic,
    underline: f.underline,
    strikethrough: f.strikethrough,
    color: f.color.toLowerCase(),
    ...(f.rightToLeft ? { rightToLeft: true } : {}),
  };
}

export interface UnsupportedContent {
  readonly kind: UnsupportedContentKind;
  readonly contentType: string;
  readonly summary: string;
}

/**
 * What a switchboard message we do not render is, in one line. Text, typing, nudges and client
 * identification (`text/x-clientcaps`, which no user needs to see) return undefined.
 */
export function describeUnsupported(m: Message, sender: string): UnsupportedContent | undefined {
  switch (m.kind) {
    case 'text':
    case 'typing':
    case 'clientCaps':
      return undefined;
    case 'datacast': {
      if (m.id === DatacastId.NUDGE) return undefined;
      const what = m.id === DatacastId.WINK ? 'a wink' : m.id === DatacastId.VOICE_CLIP ? 'a voice clip' : m.id === DatacastId.ACTION ? 'an action message' : `datacast ${m.id}`;
      return { kind: 'datacast', contentType: ContentTypes.DATACAST, summary: `${sender} sent ${what}, which Monarch cannot show` };
    }
    case 'invite': {
      const app = fieldValue(m.fields, 'Application-Name') ?? 'an application';
      const file = fieldValue(m.fields, 'Application-File');
      const size = fieldValue(m.fields, 'Application-FileSize');
      const { command } = invitationSummary(m);
      const summary =
        command === 'INVITE'
          ? file !== undefined
            ? `${sender} wants to send you "${file}"${size !== undefined ? ` (${size} bytes)` : ''}; file transfer is not supported`
            : `${sender} invited you to ${app}, which is not supported`
          : `${sender} sent an invitation ${command ?? 'message'} (${app})`;
      return { kind: 'invitation', contentType: ContentTypes.INVITE, summary };
    }
    case 'emoticons':
      return {
        kind: 'custom-emoticon',
        contentType: m.animated ? ContentTypes.ANIMATED_EMOTICON : ContentTypes.EMOTICON,
        summary: `${sender} uses custom emoticons (${m.items.map((i) => i.shortcut).join(' ')}); they show as text`,
      };
    case 'unknown': {
      const type = m.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (type === ContentTypes.P2P) return { kind: 'p2p', contentType: ContentTypes.P2P, summary: `${sender} sent peer-to-peer data (display picture, emoticon or file), which is not supported` };
      if (type.startsWith('image/gif') || type === 'application/x-ms-ink') return { kind: 'ink', contentType: m.contentType, summary: `${sender} sent handwriting, which Monarch cannot show` };
      return { kind: 'unknown', contentType: m.contentType || '(none)', summary: `${sender} sent content of type ${m.contentType || '(none)'}, which Monarch cannot show` };
    }
    default:
      return { kind: 'unknown', contentType: m.kind, summary: `${sender} sent a ${m.kind} message, which Monarch cannot show` };
  }
}
