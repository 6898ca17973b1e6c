export { MASK, maskLine, maskPayload, secretForms, type Direction } from './mask';
export { ProtocolConsole, type ConsoleEntry, type ConsoleListener, type ProtocolConsoleOptions } from './ring-buffer';
