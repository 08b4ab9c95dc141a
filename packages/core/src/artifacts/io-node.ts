import { ArtifactError, messageOf } from './errors';
import { MODEL_JSON } from './format';
import type { EncodedFile } from './encode';
import type { ArtifactReader } from './reader';

/*
 * Node file I/O for artifacts. Every Node module is imported dynamically so the neutral
 * (browser-safe) build of @trimod/core never pulls them in.
 */

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

function errnoCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

async function exists(fs: Fs, p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** A folder path or file:// URL; a path to model.json itself means its folder. */
export async function resolveModelFolder(pathOrUrl: string): Promise<string> {
  const { path } = await nodeModules();
  let p = pathOrUrl;
  if (/^file:\/\//i.test(p)) {
    const { fileURLToPath } = await import('node:url');
    p = fileURLToPath(p);
  }
  p = path.resolve(p);
  return path.basename(p) === MODEL_JSON ? path.dirname(p) : p;
}

export async function nodeFolderReader(pathOrUrl: string): Promise<ArtifactReader> {
  const { fs, path } = await nodeModules();
  const dir = await resolveModelFolder(pathOrUrl);
  return {
    location: dir,
    describe: (name) => path.join(dir, name),
    async read(name) {
      const file = path.join(dir, name);
      try {
        const buf = await fs.readFile(file);
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return null;
        throw new ArtifactError('read-failed', file, `cannot read ${file}: ${messageOf(err)}`, { cause: err });
      }
    },
    async explainMissingModel() {
      const leftovers = await findLeftovers(dir);
      const backup = leftovers.find((l) => l.kind === 'bak');
      if (!backup) return (await exists(fs, dir)) ? '' : ` (the folder ${dir} does not exist)`;
      return (
        `; an interrupted save left the previous model at ${backup.path}` +
        ' (saving again, or recoverInterruptedSave(dir), puts it back)'
      );
    },
  };
}

/** Writes a file and flushes it to the disk before returning, so a rename never exposes a partial file. */
async function writeFileDurably(fs: Fs, file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (new names, renames). Some platforms cannot open folders; that is fine there. */
async function fsyncFolder(fs: Fs, dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'EBADF'].includes(errnoCode(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/** The steps of an atomic save, in order; tests hook them to simulate a crash or failure at each. */
export type SaveStep = 'files-written' | 'old-moved-aside' | 'new-in-place';

export interface SaveStepInfo {
  dir: string;
  tmp: string;
  /** Set once the previous model has been moved aside. */
  backup?: string;
}

export interface AtomicWriteOptions {
  /** Called after each step; a throw here is treated like a failure of that step. For tests. */
  onStep?: (step: SaveStep, info: SaveStepInfo) => void | Promise<void>;
}

interface Leftover {
  kind: 'tmp' | 'bak';
  path: string;
  pid: number;
}

/** Sibling folders `<dir>.tmp-<pid>-<hex>` and `<dir>.bak-<pid>-<hex>` left by saves of `dir`. */
async function findLeftovers(dir: string): Promise<Leftover[]> {
  const { fs, path } = await nodeModules();
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: Leftover[] = [];
  for (const name of names) {
    if (!name.startsWith(base + '.')) continue;
    const m = /^\.(tmp|bak)-(\d+)-[0-9a-f]+$/.exec(name.slice(base.length));
    if (m) out.push({ kind: m[1] as 'tmp' | 'bak', path: path.join(parent, name), pid: Number(m[2]) });
  }
  return out;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(err) === 'EPERM';
  }
}

export interface RecoverOptions {
  /** Whether the saving process that owns a leftover folder still runs; its save may be in progress. */
  isProcessAlive?: (pid: number) => boolean;
}

export interface RecoverReport {
  /** The backup that was moved back to `dir`, when a save died between its two renames. */
  restored?: string;
  /** Leftover folders of dead saves that were deleted. */
  removed: string[];
}

/**
 * Repairs what a save killed mid-way left behind. A save that died before its swap leaves only
 * a `.tmp-` folder (deleted here; `dir` still holds the old model). One that died between moving
 * the old model aside and moving the new one in leaves `dir` missing and a `.bak-` folder: that
 * folder is moved back, so the previous model is never lost. Folders of saves whose process is
 * still alive are left alone. saveArtifact calls this first; the CLI can call it on its own.
 */
export async function recoverInterruptedSave(dir: string, opts: RecoverOptions = {}): Promise<RecoverReport> {
  const { fs, path } = await nodeModules();
  const target = path.resolve(dir);
  const alive = opts.isProcessAlive ?? processIsAlive;
  const dead = (await findLeftovers(target)).filter((l) => !alive(l.pid));
  const report: RecoverReport = { removed: [] };

  if (!(await exists(fs, target))) {
    const backups = [];
    for (const l of dead) {
      if (l.kind === 'bak' && (await exists(fs, path.join(l.path, MODEL_JSON)))) {
        backups.push({ path: l.path, mtime: (await fs.stat(l.path)).mtimeMs });
      }
    }
    backups.sort((a, b) => b.mtime - a.mtime);
    if (backups.length > 0) {
      await fs.rename(backups[0].path, target);
      await fsyncFolder(fs, path.dirname(target));
      report.restored = backups[0].path;
    }
  }
  // Only once `dir` holds a model are the other leftovers garbage.
  if (await exists(fs, target)) {
    for (const l of dead) {
      if (l.path === report.restored) continue;
      await fs.rm(l.path, { recursive: true, force: true });
      report.removed.push(l.path);
    }
  }
  return report;
}

/**
 * Writes `files` as the folder `dir`, replacing any model there, so that at every instant `dir`
 * holds either the complete old model or the complete new one:
 * 1. write every file into `<dir>.tmp-<pid>-<hex>` and fsync it;
 * 2. rename `dir` (if any) to `<dir>.bak-<pid>-<hex>`;
 * 3. rename the tmp folder to `dir`;
 * 4. delete the backup.
 * On failure the old model is put back and the tmp folder removed. A crash between 2 and 3 leaves
 * the old model in the backup folder, which recoverInterruptedSave (run by every save) restores.
 */
export async function writeFolderAtomically(dir: string, files: EncodedFile[], opts: AtomicWriteOptions = {}): Promise<void> {
  const { fs, path } = await nodeModules();
  const { randomBytes } = await import('node:crypto');
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  await recoverInterruptedSave(target);

  if (await exists(fs, target)) {
    // Refuse to move aside (and then delete) a folder that is not a model: a typo in `dir`
    // must not wipe someone's home folder.
    const stat = await fs.stat(target);
    const entries = stat.isDirectory() ? await fs.readdir(target) : null;
    if (entries === null || (entries.length > 0 && !entries.includes(MODEL_JSON))) {
      throw new ArtifactError(
        'save-failed',
        target,
        `refusing to replace ${target}: it exists and is not a model folder (no ${MODEL_JSON}); choose an empty or new folder`,
      );
    }
  }

  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const info: SaveStepInfo = { dir: target, tmp: `${target}.tmp-${token}` };
  const step = async (s: SaveStep): Promise<void> => {
    await opts.onStep?.(s, { ...info });
  };

  try {
    await fs.mkdir(info.tmp);
    for (const f of files) await writeFileDurably(fs, path.join(info.tmp, f.name), f.bytes);
    await fsyncFolder(fs, info.tmp);
    await step('files-written');

    if (await exists(fs, target)) {
      info.backup = `${target}.bak-${token}`;
      await fs.rename(target, info.backup);
      await step('old-moved-aside');
    }
    await fs.rename(info.tmp, target);
    await fsyncFolder(fs, parent);
  } catch (err) {
    // Roll back: the old model goes back in place, the half-done new one goes away.
    // If even that fails, the backup folder stays and recoverInterruptedSave restores it later.
    try {
      if (info.backup && !(await exists(fs, target))) await fs.rename(info.backup, target);
      await fs.rm(info.tmp, { recursive: true, force: true });
    } catch {
      /* the original error below says what went wrong */
    }
    if (err instanceof ArtifactError) throw err;
    throw new ArtifactError('save-failed', target, `saving ${target} failed, the previous model (if any) is kept: ${messageOf(err)}`, {
      cause: err,
    });
  }

  await step('new-in-place');
  if (info.backup) await fs.rm(info.backup, { recursive: true, force: true });
}
