/** The P2Pv1 layer over the switchboard (MSNP-P2P.md §2–§5): binary chunks, MSNSLP, envelope. */
export * from './header';
export * from './chunking';
export * from './slp';
export * from './envelope';
export * from './file-context';
