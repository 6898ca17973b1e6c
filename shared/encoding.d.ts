// The WHATWG Encoding API exists in every runtime shared/ runs in (Node, Chromium, Electron), but
// lib "ES2022" does not declare it and shared/ deliberately has no DOM or Node types. Declaring
// just these two classes keeps Buffer/process/window compile errors while allowing UTF-8 work.
declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  readonly fatal: boolean;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
