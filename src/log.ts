// One structured logger: a line per record, level-filtered, fields as JSON.

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

export function createLogger(level: Level = 'info', component = 'skiff', out: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = rank[level];
  const write = (lvl: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < min) return;
    const extra = fields ? ' ' + JSON.stringify(fields) : '';
    out(`${new Date().toISOString()} ${lvl.toUpperCase()} ${component}: ${msg}${extra}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (c) => createLogger(level, `${component}/${c}`, out),
  };
}
