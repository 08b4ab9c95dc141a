import './style.css';
import { analysePost, type Analysis } from './analyse';
import { backendPreference, startBackend } from './backend';
import { byId, el, formatMs } from './dom';
import { ImageInput } from './image-input';
import { loadModels, type LoadedModels } from './models';
import { renderLegend, renderTaggedText } from './render/entities';
import { renderHashtags } from './render/hashtags';
import { renderHeatmap } from './render/heatmap';
import { renderImageResult } from './render/image-result';
import { renderBackend } from './render/status';

// body[data-state] is loading → ready ⇄ tagging, or error, and body[data-runs] counts the
// posts shown so far: the e2e test waits on both.
let runs = 0;
function setState(state: 'loading' | 'ready' | 'tagging' | 'error'): void {
  document.body.dataset.state = state;
}

const progress = byId('progress');
const errorBox = byId('error');
const tagButton = byId<HTMLButtonElement>('tag');
const postInput = byId<HTMLTextAreaElement>('post');

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function describeModel(loaded: LoadedModels): string {
  const kinds = loaded.model.modalities.join(' + ');
  return `TriMod model (${kinds}) loaded in ${formatMs(loaded.ms.model)} · hashtag segmenter ${formatMs(loaded.ms.segmenter)}`;
}

function showAnalysis(text: string, analysis: Analysis): void {
  byId('entities').replaceChildren(renderTaggedText(text, analysis.prediction.entities));
  byId('hashtag-list').replaceChildren(renderHashtags(analysis.hashtags));
  byId('heatmap').replaceChildren(renderHeatmap(analysis.prediction));
  const imageSection = byId('image-section');
  imageSection.hidden = analysis.image === null;
  byId('image-result').replaceChildren(analysis.image ? renderImageResult(analysis.image) : '');
  byId('tag-time').textContent = ` · tagged in ${formatMs(analysis.ms.tag)}`;
  byId('tag-time').dataset.ms = analysis.ms.tag.toFixed(1);
  byId('result').hidden = false;
  document.body.dataset.runs = String(++runs);
}

async function main(): Promise<void> {
  setState('loading');
  const images = new ImageInput(showError);
  const backend = await startBackend(backendPreference(location.search));
  byId('backend-status').replaceChildren(renderBackend(backend));
  const loaded = await loadModels((what) => (progress.textContent = what));
  byId('model-status').textContent = describeModel(loaded);
  byId('legend').replaceChildren(renderLegend(loaded.model.labels));
  progress.textContent = '';
  setState('ready');
  tagButton.disabled = false;

  const tag = async () => {
    const text = postInput.value;
    errorBox.hidden = true;
    tagButton.disabled = true;
    setState('tagging');
    try {
      const analysis = await analysePost(loaded.model, loaded.segmenter, text, images.current, (what) => (progress.textContent = what));
      showAnalysis(text, analysis);
    } catch (err) {
      showError(err instanceof Error ? err.message : String(err));
    } finally {
      progress.textContent = '';
      tagButton.disabled = false;
      setState('ready');
    }
  };
  tagButton.addEventListener('click', () => void tag());
  postInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void tag();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  showError(err instanceof Error ? err.message : String(err));
  byId('backend-status').append(el('span', { class: 'error' }, [' (start-up failed)']));
  setState('error');
});
