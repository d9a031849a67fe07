// The demo page: load the model (progress, Cache API), then classify dropped or picked images and
// show the top-5 labels with bars, the execution provider and the time it took.
// URL parameters: ?model=<url> (default model.onnx), ?ep=webgpu,wasm (the fallback list).
import { loadClassifier } from './mlpx-web.js';

const params = new URLSearchParams(location.search);
const modelUrl = params.get('model') ?? 'model.onnx';
const executionProviders = (params.get('ep') ?? 'webgpu,wasm').split(',');
const $ = (id) => document.getElementById(id);

function describeProvider(classifier) {
  const fallback = classifier.skipped.map((s) => `${s.name} unavailable: ${s.reason}`).join('; ');
  return `${classifier.executionProvider}${fallback ? ` (${fallback})` : ''}`;
}

function show(predictions, milliseconds, provider) {
  $('predictions').replaceChildren(
    ...predictions.map((p) => {
      const item = document.createElement('li');
      item.dataset.index = String(p.index);
      item.dataset.probability = String(p.probability);
      const label = Object.assign(document.createElement('span'), { className: 'label', textContent: p.label });
      const bar = Object.assign(document.createElement('span'), { className: 'bar' });
      bar.style.width = `${Math.max(1, p.probability * 100)}%`;
      const value = Object.assign(document.createElement('span'), { className: 'probability', textContent: `${(p.probability * 100).toFixed(1)}%` });
      item.append(label, bar, value);
      return item;
    }),
  );
  $('timing').textContent = `${provider}, ${milliseconds.toFixed(1)} ms`;
}

async function main() {
  let classifier;
  try {
    classifier = await loadClassifier(modelUrl, {
      executionProviders,
      onProgress: ({ loadedBytes, totalBytes, fromCache }) => {
        $('download').value = totalBytes ? loadedBytes / totalBytes : 0;
        $('status').textContent = fromCache ? 'Model loaded from the cache' : `Downloading the model: ${(loadedBytes / 1e6).toFixed(1)} MB`;
      },
    });
  } catch (error) {
    $('status').textContent = `Cannot load the model: ${error.message}`;
    document.body.dataset.state = 'error';
    return;
  }
  $('download').hidden = true;
  $('status').textContent =
    `Ready: ${classifier.labels.length} classes, ${classifier.inputSize.width}x${classifier.inputSize.height} input, running on ${describeProvider(classifier)}${classifier.fromCache ? ' (model from the cache)' : ''}`;

  async function classifyImage(image) {
    const started = performance.now();
    const { predictions } = await classifier.classify(image, { topK: 5 });
    const milliseconds = performance.now() - started;
    show(predictions, milliseconds, classifier.executionProvider);
    return { predictions, milliseconds };
  }

  async function classifyFile(file) {
    const image = $('image');
    image.src = URL.createObjectURL(file);
    await image.decode();
    $('preview').hidden = false;
    return classifyImage(image);
  }

  $('file').addEventListener('change', () => $('file').files[0] && classifyFile($('file').files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) classifyFile(file);
  });

  async function loadImage(url) {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  }

  // For scripts and tests: classify an image URL (shown on the page), or rank every class for one.
  window.mlpxDemo = {
    classifier,
    classifyUrl: async (url) => classifyImage(await loadImage(url)),
    rankAllClasses: async (url) => (await classifier.classify(await loadImage(url), { topK: classifier.labels.length })).predictions,
  };
  document.body.dataset.state = 'ready';
}

main();
