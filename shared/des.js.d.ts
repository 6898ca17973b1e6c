// des.js (the DES/3DES implementation crypto-browserify uses) ships no types. Only the part the
// MBI_KEY_OLD proof needs (MSNP13-18.md §4.5: 3DES-EDE in CBC mode, no padding) is declared.
declare module 'des.js' {
  interface CipherOptions {
    readonly type: 'encrypt' | 'decrypt';
    readonly key: ArrayLike<number>;
    readonly iv?: ArrayLike<number>;
    /** PKCS#5 padding; the proof sets it off (its plaintext is already a multiple of 8). */
    readonly padding?: boolean;
  }
  interface Cipher {
    update(data: ArrayLike<number>): number[];
    final(): number[];
  }
  interface CipherClass {
    create(options: CipherOptions): Cipher;
  }
  interface Mode {
    instantiate(base: CipherClass): CipherClass;
  }
  const des: { readonly EDE: CipherClass; readonly DES: CipherClass; readonly CBC: Mode };
  export default des;
}
