/** Start/kill the bundled server in a child process (see server-child.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildServer {
  readonly nsPort: number;
  readonly sbPort: number;
  readonly httpPort: number;
  readonly nexusUrl: string;
  readonly host: string;
  /** The server process, for CPU figures read from /proc (bench:client). */
  readonly pid: number | undefined;
  kill(): Promise<void>;
}

const script = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export async function startChildServer(cfg: { nsPort: number; sbPort: number; httpPort: number; dataDir: string; accounts: [string, string, string][]; unlimited?: boolean }, startTimeoutMs = 60_000): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const ports = await new Promise<{ nsPort: number; sbPort: number; httpPort: number; nexusUrl: string }>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server child did not start: ${stderr}`)), startTimeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(t);
        resolve(JSON.parse(m[1]) as { nsPort: number; sbPort: number; httpPort: number; nexusUrl: string });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`server child exited (${code}): ${stderr}`));
    });
  });
  return {
    ...ports,
    host: '127.0.0.1',
    pid: child.pid,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
