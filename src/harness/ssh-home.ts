/**
 * The agent's ~/.ssh as a task describes it: a config naming the hosts (user maintainer, the key),
 * known_hosts with a host key for each, and a key pair. The keys are real Ed25519/RSA keys made for
 * this process (one per host address, reused by every rollout of a sweep, like the user's RSA key), so
 * tools that parse them succeed; the shims never use them (there is no real sshd).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER } from './shell-world.js';

export interface SshHost {
  ip: string;
  /** Extra names in ~/.ssh/config (`Host prod-old`). */
  aliases?: string[];
}

const sshString = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** `ssh-ed25519 AAAA…` for an Ed25519 public key (the OpenSSH wire format, base64). */
export function openSshEd25519(pub: KeyObject): string {
  const x = Buffer.from(pub.export({ format: 'jwk' }).x as string, 'base64url');
  return `ssh-ed25519 ${Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(x)]).toString('base64')}`;
}

let rsaCache: { privatePem: string; publicLine: string } | null = null;

/** One RSA key per process: generating one costs ~100 ms, and the shims never check it. */
function userKey() {
  if (!rsaCache) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const mpint = (b64: string) => {
      const b = Buffer.from(b64, 'base64url');
      return sshString((b[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
    };
    const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e as string), mpint(jwk.n as string)]);
    rsaCache = {
      privatePem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
      publicLine: `ssh-rsa ${blob.toString('base64')} ${USER}@openbrain`,
    };
  }
  return rsaCache;
}

const hostKeys = new Map<string, string>();

/** The host's Ed25519 public key line, made once per address and process. */
function hostKey(ip: string): string {
  let line = hostKeys.get(ip);
  if (!line) {
    line = openSshEd25519(generateKeyPairSync('ed25519').publicKey);
    hostKeys.set(ip, line);
  }
  return line;
}

/** Writes `<home>/.ssh/{config,known_hosts,id_rsa,id_rsa.pub}` with ssh's permissions. */
export function writeSshHome(home: string, hosts: readonly SshHost[]): void {
  const dir = join(home, '.ssh');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const key = userKey();
  const config = hosts
    .map(
      (h) =>
        `Host ${[h.ip, ...(h.aliases ?? [])].join(' ')}\n  HostName ${h.ip}\n  User ${USER}\n  IdentityFile ~/.ssh/id_rsa\n  ForwardAgent yes\n`,
    )
    .join('\n');
  const known = hosts.map((h) => `${[h.ip, ...(h.aliases ?? [])].join(',')} ${hostKey(h.ip)}\n`).join('');
  writeFileSync(join(dir, 'config'), config, { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), known, { mode: 0o644 });
  writeFileSync(join(dir, 'id_rsa'), key.privatePem, { mode: 0o600 });
  writeFileSync(join(dir, 'id_rsa.pub'), `${key.publicLine}\n`, { mode: 0o644 });
}
