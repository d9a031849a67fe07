/** Picking wheels as pip would: PEP 440 specifiers, PEP 508 markers with extras, manylinux tags, the configured index. */
import { describe, expect, it } from 'vitest';
import { indexUrlInPipConfig, pickIndexUrl } from 'mlpx/src/setup/cuda/index-url.js';
import { parseVersion, satisfies } from 'mlpx/src/setup/cuda/pep440.js';
import { activeRequirements, markerHolds, parseMetadata, parseRequirement } from 'mlpx/src/setup/cuda/requirements.js';
import { chooseWheel, linuxTagGlibc, type IndexFile } from 'mlpx/src/setup/cuda/simple-index.js';

const v = (text: string) => parseVersion(text)!;

describe('PEP 440', () => {
  it('matches ~=, ==, ranges and wildcards', () => {
    expect(satisfies(v('13.5.37'), '~=13.0')).toBe(true);
    expect(satisfies(v('14.0.1'), '~=13.0')).toBe(false);
    expect(satisfies(v('12.9.0'), '~=13.0')).toBe(false);
    expect(satisfies(v('9.28.1.4'), '~=9.0')).toBe(true);
    expect(satisfies(v('1.30.0'), '==1.30.0')).toBe(true);
    expect(satisfies(v('1.30'), '==1.30.0')).toBe(true);
    expect(satisfies(v('1.30.1'), '==1.30.0')).toBe(false);
    expect(satisfies(v('13.10.0.20'), '>=13.8,<14')).toBe(true);
    expect(satisfies(v('13.2.1'), '==13.2.*')).toBe(true);
    expect(satisfies(v('13.10.0'), '')).toBe(true);
  });
  it('knows pre-releases and dev releases', () => {
    expect(v('13.4.46rc1').prerelease).toBe(true);
    expect(v('9.28.0.42.dev76646929').prerelease).toBe(true);
    expect(v('13.5.37').prerelease).toBe(false);
    expect(v('1.0.post2').post).toBe(2);
  });
});

describe('METADATA requirements', () => {
  const metadata = parseMetadata(
    [
      'Metadata-Version: 2.1',
      'Name: onnxruntime_gpu',
      'Version: 1.30.0',
      'Requires-Dist: numpy>=1.21.6',
      'Provides-Extra: cuda',
      'Requires-Dist: nvidia-cuda-nvrtc~=13.0; extra == "cuda"',
      'Requires-Dist: nvidia-cufft~=12.0; extra == "cuda"',
      'Provides-Extra: cudnn',
      "Requires-Dist: nvidia-cudnn-cu13~=9.0; extra == 'cudnn'",
      'Requires-Dist: pywin32; sys_platform == "win32" and extra == "cuda"',
      'Requires-Dist: nvidia-nccl-cu13; (platform_system == "Linux" and platform_machine == "x86_64") and extra == "cuda"',
      '',
      'Requires-Dist: not a header (the body)',
    ].join('\n'),
    'test',
  );
  it('reads names, extras and requirements', () => {
    expect(metadata.name).toBe('onnxruntime-gpu');
    expect(metadata.extras).toEqual(['cuda', 'cudnn']);
    expect(parseRequirement('nvidia-cufft~=12.0; extra == "cuda"')).toMatchObject({ name: 'nvidia-cufft', specifiers: '~=12.0', marker: 'extra == "cuda"' });
    expect(parseRequirement('Foo_Bar[baz] (>=1,<2)')).toMatchObject({ name: 'foo-bar', specifiers: '>=1,<2' });
  });
  it('evaluates markers for Linux x86_64 and the chosen extras', () => {
    expect(activeRequirements(metadata, ['cuda', 'cudnn']).map((r) => r.name)).toEqual([
      'numpy',
      'nvidia-cuda-nvrtc',
      'nvidia-cufft',
      'nvidia-cudnn-cu13',
      'nvidia-nccl-cu13',
    ]);
    expect(activeRequirements(metadata, []).map((r) => r.name)).toEqual(['numpy']);
    expect(markerHolds('python_version >= "3.8" and os_name == "posix"', '')).toBe(true);
    expect(markerHolds('platform_machine != "x86_64" or sys_platform == "darwin"', '')).toBe(false);
  });
});

