// Structured, one-line logs: `ts=… event=… key=value …` on stdout (stderr for warnings and errors).
// Quiet per tick by design: callers log what changes (start, Redis up/down, shutdown), not traffic.

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (event: string, fields?: Record<string, unknown>, level?: LogLevel) => void;

function formatValue(value: unknown): string {
  const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"=]/.test(text ?? '') ? JSON.stringify(text) : String(text);
}

function formatLogLine(event: string, fields: Record<string, unknown> = {}, level: LogLevel = 'info'): string {
  const parts = [`ts=${new Date().toISOString()}`, `level=${level}`, `event=${event}`];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

export function createConsoleLogger(): Logger {
  return (event, fields, level = 'info') => {
    const line = formatLogLine(event, fields, level) + '\n';
    if (level === 'info') process.stdout.write(line);
    else process.stderr.write(line);
  };
}

/** For tests and embedders that want silence. */
export const silentLogger: Logger = () => {};
