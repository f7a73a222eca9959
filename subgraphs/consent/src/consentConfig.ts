import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import type { z } from 'zod';

export const consentConfigSchema = subgraphConfigSchema.extend({ PORT: env.port(4003) });

export type ConsentConfig = z.infer<typeof consentConfigSchema>;

export const loadConsentConfig = (source: NodeJS.ProcessEnv = process.env): ConsentConfig => loadConfig(consentConfigSchema, source);
