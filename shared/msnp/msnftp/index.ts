/** MSNFTP file transfer (MSNP.md §6.10): `text/x-msmsgsinvite` invitations and the TCP session. */
export * from './invitation';
export * from './session';
