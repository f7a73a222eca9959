import { privacyNotice, privacyNotices } from './noticeRegistry';

/** The registry, public: anyone may read what a consent would be a consent to. */
export const noticeResolvers = {
  Query: {
    privacyNotices: () => privacyNotices(),
    privacyNotice: (_: unknown, args: { version: string }) => privacyNotice(args.version.trim()),
  },
};
