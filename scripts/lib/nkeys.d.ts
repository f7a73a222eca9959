// Hand-written declarations for nkeys.js.

/** A fresh NATS user nkey: `seed` (SU..., the secret) and `publicKey` (U..., for the server config). */
export declare function createUserNkey(): { seed: string; publicKey: string };
/** The public nkey (U...) of a user seed; throws on anything that is not one. */
export declare function publicKeyFromSeed(seed: string): string;
