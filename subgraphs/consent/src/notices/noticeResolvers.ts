import { privacyNotice, privacyNotices } from './noticeRegistry';
import type { Resolvers } from '../generated/resolvers';

/** The registry, public: anyone may read what a consent would be a consent to. */
export const noticeResolvers = {
  Query: {
    privacyNotices: () => privacyNotices(),
    privacyNotice: (_, args) => privacyNotice(args.version.trim()),
  },
} satisfies Resolvers;
