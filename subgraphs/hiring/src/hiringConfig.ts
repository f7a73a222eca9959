import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import type { z } from 'zod';

export const hiringConfigSchema = subgraphConfigSchema.extend({ PORT: env.port(4002) });

export type HiringConfig = z.infer<typeof hiringConfigSchema>;

export const loadHiringConfig = (source: NodeJS.ProcessEnv = process.env): HiringConfig => loadConfig(hiringConfigSchema, source);
