import { duplicateKeyIndexOf, isDuplicateKeyError } from './isDuplicateKeyError';

describe('duplicate-key recognition', () => {
  const mongo = Object.assign(new Error('E11000 duplicate key error collection: identity.users index: emailLower_1 dup key'), { code: 11000 });
  // FerretDB 1.x on SQLite, a unique violation in an update: an InternalError without 11000.
  const ferret = Object.assign(new Error('UNIQUE constraint failed: users_handleLower_1.handleLower'), { code: 1 });

  it('recognizes MongoDB code 11000 and the FerretDB-on-SQLite message, nothing else', () => {
    expect(isDuplicateKeyError(mongo)).toBe(true);
    expect(isDuplicateKeyError(ferret)).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('connection reset'), { code: 6 }))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });

  it('names the index the error broke among those asked, or null', () => {
    expect(duplicateKeyIndexOf(mongo, ['handleLower', 'emailLower'])).toBe('emailLower');
    expect(duplicateKeyIndexOf(ferret, ['handleLower', 'emailLower'])).toBe('handleLower');
    expect(duplicateKeyIndexOf(ferret, ['emailLower'])).toBeNull();
    expect(duplicateKeyIndexOf(new Error('emailLower is not a duplicate'), ['emailLower'])).toBeNull();
  });
});
