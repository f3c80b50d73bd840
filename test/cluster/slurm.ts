/**
 * A throwaway single-node Slurm for the Slurm test, as redis.ts is a throwaway Redis: munged, slurmctld and slurmd in
 * the foreground as children of the test, a one-node slurm.conf (the machine's real CPUs and memory, from
 * `slurmd -C`), state, spool, logs and munge key under a temp folder, free loopback ports, and everything stopped at
 * teardown. Client commands find it through SLURM_CONF. When Slurm is not installed and we are root with apt-get,
 * Debian's packages are installed first (slurmctld slurmd slurm-client munge), as `.ci/run` does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../support/components.js';

const PACKAGES = ['slurmctld', 'slurmd', 'slurm-client', 'munge'];
export const SLURM_INSTALL = `apt-get install ${PACKAGES.join(' ')} (as root)`;

/** Null when we are root and slurmctld, slurmd, sbatch and munged are there (installed with apt-get if not), else why not. */
export function ensureSlurm(): string | null {
  // The daemons run as root here (SlurmUser=root: no slurm account needed), as in CI.
  if (process.getuid?.() !== 0) return 'the test starts its own munged, slurmctld and slurmd, which needs root';
  // (sbatch --version already needs a slurm.conf, so look the programs up on PATH instead of running them)
  const missing = () => {
    const absent = ['sbatch', 'scancel', 'scontrol', 'sinfo', 'slurmctld', 'slurmd', 'munged'].filter((c) => which(c) === null);
    return absent.length === 0 ? null : `not on PATH: ${absent.join(', ')}`;
  };
  if (missing() === null) return null;
  if (probe('apt-get', ['--version']) !== null) return missing();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...PACKAGES], { encoding: 'utf8', env });
  let r = install();
  if (r.status !== 0) {
    // A fresh machine has no package lists yet: update once, then try again.
    spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
    r = install();
  }
  if (r.status !== 0) return `apt-get install ${PACKAGES.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return missing();
}

/** The full path of a program on PATH or in /usr/sbin, /sbin (daemons live there, and not every PATH has them). */
function which(cmd: string): string | null {
  for (const d of [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin']) {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return join(d, cmd);
    } catch {
      // not here
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function until(cond: () => boolean, what: string, timeoutMs: number, log: () => string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`Slurm: timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestSlurm {
  /** the environment every Slurm command needs (SLURM_CONF) */
  env: Record<string, string>;
  /** runs a Slurm client command; throws with its output when it fails */
  cmd(name: string, args: string[]): string;
  /** the daemons' logs, for failure messages */
  logs(): string;
  stop(): Promise<void>;
}

export async function startSlurm(): Promise<TestSlurm> {
  const dir = mkdtempSync(join(tmpdir(), 'lnsweep-slurm-'));
  for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub));
  const at = (name: string) => join(dir, name);
  // munged wants its key readable by its owner only.
  writeFileSync(at('munge.key'), randomBytes(1024), { mode: 0o400 });

  // `slurmd -C` prints this machine's node line: its name, real CPU layout and RealMemory.
  const node = spawnSync(which('slurmd') ?? 'slurmd', ['-C'], { encoding: 'utf8' })
    .stdout.split('\n')[0]
    .trim();
  const name = /^NodeName=(\S+)/.exec(node)?.[1];
  if (!name) throw new Error(`Slurm: slurmd -C printed no NodeName line: ${node}`);
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = `ClusterName=lnsweeptest
SlurmctldHost=${name}(127.0.0.1)
SlurmctldPort=${ctldPort}
SlurmdPort=${dPort}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${at('munge.sock')}
CryptoType=crypto/munge
StateSaveLocation=${at('state')}
SlurmdSpoolDir=${at('spool')}
SlurmctldPidFile=${at('slurmctld.pid')}
SlurmdPidFile=${at('slurmd.pid')}
SlurmctldLogFile=${at('slurmctld.log')}
SlurmdLogFile=${at('slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
${node} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
  writeFileSync(at('slurm.conf'), conf);
  const env = { SLURM_CONF: at('slurm.conf') };
  const logs = () =>
    ['munged.log', 'slurmctld.log', 'slurmd.log']
      .filter((f) => existsSync(at(f)))
      .map((f) => `--- ${f} (last lines)\n${readFileSync(at(f), 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');

  const daemons: ChildProcess[] = [];
  const daemon = (cmd: string, args: string[]) => {
    const child = spawn(which(cmd) ?? cmd, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    daemons.push(child);
    return child;
  };
  const cmd = (c: string, args: string[]) => {
    const r = spawnSync(c, args, { encoding: 'utf8', env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`Slurm: ${c} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.error ?? ''}\n${logs()}`);
    return r.stdout;
  };
  const stop = async () => {
    // Cancel whatever is left, so that no slurmstepd outlives its slurmd, then stop the daemons in reverse order.
    spawnSync('scancel', ['--user', 'root', '--full'], { env: { ...process.env, ...env } });
    for (const child of daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // --force: munged otherwise refuses a socket under a world-writable /tmp.
    daemon('munged', [
      '-F',
      '--force',
      `--key-file=${at('munge.key')}`,
      `--socket=${at('munge.sock')}`,
      `--pid-file=${at('munged.pid')}`,
      `--log-file=${at('munged.log')}`,
      `--seed-file=${at('munged.seed')}`,
    ]);
    await until(() => existsSync(at('munge.sock')), 'munged', 10_000, logs);
    daemon('slurmctld', ['-D', '-i']); // -i: ignore (there is no) saved state
    daemon('slurmd', ['-D', '-N', name]);
    await until(
      () => spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout.trim() === 'idle',
      'the node to be idle (sinfo)',
      30_000,
      logs,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, cmd, logs, stop };
}

export interface JobState {
  id: string;
  task: string | null;
  state: string;
  exit: string;
  /** ISO-like local times to the second, e.g. 2026-12-04T03:05:21: they compare as strings */
  start: string;
  end: string;
}

/** Every job (and array task) of these job ids, from `scontrol -o show job`. */
export function jobStates(slurm: TestSlurm, ids: string[]): JobState[] {
  return ids.flatMap((id) =>
    slurm
      .cmd('scontrol', ['-o', 'show', 'job', id])
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => ({
        id: /\bJobId=(\d+)/.exec(l)![1],
        task: /\bArrayTaskId=(\S+)/.exec(l)?.[1] ?? null,
        state: /\bJobState=(\S+)/.exec(l)![1],
        exit: /\bExitCode=(\S+)/.exec(l)![1],
        start: /\bStartTime=(\S+)/.exec(l)?.[1] ?? '',
        end: /\bEndTime=(\S+)/.exec(l)?.[1] ?? '',
      })),
  );
}

export const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

/** Waits until every job and task of these ids has ended; returns their states. */
export async function waitForJobs(slurm: TestSlurm, ids: string[], timeoutMs = 120_000): Promise<JobState[]> {
  let states: JobState[] = [];
  await until(
    () => (states = jobStates(slurm, ids)).every((s) => ENDED.has(s.state)),
    `jobs ${ids.join(', ')} to end`,
    timeoutMs,
    () => `${JSON.stringify(states)}\n${slurm.logs()}`,
  );
  return states;
}