describe('wheel choice', () => {
  const file = (filename: string, extra: Partial<IndexFile> = {}): IndexFile => ({
    filename,
    url: `https://x/${filename}`,
    sha256: 'ab',
    size: 1,
    yanked: false,
    ...extra,
  });
  it('takes manylinux x86_64 wheels this glibc can run, newest final release first', () => {
    expect(linuxTagGlibc('manylinux2014_x86_64.manylinux_2_17_x86_64', [2, 36])).toEqual([2, 17]);
    expect(linuxTagGlibc('manylinux_2_34_aarch64', [2, 36])).toBeUndefined();
    expect(linuxTagGlibc('manylinux_2_39_x86_64', [2, 36])).toBeUndefined();
    const files = [
      file('nvidia_cublas-13.8.2.12-py3-none-manylinux_2_27_x86_64.whl'),
      file('nvidia_cublas-13.10.0.20-py3-none-manylinux1_x86_64.manylinux_2_5_x86_64.whl'),
      file('nvidia_cublas-13.11.0rc1-py3-none-manylinux_2_27_x86_64.whl'),
      file('nvidia_cublas-13.12.0-py3-none-manylinux_2_27_x86_64.whl', { yanked: true }),
      file('nvidia_cublas-13.13.0-py3-none-manylinux_2_40_x86_64.whl'),
      file('nvidia_cublas-13.14.0-py3-none-win_amd64.whl'),
      file('nvidia_cublas-13.15.0-py3-none-manylinux_2_27_x86_64.whl', { sha256: undefined }),
    ];
    expect(chooseWheel(files, 'nvidia-cublas', '', [2, 36])?.version).toBe('13.10.0.20');
    expect(chooseWheel(files, 'nvidia-cublas', '~=13.8.0', [2, 36])?.version).toBe('13.8.2.12');
    expect(chooseWheel(files, 'nvidia-cublas', '~=14.0', [2, 36])).toBeUndefined();
  });
  it('takes exactly the version asked for, any Python tag', () => {
    const files = ['cp311-cp311', 'cp314-cp314', 'cp312-cp312'].map((tag) => file(`onnxruntime_gpu-1.30.0-${tag}-manylinux_2_28_x86_64.whl`));
    files.push(file('onnxruntime_gpu-1.31.0-cp312-cp312-manylinux_2_28_x86_64.whl'));
    expect(chooseWheel(files, 'onnxruntime-gpu', '==1.30.0', [2, 36])?.filename).toBe('onnxruntime_gpu-1.30.0-cp314-cp314-manylinux_2_28_x86_64.whl');
  });
});

describe('the package index', () => {
  it("is MLPX_PYPI_INDEX_URL, then pip's, then PyPI", () => {
    expect(pickIndexUrl({ MLPX_PYPI_INDEX_URL: 'http://mirror/simple/', PIP_INDEX_URL: 'http://pip/simple' })).toEqual({
      url: 'http://mirror/simple',
      from: 'MLPX_PYPI_INDEX_URL',
    });
    expect(pickIndexUrl({ PIP_INDEX_URL: 'http://pip/simple', PIP_CONFIG_FILE: '/nonexistent' })).toEqual({ url: 'http://pip/simple', from: 'PIP_INDEX_URL' });
    expect(pickIndexUrl({ PIP_CONFIG_FILE: '/nonexistent' })).toEqual({ url: 'https://pypi.org/simple', from: 'default' });
    expect(indexUrlInPipConfig('[global]\ncert = /x\nindex-url = https://corp/pypi/simple\n[search]\nindex = x\n')).toBe('https://corp/pypi/simple');
    expect(indexUrlInPipConfig('[global]\nfind-links = /opt/wheels\n')).toBeUndefined();
  });
});
