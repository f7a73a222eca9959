import { env, loadConfig, subgraphConfigSchema } from '@profile-graph/kit';
import type { z } from 'zod';

export const callsConfigSchema = subgraphConfigSchema.extend({ PORT: env.port(4004) });

export type CallsConfig = z.infer<typeof callsConfigSchema>;

export const loadCallsConfig = (source: NodeJS.ProcessEnv = process.env): CallsConfig => loadConfig(callsConfigSchema, source);
