/**
 * The tools that build tfjs-node's addon, found before anything is downloaded, each missing one
 * reported with how to get it: a C++ compiler and make, Node's own headers (so node-gyp needs no
 * download), node-gyp and npm (both ship inside npm), and nm (binutils) for the symbol check.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { runCommand } from '@mlpx/train/tooling';

export interface BuildTools {
  /** The C++ compiler node-gyp's Makefile will use. */
  readonly compiler: string;
  /** The folder whose include/node holds node_api.h and common.gypi (node-gyp's --nodedir). */
  readonly nodeDir: string;
  /** node-gyp's entry script, run with this Node. */
  readonly nodeGyp: string;
  /** npm: [program, ...leading arguments]. */
  readonly npm: readonly string[];
}

/** Where this Node's own npm lives (Node's installers put it beside the binary). */
function npmFolder(): string {
  return join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm');
}

async function answers(program: string, args: readonly string[]): Promise<boolean> {
  const result = await runCommand(program, args);
  return result.code === 0;
}

async function findCompiler(): Promise<string> {
  const candidates = [process.env.CXX, 'c++', 'g++', 'clang++'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) if (await answers(candidate, ['--version'])) return candidate;
  throw new MlpxError(
    `mlpx setup tensorflow compiles tfjs-node's addon and found no C++ compiler (tried ${candidates.join(', ')}); ` +
      'install one (Debian/Ubuntu: sudo apt-get install g++ make; Fedora: sudo dnf install gcc-c++ make; macOS: xcode-select --install) or set CXX',
  );
}

function findNodeDir(): string {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath)), '/usr', '/usr/local'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    if (existsSync(join(candidate, 'include', 'node', 'node_api.h')) && existsSync(join(candidate, 'include', 'node', 'common.gypi'))) return candidate;
  }
  throw new MlpxError(
    `mlpx setup tensorflow needs Node.js's headers (include/node/node_api.h) and found none under ${candidates.join(', ')}; ` +
      "install them (Debian/Ubuntu's nodejs: sudo apt-get install libnode-dev; nodejs.org's builds include them), or set npm_config_nodedir to a folder with include/node",
  );
}

function findNodeGyp(): string {
  const candidates = [process.env.npm_config_node_gyp, join(npmFolder(), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not installed beside mlpx: npm's own copy is the usual one.
  }
  const found = candidates.find((c): c is string => Boolean(c) && existsSync(c!));
  if (found) return found;
  throw new MlpxError(
    `mlpx setup tensorflow needs node-gyp, which ships with npm, and found it nowhere (looked in ${npmFolder()}); install it with \`npm install -g node-gyp\``,
  );
}

async function findNpm(): Promise<readonly string[]> {
  const cli = [process.env.npm_execpath, join(npmFolder(), 'bin', 'npm-cli.js')].find((c): c is string => Boolean(c) && c!.endsWith('.js') && existsSync(c!));
  if (cli) return [process.execPath, cli];
  if (await answers('npm', ['--version'])) return ['npm'];
  throw new MlpxError('mlpx setup tensorflow fetches tfjs-node with npm and found no npm; install Node.js with npm');
}

async function checkTool(program: string, args: readonly string[], fix: string): Promise<void> {
  if (!(await answers(program, args))) throw new MlpxError(`mlpx setup tensorflow needs \`${program}\`, which did not run; ${fix}`);
}

/** Finds every build tool, or throws one MlpxError naming the first that is missing and its fix. */
export async function findBuildTools(): Promise<BuildTools> {
  const compiler = await findCompiler();
  await checkTool('make', ['--version'], 'install it (Debian/Ubuntu: sudo apt-get install make)');
  await checkTool('nm', ['--version'], 'install binutils (Debian/Ubuntu: sudo apt-get install binutils)');
  return { compiler, nodeDir: findNodeDir(), nodeGyp: findNodeGyp(), npm: await findNpm() };
}
