import { ConfigError } from '@profile-graph/core';

export interface GatewayArgs {
  supergraph?: string;
  port?: string;
}

const USAGE = 'usage: gateway [--supergraph FILE] [--port N]';
const FLAGS: Record<string, keyof GatewayArgs> = { '--supergraph': 'supergraph', '--port': 'port' };

/**
 * The CLI is two flags, so a hand-written parser beats a dependency; it
 * accepts `--flag value` and `--flag=value` and rejects anything else, since a
 * mistyped flag silently ignored would start the gateway on the wrong graph.
 */
export function parseArgs(argv: readonly string[]): GatewayArgs {
  const args: GatewayArgs = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = FLAGS[flag];
    if (!key) throw new ConfigError(`Invalid configuration:\n  unknown argument ${arg}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new ConfigError(`Invalid configuration:\n  ${flag} needs a value; ${USAGE}`);
    }
    args[key] = value;
  }
  return args;
}
