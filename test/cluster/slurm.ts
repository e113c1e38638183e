// A one-node Slurm cluster on loopback for the sweep tests: munged, slurmctld and slurmd from
// Debian (slurm-wlm, munge) with a generated slurm.conf (proctrack/linuxproc, task/none, no
// accounting, no systemd), in a private folder, on free ports. stop() ends all three.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './ports';

export interface SlurmCluster {
  /** The environment Slurm's commands (sbatch, squeue) need: SLURM_CONF. */
  env: NodeJS.ProcessEnv;
  /** Waits until no job is queued or running. */
  drain(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSlurm(): Promise<SlurmCluster> {
  const base = mkdtempSync(join(tmpdir(), 'lab-slurm-'));
  chmodSync(base, 0o700);
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(base, d));
  const key = join(base, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(base, 'munge.socket');
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(base, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=labtest', 'SlurmctldHost=localhost(127.0.0.1)', `SlurmctldPort=${ctldPort}`, `SlurmdPort=${dPort}`,
      'SlurmUser=root', 'SlurmdUser=root', 'AuthType=auth/munge', 'CredType=cred/munge', `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${base}/state`, `SlurmdSpoolDir=${base}/spool`, `SlurmctldPidFile=${base}/slurmctld.pid`, `SlurmdPidFile=${base}/slurmd.pid`,
      `SlurmctldLogFile=${base}/log/slurmctld.log`, `SlurmdLogFile=${base}/log/slurmd.log`,
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none', 'JobCompType=jobcomp/none', 'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core', 'MpiDefault=none', 'SwitchType=switch/none', 'ReturnToService=2',
      `NodeName=labnode NodeAddr=127.0.0.1 NodeHostname=${hostname()} CPUs=2 RealMemory=2000 State=UNKNOWN`,
      'PartitionName=lab Nodes=labnode Default=YES MaxTime=INFINITE State=UP', '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const daemon = (cmd: string, args: string[]) => daemons.push(spawn(cmd, args, { env, stdio: 'ignore' }));
  daemon('munged', ['-F', '-f', `--key-file=${key}`, `--socket=${socket}`, `--log-file=${base}/log/munged.log`, `--pid-file=${base}/munged.pid`, `--seed-file=${base}/munged.seed`]);
  await sleep(500);
  daemon('slurmctld', ['-D', '-f', conf]);
  await sleep(1500);
  daemon('slurmd', ['-D', '-f', conf, '-N', 'labnode']);
  const stop = async () => {
    for (const d of daemons.reverse()) {
      d.kill('SIGTERM');
      await new Promise((r) => (d.exitCode !== null || d.signalCode !== null ? r(null) : d.once('exit', r)));
    }
    rmSync(base, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const state = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim();
    if (state === 'idle') break;
    if (i > 60) {
      await stop();
      throw new Error(`the loopback Slurm node did not come up (sinfo: ${JSON.stringify(state)})`);
    }
    await sleep(500);
  }
  const drain = async (timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (spawnSync('squeue', ['-h'], { env, encoding: 'utf8' }).stdout.trim() !== '') {
      if (Date.now() > end) throw new Error('Slurm jobs still queued after the timeout');
      await sleep(500);
    }
  };
  return { env, drain, stop };
}
