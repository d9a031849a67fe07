/**
 * Which package index `mlpx setup cuda` reads: $MLPX_PYPI_INDEX_URL, else the index pip is
 * configured with ($PIP_INDEX_URL, then `index-url` in pip's config files, the last file read
 * winning as in pip), else https://pypi.org/simple. No pip runs: the files are read directly.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PYPI_SIMPLE = 'https://pypi.org/simple';

export interface IndexUrl {
  readonly url: string;
  /** Where it came from: 'MLPX_PYPI_INDEX_URL', 'PIP_INDEX_URL', a pip config file, or 'default'. */
  readonly from: string;
}

/** pip's config files, in the order pip reads them (later ones override earlier ones). */
function pipConfigFiles(env: NodeJS.ProcessEnv): string[] {
  if (env['PIP_CONFIG_FILE']) return [env['PIP_CONFIG_FILE']];
  const xdgDirs = (env['XDG_CONFIG_DIRS'] ?? '/etc/xdg').split(':').filter(Boolean);
  const configHome = env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config');
  const files = [
    '/etc/pip.conf',
    ...xdgDirs.map((dir) => join(dir, 'pip', 'pip.conf')),
    join(homedir(), '.pip', 'pip.conf'),
    join(configHome, 'pip', 'pip.conf'),
  ];
  if (env['VIRTUAL_ENV']) files.push(join(env['VIRTUAL_ENV'], 'pip.conf'));
  return files;
}

/** The `index-url` of an ini file's [global] or [install] section. */
export function indexUrlInPipConfig(text: string): string | undefined {
  let section = '';
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!.trim().toLowerCase();
    else if (section === 'global' || section === 'install') {
      const entry = /^index[-_]url\s*[=:]\s*(\S+)/i.exec(line);
      if (entry) found = entry[1];
    }
  }
  return found;
}

export function pickIndexUrl(env: NodeJS.ProcessEnv = process.env): IndexUrl {
  const trim = (url: string): string => url.replace(/\/+$/, '');
  if (env['MLPX_PYPI_INDEX_URL']) return { url: trim(env['MLPX_PYPI_INDEX_URL']), from: 'MLPX_PYPI_INDEX_URL' };
  if (env['PIP_INDEX_URL']) return { url: trim(env['PIP_INDEX_URL']), from: 'PIP_INDEX_URL' };
  let chosen: IndexUrl | undefined;
  for (const file of pipConfigFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const url = indexUrlInPipConfig(text);
    if (url) chosen = { url: trim(url), from: file };
  }
  return chosen ?? { url: PYPI_SIMPLE, from: 'default' };
}
